package dev.vitlens.teach;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.internals.ModelWeights;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilterPcaTest {

    /** Rows: the filters flattened in channel, row, column order, centred. */
    static double[][] centred(float[][][][] f) {
        int d = f.length;
        int c = f[0].length;
        int p = f[0][0].length;
        double[][] x = new double[d][c * p * p];
        for (int i = 0; i < d; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < p; y++) {
                    for (int xx = 0; xx < p; xx++) {
                        x[i][(ch * p + y) * p + xx] = f[i][ch][y][xx];
                    }
                }
            }
        }
        int k = x[0].length;
        for (int j = 0; j < k; j++) {
            double m = 0;
            for (double[] row : x) {
                m += row[j];
            }
            m /= d;
            for (double[] row : x) {
                row[j] -= m;
            }
        }
        return x;
    }

    static double[][] covariance(double[][] x) {
        int k = x[0].length;
        double[][] c = new double[k][k];
        for (double[] row : x) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    c[i][j] += row[i] * row[j] / (x.length - 1);
                }
            }
        }
        return c;
    }

    static double[] times(double[][] m, float[] v) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < v.length; j++) {
                out[i] += m[i][j] * v[j];
            }
        }
        return out;
    }

    /** Power iteration with deflation: the test's own route to the leading eigenvectors. */
    static double[][] powerIteration(double[][] cov, int count) {
        int k = cov.length;
        double[][] m = new double[k][];
        for (int i = 0; i < k; i++) {
            m[i] = cov[i].clone();
        }
        double[][] out = new double[count][];
        Random r = new Random(9);
        for (int c = 0; c < count; c++) {
            double[] v = new double[k];
            for (int i = 0; i < k; i++) {
                v[i] = r.nextGaussian();
            }
            double lambda = 0;
            for (int it = 0; it < 3000; it++) {
                double[] w = new double[k];
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        w[i] += m[i][j] * v[j];
                    }
                }
                double n = 0;
                for (double x : w) {
                    n += x * x;
                }
                n = Math.sqrt(n);
                lambda = n;
                for (int i = 0; i < k; i++) {
                    v[i] = w[i] / n;
                }
            }
            out[c] = v;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    m[i][j] -= lambda * v[i] * v[j];
                }
            }
        }
        return out;
    }

    static void checkDecomposition(float[][][][] filters) {
        FilterPca pca = FilterPca.of(filters);
        double[][] x = centred(filters);
        double[][] cov = covariance(x);
        int n = pca.components().length;
        // orthonormal
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int q = 0; q < cov.length; q++) {
                    dot += (double) pca.components()[i][q] * pca.components()[j][q];
                }
                assertEquals(i == j ? 1 : 0, dot, 1e-5, "components " + i + ", " + j);
            }
        }
        // eigenvectors of the covariance, with their variance as eigenvalue, in descending order
        for (int i = 0; i < Math.min(n, 8); i++) {
            double[] cv = times(cov, pca.components()[i]);
            for (int q = 0; q < cv.length; q++) {
                assertEquals(pca.variance()[i] * pca.components()[i][q], cv[q], 1e-4 * pca.variance()[0]);
            }
            if (i > 0) {
                assertTrue(pca.variance()[i] <= pca.variance()[i - 1] * (1 + 1e-9));
            }
        }
        double trace = 0;
        for (int q = 0; q < cov.length; q++) {
            trace += cov[q][q];
        }
        assertEquals(trace, pca.total(), 1e-9 * trace);
        // every filter is rebuilt from the mean and its projections on all components
        for (int f = 0; f < filters.length; f += Math.max(1, filters.length / 7)) {
            double[] rebuilt = new double[cov.length];
            for (int i = 0; i < n; i++) {
                double proj = 0;
                for (int q = 0; q < cov.length; q++) {
                    proj += x[f][q] * pca.components()[i][q];
                }
                for (int q = 0; q < cov.length; q++) {
                    rebuilt[q] += proj * pca.components()[i][q];
                }
            }
            for (int q = 0; q < cov.length; q++) {
                assertEquals(x[f][q], rebuilt[q], 1e-4, "filter " + f + " value " + q);
            }
        }
        // the leading components agree with power iteration up to sign
        double[][] power = powerIteration(cov, 3);
        for (int i = 0; i < 3; i++) {
            double dot = 0;
            for (int q = 0; q < cov.length; q++) {
                dot += power[i][q] * pca.components()[i][q];
            }
            assertEquals(1.0, Math.abs(dot), 1e-4, "component " + i);
        }
    }

    @Test
    void moreFiltersThanValuesDecomposeTheCovariance() {
        ModelInfo model = Synthetic.model(Family.VIT, 7, 4, 1, 1, 64, 2);
        checkDecomposition(Synthetic.weights(model, 64, 3).patchFilters()); // D 64 >= K 48
    }

    @Test
    void fewerFiltersThanValuesDecomposeTheGramMatrix() {
        ModelInfo model = Synthetic.model(Family.DEIT, 8, 8, 1, 1, 40, 2);
        ModelWeights w = Synthetic.weights(model, 40, 4); // D 40 < K 192
        FilterPca pca = FilterPca.of(w.patchFilters());
        assertTrue(pca.components().length <= 39, "rank of 40 centred filters is at most 39");
        checkDecomposition(w.patchFilters());
    }

    @Test
    void theViewShowsTheFirst28ComponentsAsSignedTiles() throws Exception {
        ModelInfo model = Synthetic.model(Family.VIT, 7, 4, 1, 1, 64, 2);
        TeachInput input = Synthetic.input(model, 8);
        FiltersView.Data data = (FiltersView.Data) TeachingViews.get("filters").compute(input);
        assertEquals(28, data.components().length);
        assertEquals(64, data.filters());
        FilterPca pca = FilterPca.of(input.weights().patchFilters());
        double sum = 0;
        for (int i = 0; i < 28; i++) {
            assertEquals(pca.explained(i), data.explainedVariance()[i], 1e-12);
            sum += data.explainedVariance()[i];
        }
        assertTrue(sum <= 1 + 1e-9);
        // 0 is mid-grey, the largest magnitude is full scale
        int[] tile = FiltersView.tile(new float[] {0f, 1f, -1f}, 3, 1);
        assertEquals(0x80FF00, tile[0]);
        // a one-channel 2x2 filter is grey (R = G = B), scaled by its largest magnitude 0.5
        int[] grey = FiltersView.tile(new float[] {0.25f, -0.5f, 0.5f, 0f}, 1, 2);
        assertEquals(0xBFBFBF, grey[0]);
        assertEquals(0x000000, grey[1]);
        assertEquals(0xFFFFFF, grey[2]);
        assertEquals(0x808080, grey[3]);
    }

    @Test
    void aVitB16SizedFilterBankIsDecomposed() {
        ModelInfo model = Synthetic.model(Family.VIT, 14, 16, 1, 1, 768, 2);
        float[][][][] filters = Synthetic.weights(model, 768, 5).patchFilters(); // D = K = 768
        FilterPca pca = FilterPca.of(filters);
        double[][] cov = covariance(centred(filters));
        for (int i = 0; i < 3; i++) {
            double[] cv = times(cov, pca.components()[i]);
            for (int q = 0; q < cv.length; q += 7) {
                assertEquals(pca.variance()[i] * pca.components()[i][q], cv[q], 1e-4 * pca.variance()[0]);
            }
        }
    }
}
