package dev.vitlens.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The closed forms against the definitions: weights against the normal equations solved directly, and the
 * leave-one-out predictions against n refits without the left-out sample, in both bases (n ≤ F and n > F).
 */
class RidgeClassifierTest {

    /** Ridge with an unpenalised bias by Gaussian elimination on [1 X]ᵀ[1 X] + diag(0, λI). Returns {bias, w...}. */
    static double[][] naive(float[][] x, int[] y, int classes, double lambda, int skip) {
        int f = x[0].length;
        int p = f + 1;
        double[][] a = new double[p][p];
        double[][] b = new double[p][classes];
        for (int i = 0; i < x.length; i++) {
            if (i == skip) {
                continue;
            }
            double[] row = new double[p];
            row[0] = 1;
            for (int j = 0; j < f; j++) {
                row[j + 1] = x[i][j];
            }
            for (int r = 0; r < p; r++) {
                for (int c = 0; c < p; c++) {
                    a[r][c] += row[r] * row[c];
                }
                for (int k = 0; k < classes; k++) {
                    b[r][k] += row[r] * (y[i] == k ? 1 : -1);
                }
            }
        }
        for (int j = 1; j < p; j++) {
            a[j][j] += lambda;
        }
        // Gauss-Jordan with partial pivoting
        for (int col = 0; col < p; col++) {
            int pivot = col;
            for (int r = col + 1; r < p; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col]; a[col] = a[pivot]; a[pivot] = t;
            t = b[col]; b[col] = b[pivot]; b[pivot] = t;
            for (int r = 0; r < p; r++) {
                if (r == col) {
                    continue;
                }
                double m = a[r][col] / a[col][col];
                for (int c = col; c < p; c++) {
                    a[r][c] -= m * a[col][c];
                }
                for (int k = 0; k < classes; k++) {
                    b[r][k] -= m * b[col][k];
                }
            }
        }
        double[][] coef = new double[p][classes];
        for (int r = 0; r < p; r++) {
            for (int k = 0; k < classes; k++) {
                coef[r][k] = b[r][k] / a[r][r];
            }
        }
        return coef;
    }

    static int predict(double[][] coef, float[] x) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < coef[0].length; k++) {
            double v = coef[0][k];
            for (int j = 0; j < x.length; j++) {
                v += coef[j + 1][k] * x[j];
            }
            if (v > bestValue) {
                bestValue = v;
                best = k;
            }
        }
        return best;
    }

    /** Clusters around a random centre per class, with noise large enough that some samples are misclassified. */
    static float[][] clusters(int[] y, int classes, int f, double noise, long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[classes][f];
        for (double[] c : centres) {
            for (int j = 0; j < f; j++) {
                c[j] = r.nextGaussian();
            }
        }
        float[][] x = new float[y.length][f];
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < f; j++) {
                x[i][j] = (float) (centres[y[i]][j] + noise * r.nextGaussian() + 3);
            }
        }
        return x;
    }

    static int[] labels(int classes, int perClass) {
        int[] y = new int[classes * perClass];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % classes;
        }
        return y;
    }

    private void checkAgainstNaive(int classes, int perClass, int f, double noise, long seed) {
        int[] y = labels(classes, perClass);
        float[][] x = clusters(y, classes, f, noise, seed);
        double lambda = 0.7;
        RidgeClassifier.Fit fit = RidgeClassifier.fit(x, y, classes, new double[] {lambda});
        double[][] coef = naive(x, y, classes, lambda, -1);
        for (int k = 0; k < classes; k++) {
            assertEquals(coef[0][k], fit.bias()[k], 1e-3, "bias " + k);
            for (int j = 0; j < f; j++) {
                assertEquals(coef[j + 1][k], fit.weight()[k][j], 1e-3, "weight " + k + "," + j);
            }
        }
        int wrong = 0;
        for (int i = 0; i < y.length; i++) {
            int refit = predict(naive(x, y, classes, lambda, i), x[i]);
            assertEquals(refit, fit.looPredicted()[i], "leave-one-out prediction of sample " + i);
            wrong += refit == y[i] ? 0 : 1;
        }
        assertTrue(wrong > 0 && wrong < y.length, "the data should be neither trivial nor hopeless: " + wrong);
        assertEquals(1 - (double) wrong / y.length, fit.scores().get(0).looAccuracy(), 1e-12);
    }

    @Test
    void fewerSamplesThanFeaturesMatchesTheNormalEquationsAndRefits() {
        checkAgainstNaive(3, 5, 40, 4.0, 11); // n = 15 < F = 40: the Gram basis
    }

    @Test
    void moreSamplesThanFeaturesMatchesTheNormalEquationsAndRefits() {
        checkAgainstNaive(4, 12, 6, 1.3, 12); // n = 48 > F = 6: the covariance basis
    }

    @Test
    void chosenLambdaIsTheGridsBestLeaveOneOutAccuracy() {
        int[] y = labels(5, 6);
        float[][] x = clusters(y, 5, 32, 1.1, 3);
        RidgeClassifier.Fit fit = RidgeClassifier.fit(x, y, 5);
        assertTrue(fit.chosenByLoo());
        assertEquals(RidgeClassifier.GRID_SIZE, fit.scores().size());
        double best = fit.scores().stream().mapToDouble(RidgeClassifier.LambdaScore::looAccuracy).max().orElseThrow();
        RidgeClassifier.LambdaScore chosen = fit.scores().stream().filter(s -> s.lambda() == fit.lambda())
                .findFirst().orElseThrow();
        assertEquals(best, chosen.looAccuracy());
        // the chosen λ's reported predictions are that λ's
        RidgeClassifier.Fit again = RidgeClassifier.fit(x, y, 5, new double[] {fit.lambda()});
        assertArrayEquals(again.looPredicted(), fit.looPredicted());
    }

    @Test
    void separableClassesAreLearntAndPredicted() {
        int[] y = labels(3, 4);
        float[][] x = clusters(y, 3, 16, 0.05, 5);
        RidgeClassifier.Fit fit = RidgeClassifier.fit(x, y, 3);
        for (int i = 0; i < y.length; i++) {
            float[] s = fit.scores(x[i]);
            int arg = 0;
            for (int k = 1; k < s.length; k++) {
                arg = s[k] > s[arg] ? k : arg;
            }
            assertEquals(y[i], arg);
            assertEquals(y[i], fit.looPredicted()[i]);
        }
    }

    @Test
    void oneImagePerClassUsesTheDefaultLambdaAndStillSeparatesTheTrainingImages() {
        int[] y = {0, 1, 2};
        float[][] x = clusters(y, 3, 8, 0.0, 9);
        RidgeClassifier.Fit fit = RidgeClassifier.fit(x, y, 3);
        assertFalse(fit.chosenByLoo());
        for (int i = 0; i < 3; i++) {
            float[] s = fit.scores(x[i]);
            for (int k = 0; k < 3; k++) {
                assertTrue(k == i || s[i] > s[k], "training image " + i + " is its own class");
            }
        }
    }

    @Test
    void identicalImagesDoNotBreakTheFit() {
        float[][] x = {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1, 2, 3}};
        int[] y = {0, 0, 1, 1};
        RidgeClassifier.Fit fit = RidgeClassifier.fit(x, y, 2);
        for (float[] w : fit.weight()) {
            for (float v : w) {
                assertTrue(Float.isFinite(v));
            }
        }
        assertTrue(Float.isFinite(fit.bias()[0]));
    }

    @Test
    void refusesMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> RidgeClassifier.fit(new float[0][], new int[0], 2));
        assertThrows(IllegalArgumentException.class,
                () -> RidgeClassifier.fit(new float[][] {{1}, {2}}, new int[] {0, 1}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> RidgeClassifier.fit(new float[][] {{1}, {2}}, new int[] {0, 2}, 2));
        assertThrows(IllegalArgumentException.class,
                () -> RidgeClassifier.fit(new float[][] {{1}, {2, 3}}, new int[] {0, 1}, 2));
    }
}
