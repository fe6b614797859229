package dev.vitlens.explain;

import java.util.Random;

/** Random post-softmax attention stacks for tests and benchmarks. */
final class RandomAttentions {
    private RandomAttentions() {
    }

    /** {@code [layers][heads][tokens][tokens]}, each row a softmax of Gaussian logits scaled by {@code sharpness}. */
    static float[][][][] softmaxRows(Random random, int layers, int heads, int tokens, double sharpness) {
        float[][][][] att = new float[layers][heads][tokens][tokens];
        double[] logits = new double[tokens];
        for (float[][][] layer : att) {
            for (float[][] head : layer) {
                for (float[] row : head) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tokens; j++) {
                        logits[j] = random.nextGaussian() * sharpness;
                        max = Math.max(max, logits[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tokens; j++) {
                        logits[j] = Math.exp(logits[j] - max);
                        sum += logits[j];
                    }
                    for (int j = 0; j < tokens; j++) {
                        row[j] = (float) (logits[j] / sum);
                    }
                }
            }
        }
        return att;
    }
}
