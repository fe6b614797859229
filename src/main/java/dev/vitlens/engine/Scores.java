package dev.vitlens.engine;

import java.util.ArrayList;
import java.util.List;

/** Softmax and top-k in plain Java (DJL's ONNX Runtime NDArray supports almost no operators). */
public final class Scores {
    private Scores() {
    }

    /** Numerically stable softmax: subtract the max, accumulate in double. */
    public static float[] softmax(float[] logits) {
        if (logits.length == 0) {
            return new float[0];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] exp = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            exp[i] = Math.exp((double) logits[i] - max);
            sum += exp[i];
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) (exp[i] / sum);
        }
        return out;
    }

    /** The k highest scores, best first; ties keep the lower index first. */
    public static List<Prediction> topK(float[] scores, List<String> labels, int k) {
        int n = Math.min(Math.max(k, 0), scores.length);
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Float.compare(scores[b], scores[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        List<Prediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = order[i];
            String label = index < labels.size() ? labels.get(index) : "LABEL_" + index;
            out.add(new Prediction(label, index, scores[index]));
        }
        return out;
    }
}
