package dev.vitlens.teach;

import java.util.Locale;

/**
 * "From which layer on does the model already give its final answer?" The answer comes from the logit lens: the
 * first layer from which the read-out's top class never changes again. One layer off counts as close.
 */
final class FirstSureLayer implements Question {

    @Override
    public Pick pick() {
        return Pick.LAYER;
    }

    @Override
    public String prompt(TeachInput input) {
        return "Before you look: from which layer on do you think the model already gives its final answer? Move "
                + "the layer slider (or press [ and ]) and press Enter.";
    }

    @Override
    public Answer check(TeachInput input, int picked) {
        int layers = input.layout().layers();
        if (picked < 0 || picked >= layers) {
            throw new IllegalArgumentException("layer " + picked + " is outside 0.." + (layers - 1));
        }
        int correct = firstSureLayer(input);
        int off = Math.abs(picked - correct);
        // 0-based, like the views, the layer slider and the CLI
        String what = String.format(Locale.ROOT, "the read-out's top class is the final one from layer %d on "
                + "(layers 0 to %d)", correct, layers - 1);
        String feedback = off == 0 ? "Exactly: " + what + "."
                : (off == 1 ? "Close: " : "Not quite: ") + what + "; you said layer " + picked + ".";
        return new Answer(off <= 1, correct, feedback);
    }

    @Override
    public String solution(TeachInput input) {
        if (input.lens() == null) {
            return "Not available: " + input.whyNot(TeachNeed.READOUT);
        }
        return String.format(Locale.ROOT, "The read-out's top class is the final one from layer %d on (layers 0 to "
                + "%d).", firstSureLayer(input), input.layout().layers() - 1);
    }

    /** 0-based encoder layer; the lens has L + 1 rows (row 0 is the embeddings, row i + 1 layer i's output). */
    static int firstSureLayer(TeachInput input) {
        if (input.lens() == null) {
            throw new IllegalArgumentException("this question needs the logit lens: " + input.whyNot(TeachNeed.READOUT));
        }
        float[][] rows = input.lens().layerProbabilities();
        int last = rows.length - 1;
        int answer = argmax(rows[last]);
        int first = last;
        while (first - 1 >= 1 && argmax(rows[first - 1]) == answer) {
            first--;
        }
        return first - 1;
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
