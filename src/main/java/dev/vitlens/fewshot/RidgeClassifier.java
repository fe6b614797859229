package dev.vitlens.fewshot;

import dev.vitlens.linalg.SymmetricEigen;

import java.util.ArrayList;
import java.util.List;

/**
 * The ViT paper's few-shot classifier: regularised least squares from frozen features to {-1, 1}^K target vectors
 * (+1 for the true class, -1 elsewhere), with an unpenalised bias, predicting the class with the largest output.
 * The regulariser λ is chosen by exact leave-one-out cross-validation.
 *
 * <p>Why it is cheap: with the centred features decomposed once (Xc = Z·Dᵀ, Z the samples' coordinates on the
 * principal directions D with variances s), every λ costs O(n·r·K). The hat matrix of ridge with an unpenalised
 * intercept is H = 11ᵀ/n + Z·diag(1/(s+λ))·Zᵀ, and the leave-one-out prediction of sample i is exactly
 * (ŷᵢ - Hᵢᵢ·tᵢ) / (1 - Hᵢᵢ): no refitting. The decomposition uses the n x n Gram matrix when there are fewer
 * samples than features (the usual few-shot case) and the F x F covariance otherwise.
 */
public final class RidgeClassifier {
    /** λ grid: this many values, log-spaced over {@link #GRID_DECADES} decades ending at the largest variance. */
    static final int GRID_SIZE = 41;
    static final double GRID_DECADES = 8;
    /**
     * λ when leave-one-out cannot choose (every class has a single example, so leaving one out always removes its
     * class): this fraction of the mean variance of the features.
     */
    public static final double DEFAULT_RELATIVE_LAMBDA = 0.1;
    /** Directions with variance below this fraction of the largest are numerically zero and dropped. */
    private static final double RANK_TOLERANCE = 1e-10;

    /** One λ tried: leave-one-out accuracy (over samples whose class has another example) and squared error. */
    public record LambdaScore(double lambda, double looAccuracy, double looSquaredError) {
    }

    /**
     * The fitted head.
     *
     * @param weight       {@code [K][F]}: class k's score is {@code weight[k]·x + bias[k]}
     * @param bias         {@code [K]}
     * @param lambda       the regulariser used
     * @param chosenByLoo  false when every class had one example and {@link #DEFAULT_RELATIVE_LAMBDA} was used
     * @param looPredicted each sample's leave-one-out prediction at {@code lambda} (a class with a single example is
     *                     never predicted right: leaving it out removes the class)
     * @param scores       every λ tried, in increasing order
     */
    public record Fit(float[][] weight, float[] bias, double lambda, boolean chosenByLoo, int[] looPredicted,
                      List<LambdaScore> scores) {
        public int classes() {
            return bias.length;
        }

        /** Class scores of one feature vector. */
        public float[] scores(float[] x) {
            float[] out = new float[bias.length];
            for (int k = 0; k < out.length; k++) {
                double s = bias[k];
                float[] w = weight[k];
                for (int j = 0; j < x.length; j++) {
                    s += (double) w[j] * x[j];
                }
                out[k] = (float) s;
            }
            return out;
        }
    }

    private RidgeClassifier() {
    }

    /**
     * Fits the head, choosing λ from the standard grid by leave-one-out accuracy (ties: lower squared error, then the
     * larger λ).
     *
     * @param x       {@code [n][F]} features
     * @param labels  class of each sample, in {@code 0..classes-1}
     * @param classes K (at least 2)
     */
    public static Fit fit(float[][] x, int[] labels, int classes) {
        return fit(x, labels, classes, null);
    }

    /** As {@link #fit(float[][], int[], int)} with the λ values to try given ({@code null}: the standard grid). */
    public static Fit fit(float[][] x, int[] labels, int classes, double[] lambdas) {
        int n = x.length;
        if (n == 0 || n != labels.length) {
            throw new IllegalArgumentException("need as many labels as samples, and at least one sample");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("need at least two classes");
        }
        int f = x[0].length;
        for (float[] row : x) {
            if (row.length != f) {
                throw new IllegalArgumentException("feature vectors differ in length");
            }
        }
        int[] perClass = new int[classes];
        for (int y : labels) {
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("label " + y + " outside 0.." + (classes - 1));
            }
            perClass[y]++;
        }

        // Centre features and targets: the bias absorbs the means and is not penalised.
        double[] mean = new double[f];
        for (float[] row : x) {
            for (int j = 0; j < f; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < f; j++) {
            mean[j] /= n;
        }
        double[][] xc = new double[n][f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                xc[i][j] = x[i][j] - mean[j];
            }
        }
        double[][] t = new double[n][classes];
        double[] tMean = new double[classes];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < classes; k++) {
                t[i][k] = labels[i] == k ? 1 : -1;
                tMean[k] += t[i][k];
            }
        }
        for (int k = 0; k < classes; k++) {
            tMean[k] /= n;
        }
        double[][] tc = new double[n][classes];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < classes; k++) {
                tc[i][k] = t[i][k] - tMean[k];
            }
        }

        Basis basis = Basis.of(xc);
        int r = basis.variance.length;
        // A = Zᵀ·Tc, r x K: all each λ needs from the targets
        double[][] a = new double[r][classes];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < r; j++) {
                double z = basis.z[i][j];
                for (int k = 0; k < classes; k++) {
                    a[j][k] += z * tc[i][k];
                }
            }
        }

        double top = r == 0 ? 1 : basis.variance[0];
        double meanVariance = 0;
        for (double s : basis.variance) {
            meanVariance += s;
        }
        meanVariance = r == 0 ? 1 : meanVariance / r;
        double[] grid = lambdas != null ? lambdas.clone() : grid(top);
        java.util.Arrays.sort(grid);

        boolean anyRepeated = false;
        for (int c : perClass) {
            anyRepeated |= c >= 2;
        }
        List<LambdaScore> scores = new ArrayList<>();
        int[] bestPredicted = null;
        double bestLambda = Double.NaN;
        LambdaScore best = null;
        for (double lambda : grid) {
            if (!(lambda > 0)) {
                throw new IllegalArgumentException("λ must be positive, got " + lambda);
            }
            int[] predicted = new int[n];
            LambdaScore score = leaveOneOut(basis, a, t, tMean, labels, perClass, lambda, predicted);
            scores.add(score);
            if (best == null || better(score, best)) {
                best = score;
                bestLambda = lambda;
                bestPredicted = predicted;
            }
        }
        boolean byLoo = anyRepeated;
        if (!byLoo) {
            bestLambda = DEFAULT_RELATIVE_LAMBDA * meanVariance;
            bestPredicted = new int[n];
            leaveOneOut(basis, a, t, tMean, labels, perClass, bestLambda, bestPredicted);
        }

        // β = D·diag(1/(s+λ))·A (F x K), bias = t̄ - meanᵀ·β
        float[][] weight = new float[classes][f];
        float[] bias = new float[classes];
        for (int k = 0; k < classes; k++) {
            double[] beta = new double[f];
            for (int j = 0; j < r; j++) {
                double c = a[j][k] / (basis.variance[j] + bestLambda);
                double[] d = basis.direction[j];
                for (int q = 0; q < f; q++) {
                    beta[q] += c * d[q];
                }
            }
            double b = tMean[k];
            for (int q = 0; q < f; q++) {
                weight[k][q] = (float) beta[q];
                b -= mean[q] * beta[q];
            }
            bias[k] = (float) b;
        }
        return new Fit(weight, bias, bestLambda, byLoo, bestPredicted, List.copyOf(scores));
    }

    private static boolean better(LambdaScore a, LambdaScore b) {
        if (a.looAccuracy() != b.looAccuracy()) {
            return a.looAccuracy() > b.looAccuracy();
        }
        if (a.looSquaredError() != b.looSquaredError()) {
            return a.looSquaredError() < b.looSquaredError();
        }
        return a.lambda() > b.lambda(); // grid is increasing: prefer the smoother head on a tie
    }

    static double[] grid(double largestVariance) {
        double hi = largestVariance > 0 ? largestVariance : 1;
        double[] g = new double[GRID_SIZE];
        for (int i = 0; i < GRID_SIZE; i++) {
            g[i] = hi * Math.pow(10, -GRID_DECADES + GRID_DECADES * i / (GRID_SIZE - 1));
        }
        return g;
    }

    /** Exact leave-one-out predictions at one λ, written to {@code predicted}. */
    private static LambdaScore leaveOneOut(Basis basis, double[][] a, double[][] t, double[] tMean, int[] labels,
                                           int[] perClass, double lambda, int[] predicted) {
        int n = t.length;
        int classes = tMean.length;
        int r = basis.variance.length;
        double[] inv = new double[r];
        for (int j = 0; j < r; j++) {
            inv[j] = 1 / (basis.variance[j] + lambda);
        }
        int counted = 0;
        int right = 0;
        double squared = 0;
        double[] yHat = new double[classes];
        for (int i = 0; i < n; i++) {
            double h = 1.0 / n;
            java.util.Arrays.fill(yHat, 0);
            double[] z = basis.z[i];
            for (int j = 0; j < r; j++) {
                double w = z[j] * inv[j];
                h += w * z[j];
                for (int k = 0; k < classes; k++) {
                    yHat[k] += w * a[j][k];
                }
            }
            // 1 - h is 0 only when sample i is the one sample of its own direction; clamp to stay finite.
            double denominator = Math.max(1 - h, 1e-12);
            int arg = 0;
            double argValue = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                double fitted = tMean[k] + yHat[k];
                double loo = (fitted - h * t[i][k]) / denominator;
                squared += (loo - t[i][k]) * (loo - t[i][k]);
                if (loo > argValue) {
                    argValue = loo;
                    arg = k;
                }
            }
            predicted[i] = arg;
            if (perClass[labels[i]] >= 2) {
                counted++;
                right += arg == labels[i] ? 1 : 0;
            }
        }
        return new LambdaScore(lambda, counted == 0 ? 0 : (double) right / counted, squared / n);
    }

    /** The centred samples on their principal directions: xc[i] = Σ_j z[i][j]·direction[j]. */
    private record Basis(double[][] z, double[][] direction, double[] variance) {
        static Basis of(double[][] xc) {
            int n = xc.length;
            int f = xc[0].length;
            if (n <= f) {
                // Gram matrix G = Xc·Xcᵀ = U·S·Uᵀ; z = U·√S; direction_j = Xcᵀ·u_j / √s_j
                double[][] g = new double[n][n];
                for (int i = 0; i < n; i++) {
                    for (int k = i; k < n; k++) {
                        double s = 0;
                        for (int q = 0; q < f; q++) {
                            s += xc[i][q] * xc[k][q];
                        }
                        g[i][k] = s;
                        g[k][i] = s;
                    }
                }
                SymmetricEigen.Result eig = SymmetricEigen.of(g);
                int r = rank(eig.values());
                double[][] z = new double[n][r];
                double[][] dir = new double[r][f];
                double[] variance = new double[r];
                for (int j = 0; j < r; j++) {
                    variance[j] = eig.values()[j];
                    double root = Math.sqrt(variance[j]);
                    double[] u = eig.vectors()[j];
                    for (int i = 0; i < n; i++) {
                        z[i][j] = u[i] * root;
                        for (int q = 0; q < f; q++) {
                            dir[j][q] += xc[i][q] * u[i] / root;
                        }
                    }
                }
                return new Basis(z, dir, variance);
            }
            // Covariance C = Xcᵀ·Xc = V·S·Vᵀ; z = Xc·V
            double[][] c = new double[f][f];
            for (double[] row : xc) {
                for (int p = 0; p < f; p++) {
                    double v = row[p];
                    if (v == 0) {
                        continue;
                    }
                    double[] cp = c[p];
                    for (int q = p; q < f; q++) {
                        cp[q] += v * row[q];
                    }
                }
            }
            for (int p = 0; p < f; p++) {
                for (int q = 0; q < p; q++) {
                    c[p][q] = c[q][p];
                }
            }
            SymmetricEigen.Result eig = SymmetricEigen.of(c);
            int r = rank(eig.values());
            double[][] z = new double[n][r];
            double[][] dir = new double[r][];
            double[] variance = new double[r];
            for (int j = 0; j < r; j++) {
                variance[j] = eig.values()[j];
                dir[j] = eig.vectors()[j].clone();
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int q = 0; q < f; q++) {
                        s += xc[i][q] * dir[j][q];
                    }
                    z[i][j] = s;
                }
            }
            return new Basis(z, dir, variance);
        }

        private static int rank(double[] descending) {
            if (descending.length == 0 || !(descending[0] > 0)) {
                return 0;
            }
            int r = 0;
            while (r < descending.length && descending[r] > RANK_TOLERANCE * descending[0]) {
                r++;
            }
            return r;
        }
    }
}
