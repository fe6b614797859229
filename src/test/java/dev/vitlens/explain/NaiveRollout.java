package dev.vitlens.explain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Test oracle written independently of {@link AttentionRollout}: forms the full product R = Â_L ··· Â_1 with
 * plain matrix multiplications (O(L·T³)) and reads rows of it.
 */
final class NaiveRollout {
    private NaiveRollout() {
    }

    enum Axis { ROWS, COLUMNS_BUG }

    static double[][] fullRollout(float[][][][] att, String fusion, double discardRatio, int prefix, Axis axis) {
        int t = att[0][0].length;
        double[][] result = identity(t);
        for (float[][][] layer : att) {
            double[][] fused = fuse(layer, fusion);
            if (discardRatio > 0) {
                discard(fused, prefix, discardRatio);
            }
            double[][] a = new double[t][t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    a[i][j] = fused[i][j] + (i == j ? 1 : 0);
                }
            }
            double[] rowSums = new double[t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    rowSums[i] += a[i][j];
                }
            }
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    // COLUMNS_BUG reproduces vit-explain #16: a / a.sum(dim=-1) broadcasts the row sums over columns
                    a[i][j] /= axis == Axis.ROWS ? rowSums[i] : rowSums[j];
                }
            }
            result = multiply(a, result); // later layers multiply from the left
        }
        return result;
    }

    /** Weighted sum of rows of {@code r}. */
    static double[] combineRows(double[][] r, double[] weights) {
        double[] out = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < r.length; j++) {
                out[j] += weights[i] * r[i][j];
            }
        }
        return out;
    }

    /**
     * Head fusion. The mean is accumulated in float, head by head, then scaled by (1f / heads), like the
     * implementation: with a discard ratio, entries that tie in one precision but not the other would otherwise be
     * dropped differently on real attentions, which have many near-equal values.
     */
    static double[][] fuse(float[][][] heads, String fusion) {
        int t = heads[0].length;
        double[][] out = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                float acc = heads[0][i][j];
                for (int h = 1; h < heads.length; h++) {
                    float v = heads[h][i][j];
                    switch (fusion) {
                        case "mean" -> acc += v;
                        case "max" -> acc = Math.max(acc, v);
                        case "min" -> acc = Math.min(acc, v);
                        default -> throw new IllegalArgumentException(fusion);
                    }
                }
                out[i][j] = fusion.equals("mean") ? acc * (1f / heads.length) : acc;
            }
        }
        return out;
    }

    /** Zeroes the floor(ratio·P²) smallest patch-to-patch entries, ties in row-major order, by a full sort. */
    static void discard(double[][] fused, int prefix, double ratio) {
        int t = fused.length;
        List<int[]> cells = new ArrayList<>();
        for (int i = prefix; i < t; i++) {
            for (int j = prefix; j < t; j++) {
                cells.add(new int[] {i, j});
            }
        }
        int drop = (int) Math.floor(ratio * cells.size());
        cells.sort(Comparator.<int[]>comparingDouble(c -> fused[c[0]][c[1]])
                .thenComparingInt(c -> c[0]).thenComparingInt(c -> c[1]));
        for (int k = 0; k < drop; k++) {
            int[] c = cells.get(k);
            fused[c[0]][c[1]] = 0;
        }
    }

    static double[][] identity(int t) {
        double[][] id = new double[t][t];
        for (int i = 0; i < t; i++) {
            id[i][i] = 1;
        }
        return id;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i][k];
                for (int j = 0; j < n; j++) {
                    c[i][j] += aik * b[k][j];
                }
            }
        }
        return c;
    }
}
