package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attention flow against brute force: by the max-flow min-cut theorem the flow to a patch equals the smallest
 * capacity of any cut separating the query from it, and on tiny graphs every cut can be tried.
 */
class AttentionFlowTest {

    /** Â_l = rownorm(mean_heads(A_l) + I), computed here independently of the class under test. */
    static double[][][] residualAttention(float[][][][] att) {
        int t = att[0][0].length;
        double[][][] a = new double[att.length][t][t];
        for (int l = 0; l < att.length; l++) {
            for (int i = 0; i < t; i++) {
                double sum = 0;
                for (int j = 0; j < t; j++) {
                    double m = 0;
                    for (float[][] head : att[l]) {
                        m += head[i][j];
                    }
                    a[l][i][j] = m / att[l].length + (i == j ? 1 : 0);
                    sum += a[l][i][j];
                }
                for (int j = 0; j < t; j++) {
                    a[l][i][j] /= sum;
                }
            }
        }
        return a;
    }

    /** Minimum cut from the super-source to node (0, sinkToken), trying every side assignment. */
    static double bruteForceMinCut(double[][][] a, double[] query, int sinkToken) {
        int layers = a.length;
        int t = query.length;
        record Edge(int from, int to, double c) { }
        List<Edge> edges = new ArrayList<>();
        int source = (layers + 1) * t;
        for (int l = 1; l <= layers; l++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    edges.add(new Edge(l * t + i, (l - 1) * t + j, a[l - 1][i][j]));
                }
            }
        }
        for (int i = 0; i < t; i++) {
            edges.add(new Edge(source, layers * t + i, query[i]));
        }
        int sink = sinkToken;
        int free = source; // nodes 0..source-1 except the sink are free to take either side
        double best = Double.POSITIVE_INFINITY;
        for (long mask = 0; mask < 1L << free; mask++) {
            if ((mask >> sink & 1) == 1) {
                continue; // the sink stays on its own side
            }
            double cut = 0;
            for (Edge e : edges) {
                boolean fromSource = e.from() == source || (mask >> e.from() & 1) == 1;
                boolean toSource = e.to() == source || (mask >> e.to() & 1) == 1;
                if (fromSource && !toSource) {
                    cut += e.c();
                }
            }
            best = Math.min(best, cut);
        }
        return best;
    }

    static void check(Family family, TokenLayout layout, Query query, long seed) {
        float[][][][] att = RandomAttentions.softmaxRows(new Random(seed), layout.layers(), layout.heads(),
                layout.tokens(), 1.5);
        HeatGrid flow = AttentionFlow.standard().compute(att, layout, family, query, null);
        double[][][] a = residualAttention(att);
        double[] weights = query.weights(family, layout);
        for (int p = 0; p < layout.patches(); p++) {
            double expected = bruteForceMinCut(a, weights, layout.prefixTokens() + p);
            assertEquals(expected, flow.values()[p], 1e-6, family + " " + query.label() + " patch " + p);
        }
    }

    @Test
    void flowEqualsTheMinimumCutOnEveryFamily() {
        // ViT: [CLS] + 1x2 patches, 2 layers (10 nodes); DeiT: [CLS][DIST] + 1x2, query CLS+DIST via the
        // super-source; BEiT: [CLS] + 2x2, mean of patches.
        check(Family.VIT, new TokenLayout(1, 1, 2, 4, 2, 2), Query.AUTO, 1);
        check(Family.VIT, new TokenLayout(1, 1, 3, 4, 2, 3), Query.parse("patch:1"), 2);
        check(Family.DEIT, new TokenLayout(2, 1, 2, 4, 2, 2), Query.AUTO, 3);
        check(Family.DEIT, new TokenLayout(2, 1, 2, 4, 2, 1), Query.DIST, 4);
        check(Family.BEIT, new TokenLayout(1, 2, 2, 4, 2, 2), Query.AUTO, 5);
        check(Family.VIT, new TokenLayout(1, 1, 2, 4, 3, 2), Query.CLS, 6);
    }

    @Test
    void withOneLayerTheFlowIsTheResidualAttentionItself() {
        TokenLayout layout = new TokenLayout(1, 3, 3, 4, 1, 3);
        float[][][][] att = RandomAttentions.softmaxRows(new Random(7), 1, 3, layout.tokens(), 2);
        HeatGrid flow = AttentionFlow.standard().compute(att, layout, Family.VIT, Query.CLS, null);
        double[][][] a = residualAttention(att);
        for (int p = 0; p < 9; p++) {
            assertEquals(a[0][0][1 + p], flow.values()[p], 1e-7);
        }
    }

    @Test
    void flowsAreAtMostOneAndGraphsOverTheLimitAreRefusedWithAWayOut() {
        TokenLayout layout = new TokenLayout(2, 4, 4, 4, 4, 2);
        float[][][][] att = RandomAttentions.softmaxRows(new Random(8), 4, 2, layout.tokens(), 3);
        for (float v : AttentionFlow.standard().compute(att, layout, Family.DEIT, Query.AUTO, null).values()) {
            assertTrue(v > 0 && v <= 1 + 1e-9, "flow " + v);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionFlow(1000).compute(att, layout, Family.DEIT, Query.AUTO, null));
        assertTrue(e.getMessage().contains("--layer"), e.getMessage());
        assertEquals(4L * 18 * 18 * 16, AttentionFlow.cost(4, layout));
    }
}
