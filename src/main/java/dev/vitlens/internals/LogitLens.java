package dev.vitlens.internals;

import dev.vitlens.engine.Scores;
import dev.vitlens.inference.InferenceException;

/**
 * The logit lens: the model's own read-out applied to every layer's hidden state, and to every patch token of it
 * read as if it were what the read-out pools.
 */
public final class LogitLens {

    private LogitLens() {
    }

    /**
     * @param layerProbabilities {@code [L + 1][classes]}: softmax of the read-out of hidden state i (index 0 the
     *                           embeddings, index L the last layer: the model's own probabilities)
     * @param patchProbabilities {@code [L + 1][patches][classes]}: softmax of the read-out of one patch token of
     *                           hidden state i, fed as if it were the pooled token(s)
     */
    public record Result(float[][] layerProbabilities, float[][][] patchProbabilities) {
    }

    /**
     * @throws InferenceException    when the read-out fails to run
     * @throws IllegalArgumentException when {@code internals} carry no hidden states
     */
    public static Result compute(ModelInternals internals, Readout readout) throws InferenceException {
        if (!internals.hasHiddenStates()) {
            throw new IllegalArgumentException("the logit lens needs hidden states, and there are none: "
                    + internals.noHiddenStatesReason());
        }
        float[][][] hidden = internals.hiddenStates();
        int states = hidden.length;
        int tokens = hidden[0].length;
        int prefix = internals.layout().prefixTokens();
        int patches = tokens - prefix;
        float[][] layers = softmax(readout.apply(hidden).logits());

        // Each patch token read as if it were what the read-out pools: every row of the state is that token, so a
        // [CLS] gather, a [DIST] gather and a mean over patches all see it. Rows are shared references, not copies.
        int rows = readout.readsTwoTokenStates() ? 2 : tokens;
        float[][][] perPatch = new float[states * patches][][];
        for (int l = 0; l < states; l++) {
            for (int p = 0; p < patches; p++) {
                float[][] state = new float[rows][];
                java.util.Arrays.fill(state, hidden[l][prefix + p]);
                perPatch[l * patches + p] = state;
            }
        }
        float[][] read = softmax(readout.apply(perPatch).logits());
        float[][][] byPatch = new float[states][patches][];
        for (int l = 0; l < states; l++) {
            for (int p = 0; p < patches; p++) {
                byPatch[l][p] = read[l * patches + p];
            }
        }
        return new Result(layers, byPatch);
    }

    private static float[][] softmax(float[][] logits) {
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Scores.softmax(logits[i]);
        }
        return out;
    }
}
