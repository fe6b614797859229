package dev.vitlens.explain;

import dev.vitlens.catalog.TokenLayout;

import java.util.Arrays;
import java.util.concurrent.CancellationException;

/**
 * Occlusion sensitivity (Zeiler &amp; Fergus 2014), model-agnostic: slide a window of k×k patches over the input,
 * fill it with the image's mean colour (in normalised space, so the fill is "no information" rather than black), and
 * record how much the target class's probability drops. A patch's value is the mean drop over the windows covering
 * it. Needs no attentions, only forward passes, so it also checks what rollout claims.
 */
public final class OcclusionSensitivity {

    /** What the scorer returns. */
    public enum ScoreKind {
        /** Raw logits: a softmax is applied here. */
        LOGITS,
        /** Already probabilities. */
        PROBABILITIES
    }

    /**
     * @param windowPatches side of the occluding window, in patches (1 = one patch)
     * @param stridePatches step between windows, in patches
     * @param batchSize     inputs per scorer call
     * @param scoreKind     whether the scorer returns logits or probabilities
     */
    public record Options(int windowPatches, int stridePatches, int batchSize, ScoreKind scoreKind) {
        public Options {
            if (windowPatches < 1 || stridePatches < 1 || batchSize < 1) {
                throw new IllegalArgumentException("window, stride and batch size must be >= 1, got window="
                        + windowPatches + " stride=" + stridePatches + " batch=" + batchSize);
            }
            if (scoreKind == null) {
                throw new IllegalArgumentException("score kind is required");
            }
        }

        /** One patch at a time, batches of 16, logits. */
        public static Options perPatch() {
            return new Options(1, 1, 16, ScoreKind.LOGITS);
        }
    }

    /**
     * @param drop                per patch, baseline probability minus occluded probability (positive = the patch helps)
     * @param targetClass         the class explained
     * @param baselineProbability the target's probability on the unoccluded input
     * @param forwardPasses       images scored, the unoccluded one included
     * @param batches             scorer calls
     * @param elapsedMillis       wall time of the whole computation
     */
    public record Result(HeatGrid drop, int targetClass, float baselineProbability, int forwardPasses, int batches,
                         long elapsedMillis) { }

    private OcclusionSensitivity() {
    }

    /**
     * @param inputCHW    the preprocessed image, {@code [channels * height * width]}
     * @param layout      patch grid; {@code gridHeight * patchSize} must equal {@code height}, same for width
     * @param targetClass class to explain, or -1 for the top class of the unoccluded image
     * @throws CancellationException if the calling thread is interrupted between batches
     */
    public static Result compute(float[] inputCHW, int channels, int height, int width, TokenLayout layout,
                                 BatchScorer scorer, int targetClass, Options options) {
        long start = System.nanoTime();
        int p = layout.patchSize();
        if (channels < 1 || inputCHW.length != channels * height * width) {
            throw new IllegalArgumentException("input has " + inputCHW.length + " floats, expected " + channels + "x"
                    + height + "x" + width);
        }
        if (layout.gridHeight() * p != height || layout.gridWidth() * p != width) {
            throw new IllegalArgumentException("a " + layout.gridHeight() + "x" + layout.gridWidth() + " grid of "
                    + p + "-pixel patches does not cover a " + height + "x" + width + " input");
        }
        int k = Math.min(options.windowPatches(), Math.min(layout.gridHeight(), layout.gridWidth()));
        int[] rowStarts = windowStarts(layout.gridHeight(), k, options.stridePatches());
        int[] colStarts = windowStarts(layout.gridWidth(), k, options.stridePatches());
        float[] fill = channelMeans(inputCHW, channels, height * width);

        int windows = rowStarts.length * colStarts.length;
        int total = windows + 1; // the unoccluded input goes first
        float[] probabilities = new float[total];
        int target = targetClass;
        int batches = 0;
        for (int first = 0; first < total; first += options.batchSize()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("occlusion cancelled after " + first + " of " + total + " passes");
            }
            int n = Math.min(options.batchSize(), total - first);
            float[][] batch = new float[n][];
            for (int b = 0; b < n; b++) {
                int item = first + b;
                if (item == 0) {
                    batch[b] = inputCHW.clone();
                } else {
                    int w = item - 1;
                    batch[b] = occluded(inputCHW, channels, height, width, fill,
                            rowStarts[w / colStarts.length] * p, colStarts[w % colStarts.length] * p, k * p);
                }
            }
            float[][] scores = scorer.scoreBatch(batch);
            batches++;
            if (scores == null || scores.length != n) {
                throw new IllegalStateException("scorer returned " + (scores == null ? "null" : scores.length
                        + " results") + " for a batch of " + n);
            }
            if (first == 0 && target < 0) {
                target = argMax(scores[0]);
            }
            for (int b = 0; b < n; b++) {
                if (target >= scores[b].length) {
                    throw new IllegalArgumentException("target class " + target + " outside the model's "
                            + scores[b].length + " classes");
                }
                probabilities[first + b] = probability(scores[b], target, options.scoreKind());
            }
        }

        float baseline = probabilities[0];
        double[] sum = new double[layout.patches()];
        int[] count = new int[layout.patches()];
        for (int w = 0; w < windows; w++) {
            float drop = baseline - probabilities[w + 1];
            int r0 = rowStarts[w / colStarts.length];
            int c0 = colStarts[w % colStarts.length];
            for (int r = r0; r < r0 + k; r++) {
                for (int c = c0; c < c0 + k; c++) {
                    sum[r * layout.gridWidth() + c] += drop;
                    count[r * layout.gridWidth() + c]++;
                }
            }
        }
        float[] grid = new float[layout.patches()];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = count[i] == 0 ? 0 : (float) (sum[i] / count[i]);
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        return new Result(HeatGrid.of(layout.gridHeight(), layout.gridWidth(), grid), target, baseline, total, batches,
                elapsed);
    }

    /** Window starts 0, s, 2s, ... plus a last one flush with the edge so every patch is covered. */
    static int[] windowStarts(int cells, int window, int stride) {
        int last = cells - window;
        int n = last / stride + 1;
        boolean flush = last % stride != 0;
        int[] starts = new int[n + (flush ? 1 : 0)];
        for (int i = 0; i < n; i++) {
            starts[i] = i * stride;
        }
        if (flush) {
            starts[n] = last;
        }
        return starts;
    }

    private static float[] channelMeans(float[] chw, int channels, int plane) {
        float[] means = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                s += chw[i];
            }
            means[c] = (float) (s / plane);
        }
        return means;
    }

    private static float[] occluded(float[] chw, int channels, int height, int width, float[] fill,
                                    int y0, int x0, int size) {
        float[] copy = chw.clone();
        int y1 = Math.min(height, y0 + size);
        int x1 = Math.min(width, x0 + size);
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = y0; y < y1; y++) {
                Arrays.fill(copy, plane + y * width + x0, plane + y * width + x1, fill[c]);
            }
        }
        return copy;
    }

    private static float probability(float[] scores, int target, ScoreKind kind) {
        if (kind == ScoreKind.PROBABILITIES) {
            return scores[target];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double sum = 0;
        for (float s : scores) {
            sum += Math.exp(s - max);
        }
        return (float) (Math.exp(scores[target] - max) / sum);
    }

    private static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
