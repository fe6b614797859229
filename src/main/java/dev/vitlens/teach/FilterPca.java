package dev.vitlens.teach;

import dev.vitlens.linalg.SymmetricEigen;

/**
 * Principal components of the patch-embedding filters (ViT paper, Fig. 7 left). The D filters, each a
 * {@code C x p x p} weight block flattened to K = C·p·p numbers, are the samples; their mean is removed and the
 * eigenvectors of the K x K covariance are the components, largest variance first. When D &lt; K the smaller D x D
 * Gram matrix is decomposed instead (same components, less work).
 *
 * @param channels   C
 * @param size       p
 * @param mean       the mean filter, K values
 * @param components unit vectors of K values, {@code components[i]} the i-th; at most min(D, K), and only those with
 *                   non-zero variance; the sign is fixed so the largest-magnitude entry is positive
 * @param variance   the variance along each component (eigenvalues of the covariance, divisor D - 1)
 * @param total      the total variance (trace of the covariance)
 */
record FilterPca(int channels, int size, float[] mean, float[][] components, double[] variance, double total) {

    /** The share of the total variance along component {@code i}. */
    double explained(int i) {
        return total > 0 ? variance[i] / total : 0;
    }

    /**
     * @param filters {@code [D][C][p][p]}
     * @throws IllegalArgumentException for fewer than 2 filters or ragged shapes
     */
    static FilterPca of(float[][][][] filters) {
        int d = filters.length;
        if (d < 2) {
            throw new IllegalArgumentException("principal components need at least 2 filters, got " + d);
        }
        int c = filters[0].length;
        int p = filters[0][0].length;
        int k = c * p * p;
        double[][] x = new double[d][k];
        for (int i = 0; i < d; i++) {
            if (filters[i].length != c) {
                throw new IllegalArgumentException("filter " + i + " has " + filters[i].length + " channels, not " + c);
            }
            int j = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < p; y++) {
                    if (filters[i][ch].length != p || filters[i][ch][y].length != p) {
                        throw new IllegalArgumentException("filter " + i + " is not " + p + "x" + p);
                    }
                    for (int xx = 0; xx < p; xx++) {
                        x[i][j++] = filters[i][ch][y][xx];
                    }
                }
            }
        }
        double[] mean = new double[k];
        for (double[] row : x) {
            for (int j = 0; j < k; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < k; j++) {
            mean[j] /= d;
        }
        for (double[] row : x) {
            for (int j = 0; j < k; j++) {
                row[j] -= mean[j];
            }
        }
        double[][] vectors;
        double[] values;
        if (d < k) {
            // Gram G = X Xᵀ (D x D): G u = λ u gives the covariance eigenvector Xᵀu / |Xᵀu| with the same λ
            double[][] g = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    double s = dot(x[i], x[j]);
                    g[i][j] = s;
                    g[j][i] = s;
                }
            }
            SymmetricEigen.Result eig = SymmetricEigen.of(g);
            values = eig.values();
            vectors = new double[d][];
            for (int i = 0; i < d; i++) {
                double[] v = new double[k];
                double[] u = eig.vectors()[i];
                for (int s = 0; s < d; s++) {
                    double us = u[s];
                    if (us != 0) {
                        double[] row = x[s];
                        for (int j = 0; j < k; j++) {
                            v[j] += us * row[j];
                        }
                    }
                }
                vectors[i] = v;
            }
        } else {
            double[][] cov = new double[k][k];
            for (double[] row : x) {
                for (int i = 0; i < k; i++) {
                    double ri = row[i];
                    if (ri != 0) {
                        double[] ci = cov[i];
                        for (int j = i; j < k; j++) {
                            ci[j] += ri * row[j];
                        }
                    }
                }
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < i; j++) {
                    cov[i][j] = cov[j][i];
                }
            }
            SymmetricEigen.Result eig = SymmetricEigen.of(cov);
            values = eig.values();
            vectors = eig.vectors();
        }
        double top = Math.max(0, values[0]);
        int kept = 0;
        while (kept < values.length && values[kept] > top * 1e-10 && values[kept] > 0) {
            kept++;
        }
        float[][] components = new float[kept][];
        double[] variance = new double[kept];
        double total = 0;
        for (double[] row : x) {
            total += dot(row, row);
        }
        total /= (d - 1);
        for (int i = 0; i < kept; i++) {
            double[] v = vectors[i];
            double norm = Math.sqrt(dot(v, v));
            int largest = 0;
            for (int j = 1; j < k; j++) {
                if (Math.abs(v[j]) > Math.abs(v[largest])) {
                    largest = j;
                }
            }
            double sign = v[largest] < 0 ? -1 : 1;
            float[] unit = new float[k];
            for (int j = 0; j < k; j++) {
                unit[j] = (float) (sign * v[j] / norm);
            }
            components[i] = unit;
            variance[i] = values[i] / (d - 1);
        }
        float[] m = new float[k];
        for (int j = 0; j < k; j++) {
            m[j] = (float) mean[j];
        }
        return new FilterPca(c, p, m, components, variance, total);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
