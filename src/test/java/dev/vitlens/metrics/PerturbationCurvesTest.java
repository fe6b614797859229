package dev.vitlens.metrics;

import dev.vitlens.explain.BatchScorer;
import dev.vitlens.explain.HeatGrid;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The curves' bookkeeping against a scorer in plain Java whose answer is known for every perturbed image. */
class PerturbationCurvesTest {
    /** 3 channels, 8x12 pixels, 4-pixel patches: a 2x3 grid. */
    static final int C = 3;
    static final int H = 8;
    static final int W = 12;
    static final int P = 4;

    static float[] randomImage(long seed) {
        Random r = new Random(seed);
        float[] v = new float[C * H * W];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian());
        }
        return v;
    }

    /** logit 0 = weights · pixels, logit 1 = 0: P(class 0) = sigmoid(weights · pixels). */
    record LinearScorer(float[] weights, List<Integer> batchSizes) implements BatchScorer {
        @Override
        public float[][] scoreBatch(float[][] inputs) {
            batchSizes.add(inputs.length);
            float[][] out = new float[inputs.length][2];
            for (int n = 0; n < inputs.length; n++) {
                double s = 0;
                for (int i = 0; i < weights.length; i++) {
                    s += weights[i] * inputs[n][i];
                }
                out[n][0] = (float) s;
            }
            return out;
        }
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** The probability with the patches in {@code fromBaseline} taken from the baseline, summed per pixel. */
    static double expected(float[] image, float[] baseline, float[] weights, boolean[] fromBaseline) {
        double s = 0;
        for (int c = 0; c < C; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int patch = (y / P) * (W / P) + x / P;
                    int i = c * H * W + y * W + x;
                    s += weights[i] * (fromBaseline[patch] ? baseline[i] : image[i]);
                }
            }
        }
        return sigmoid(s);
    }

    @Test
    void everyPointIsTheScoreOfTheImageWithThoseRankedPatchesReplaced() {
        float[] image = randomImage(1);
        float[] weights = randomImage(2);
        for (int i = 0; i < weights.length; i++) {
            weights[i] *= 0.1f;
        }
        int[] ranking = {4, 0, 5, 2, 1, 3};
        for (Baseline baseline : Baseline.values()) {
            List<Integer> sizes = new ArrayList<>();
            PerturbationCurves.Result r = PerturbationCurves.compute(
                    new PerturbationCurves.Image(image, C, H, W, 2, 3, P), new LinearScorer(weights, sizes), 0,
                    List.of(ranking), new PerturbationCurves.Options(6, baseline, 2.0, 4), null);
            float[] base = baseline.image(image, C, H, W, 2.0);
            PerturbationCurves.Curves curves = r.curves().get(0);
            double[] fractions = curves.deletion().fractions();
            assertEquals(7, fractions.length);
            for (int k = 0; k <= 6; k++) {
                assertEquals(k / 6.0, fractions[k], 1e-12);
                boolean[] removed = new boolean[6];
                for (int i = 0; i < k; i++) {
                    removed[ranking[i]] = true;
                }
                boolean[] notRevealed = new boolean[6];
                for (int p = 0; p < 6; p++) {
                    notRevealed[p] = !removed[p];
                }
                assertEquals(expected(image, base, weights, removed), curves.deletion().scores()[k], 1e-5,
                        baseline + " deletion step " + k);
                assertEquals(expected(image, base, weights, notRevealed), curves.insertion().scores()[k], 1e-5,
                        baseline + " insertion step " + k);
            }
            // 2 shared images + 2 x 5 inner steps, in batches of at most 4.
            assertEquals(12, r.forwardPasses());
            assertEquals(List.of(4, 4, 4), sizes);
            assertEquals(3, r.batches());
            assertEquals(expected(image, base, weights, new boolean[6]), r.originalProbability(), 1e-5);
        }
    }

    @Test
    void stepsAreCappedAtThePatchCountAndRoundedOtherwise() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, PerturbationCurves.stepCounts(6, 20));
        assertArrayEquals(new int[] {0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 29, 32, 34, 37, 39, 42, 44, 47, 49},
                PerturbationCurves.stepCounts(49, 20));
        assertArrayEquals(new int[] {0, 6}, PerturbationCurves.stepCounts(6, 1));
    }

    @Test
    void manyRankingsShareTheOriginalAndBaselineAndKeepTheirOrder() {
        float[] image = randomImage(3);
        float[] weights = randomImage(4);
        List<int[]> rankings = List.of(new int[] {0, 1, 2, 3, 4, 5}, new int[] {5, 4, 3, 2, 1, 0});
        List<Integer> sizes = new ArrayList<>();
        PerturbationCurves.Result r = PerturbationCurves.compute(new PerturbationCurves.Image(image, C, H, W, 2, 3, P),
                new LinearScorer(weights, sizes), 0, rankings, new PerturbationCurves.Options(3, Baseline.ZERO, 1, 64),
                null);
        assertEquals(List.of(2 + 2 * 2 * 2), sizes, "one call for everything that fits in a batch");
        // Deleting patches 0,1 (first ranking, step 1 of 3) leaves the same image as revealing 2..5 in the second.
        assertEquals(r.curves().get(0).deletion().scores()[1], r.curves().get(1).insertion().scores()[2], 1e-12);
        assertEquals(r.curves().get(0).deletion().scores()[3], r.curves().get(1).deletion().scores()[3], 0);
    }

    @Test
    void theTrapezoidRuleIsExactForPiecewiseLinearCurves() {
        // y = 1 - x on [0, 1]: area 1/2; a step curve 1,1,0 over 0,0.5,1: 0.5 + 0.25.
        assertEquals(0.5, Curve.trapezoid(new double[] {0, 0.25, 1}, new double[] {1, 0.75, 0}), 1e-15);
        assertEquals(0.75, new Curve(new double[] {0, 0.5, 1}, new double[] {1, 1, 0}).auc(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Curve.trapezoid(new double[] {0, 1, 0.5},
                new double[] {0, 0, 0}));
    }

    @Test
    void tiesAreBrokenByRowMajorIndexAndRandomRankingsArePermutations() {
        HeatGrid grid = HeatGrid.of(2, 3, new float[] {0.5f, 1, 0.5f, 1, 0, 0.5f});
        assertArrayEquals(new int[] {1, 3, 0, 2, 5, 4}, PatchRanking.byRelevance(grid));
        int[] a = PatchRanking.random(49, 7);
        assertArrayEquals(a, PatchRanking.random(49, 7), "reproducible");
        PatchRanking.check(a, 49);
        boolean differs = false;
        for (int s = 0; s < 5; s++) {
            differs |= !java.util.Arrays.equals(a, PatchRanking.random(49, PatchRanking.seed(1, s)));
        }
        assertTrue(differs);
        assertThrows(IllegalArgumentException.class, () -> PatchRanking.check(new int[] {0, 0, 1}, 3));
    }

    @Test
    void baselinesAreWhatTheirNamesSay() {
        float[] image = randomImage(5);
        float[] mean = Baseline.MEAN.image(image, C, H, W, 1);
        for (int c = 0; c < C; c++) {
            double s = 0;
            for (int i = 0; i < H * W; i++) {
                s += image[c * H * W + i];
            }
            assertEquals(s / (H * W), mean[c * H * W + 17], 1e-6);
        }
        for (float v : Baseline.ZERO.image(image, C, H, W, 1)) {
            assertEquals(0, v);
        }
        // Blur against a naive 2-D convolution with clamped borders.
        double sigma = 1.5;
        float[] blurred = Baseline.BLUR.image(image, C, H, W, sigma);
        int r = (int) Math.ceil(3 * sigma);
        for (int c = 0; c < C; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double s = 0;
                    double norm = 0;
                    for (int dy = -r; dy <= r; dy++) {
                        for (int dx = -r; dx <= r; dx++) {
                            double g = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                            int yy = Math.min(H - 1, Math.max(0, y + dy));
                            int xx = Math.min(W - 1, Math.max(0, x + dx));
                            s += g * image[c * H * W + yy * W + xx];
                            norm += g;
                        }
                    }
                    assertEquals(s / norm, blurred[c * H * W + y * W + x], 1e-5);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Baseline.parse("black"));
    }

    @Test
    void cancellingStopsBetweenBatches() {
        float[] image = randomImage(6);
        List<Integer> sizes = new ArrayList<>();
        assertThrows(CancellationException.class, () -> PerturbationCurves.compute(
                new PerturbationCurves.Image(image, C, H, W, 2, 3, P), new LinearScorer(image, sizes), 0,
                List.of(new int[] {0, 1, 2, 3, 4, 5}), new PerturbationCurves.Options(6, Baseline.MEAN, 1, 2),
                () -> sizes.size() >= 2));
        assertEquals(2, sizes.size());
    }
}
