package dev.vitlens.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.explain.BatchScorer;
import dev.vitlens.explain.HeatGrid;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Faithfulness at its edges (issue 19): a model whose output ignores the image, a map with every value equal, and a
 * single image. Each gives defined numbers (no NaN AUC, no division by zero) that say what happened.
 */
class FaithfulnessEdgeCasesTest {
    private static final int SIDE = 8;
    private static final int PATCH = 4;

    private static PerturbationCurves.Image image() {
        Random r = new Random(5);
        float[] chw = new float[3 * SIDE * SIDE];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = r.nextFloat() * 2 - 1;
        }
        return new PerturbationCurves.Image(chw, 3, SIDE, SIDE, SIDE / PATCH, SIDE / PATCH, PATCH);
    }

    @Test
    void aConstantModelGivesFlatCurvesThatNoRankingCanBeat() {
        BatchScorer constant = batch -> {
            float[][] out = new float[batch.length][];
            for (int i = 0; i < batch.length; i++) {
                out[i] = new float[] {0.4f, -0.4f}; // the same logits whatever the pixels
            }
            return out;
        };
        List<int[]> rankings = List.of(PatchRanking.byRelevance(HeatGrid.of(2, 2, new float[] {4, 3, 2, 1})),
                PatchRanking.random(4, 7));
        for (Baseline baseline : Baseline.values()) {
            PerturbationCurves.Result result = PerturbationCurves.compute(image(), constant, 0, rankings,
                    new PerturbationCurves.Options(4, baseline, 1.5, 3), () -> false);
            double p = 1 / (1 + Math.exp(-0.8)); // softmax of (0.4, -0.4) at class 0
            assertEquals(p, result.originalProbability(), 1e-6);
            assertEquals(p, result.baselineProbability(), 1e-6);
            for (PerturbationCurves.Curves c : result.curves()) {
                for (double y : c.deletion().scores()) {
                    assertEquals(p, y, 1e-6);
                }
                assertEquals(p, c.deletionAuc(), 1e-6, "a flat curve's area is its height");
                assertEquals(c.deletionAuc(), c.insertionAuc(), 1e-9, baseline + ": deletion and insertion agree");
            }
        }
    }

    @Test
    void aMapWithEveryValueEqualRanksPatchesInReadingOrderEveryTime() {
        HeatGrid flat = HeatGrid.of(3, 3, new float[9]);
        int[] first = PatchRanking.byRelevance(flat);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, first, "ties in row-major order: a repeatable curve");
        assertArrayEquals(first, PatchRanking.byRelevance(HeatGrid.of(3, 3, new float[9])));
        HeatGrid nan = HeatGrid.of(1, 2, new float[] {Float.NaN, Float.NaN});
        assertEquals(2, PatchRanking.byRelevance(nan).length, "even a map of NaNs gives a full ranking");
    }

    @Test
    void oneImageHasAMeanButNoInterval() {
        MeanInterval one = MeanInterval.of(new double[] {0.42});
        assertEquals(1, one.n());
        assertEquals(0.42, one.mean(), 0);
        assertFalse(one.hasInterval(), "no interval from one value");
        MeanInterval none = MeanInterval.of(new double[0]);
        assertTrue(Double.isNaN(none.mean()));
        MeanInterval same = MeanInterval.of(new double[] {0.3, 0.3, 0.3});
        assertTrue(same.hasInterval());
        assertEquals(0.3, same.lo(), 1e-12, "equal values: a zero-width interval, not NaN");
        assertEquals(0.3, same.hi(), 1e-12);
    }
}
