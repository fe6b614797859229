package dev.vitlens.explain;

import dev.vitlens.catalog.TokenLayout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OcclusionSensitivityTest {
    private static final int P = 4;
    private final TokenLayout layout = new TokenLayout(1, 5, 6, P, 1, 1); // 20x24 input
    private final int h = 20;
    private final int w = 24;

    private float[] image() {
        Random r = new Random(9);
        float[] x = new float[3 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() * 0.1f;
        }
        // make patch (row 3, col 1) bright in channel 0
        for (int y = 3 * P; y < 4 * P; y++) {
            for (int xx = P; xx < 2 * P; xx++) {
                x[y * w + xx] = 2f;
            }
        }
        return x;
    }

    /** Class 1's logit is 5 × the mean of channel 0 over patch (3, 1); class 0's logit is 0. */
    private BatchScorer patchDetector(List<Integer> batchSizes) {
        return inputs -> {
            batchSizes.add(inputs.length);
            float[][] out = new float[inputs.length][];
            for (int b = 0; b < inputs.length; b++) {
                double s = 0;
                for (int y = 3 * P; y < 4 * P; y++) {
                    for (int x = P; x < 2 * P; x++) {
                        s += inputs[b][y * w + x];
                    }
                }
                out[b] = new float[] {0f, (float) (5 * s / (P * P))};
            }
            return out;
        };
    }

    @Test
    void perPatchMapPeaksExactlyAtTheDecisivePatch() {
        List<Integer> sizes = new ArrayList<>();
        OcclusionSensitivity.Result result = OcclusionSensitivity.compute(image(), 3, h, w, layout,
                patchDetector(sizes), -1, new OcclusionSensitivity.Options(1, 1, 7, OcclusionSensitivity.ScoreKind.LOGITS));
        assertEquals(1, result.targetClass(), "top class of the unoccluded image");
        assertEquals(1 / (1 + Math.exp(-10)), result.baselineProbability(), 1e-6);
        HeatGrid drop = result.drop();
        assertEquals(3 * 6 + 1, drop.argMax());
        assertTrue(drop.at(3, 1) > 0.4f, "occluding the decisive patch removes most of the probability: " + drop.at(3, 1));
        for (int i = 0; i < drop.size(); i++) {
            if (i != 3 * 6 + 1) {
                assertEquals(0f, drop.values()[i], 1e-7f, "patch " + i + " does not matter");
            }
        }
        assertEquals(31, result.forwardPasses()); // 30 patches + the unoccluded input
        assertEquals(5, result.batches());        // ceil(31 / 7)
        assertEquals(List.of(7, 7, 7, 7, 3), sizes);
        assertTrue(result.elapsedMillis() >= 0);
    }

    @Test
    void largerWindowsStillPeakAtTheDecisivePatch() {
        OcclusionSensitivity.Result result = OcclusionSensitivity.compute(image(), 3, h, w, layout,
                patchDetector(new ArrayList<>()), 1, new OcclusionSensitivity.Options(2, 1, 16, OcclusionSensitivity.ScoreKind.LOGITS));
        // edge patches are covered only by windows that also cover (3,1), so they can tie with it, never exceed it
        assertEquals(result.drop().max(), result.drop().at(3, 1));
        assertTrue(result.drop().at(3, 1) > 0.4f);
        assertTrue(result.drop().at(2, 2) < result.drop().at(3, 1), "a neighbour covered by some windows that miss (3,1)");
        assertEquals(4 * 5 + 1, result.forwardPasses()); // 4x5 window positions
        // patches far from (3,1) are never inside a window that covers it
        assertEquals(0f, result.drop().at(0, 5), 1e-7f);
    }

    @Test
    void probabilitiesAreUsedAsGiven() {
        BatchScorer constant = inputs -> {
            float[][] out = new float[inputs.length][];
            for (int b = 0; b < inputs.length; b++) {
                out[b] = new float[] {0.25f, 0.75f};
            }
            return out;
        };
        OcclusionSensitivity.Result result = OcclusionSensitivity.compute(image(), 3, h, w, layout, constant, 0,
                new OcclusionSensitivity.Options(1, 1, 64, OcclusionSensitivity.ScoreKind.PROBABILITIES));
        assertEquals(0.25f, result.baselineProbability());
        assertEquals(1, result.batches());
        assertArrayEquals(new float[30], result.drop().values());
    }

    @Test
    void windowStartsCoverTheEdge() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, OcclusionSensitivity.windowStarts(5, 1, 1));
        assertArrayEquals(new int[] {0, 2, 3}, OcclusionSensitivity.windowStarts(5, 2, 2));
        assertArrayEquals(new int[] {0, 3}, OcclusionSensitivity.windowStarts(6, 3, 3));
        assertArrayEquals(new int[] {0}, OcclusionSensitivity.windowStarts(3, 3, 1));
    }

    @Test
    void fillsWithTheImageMeanColour() {
        float[] img = image();
        float[][] seen = new float[1][];
        BatchScorer spy = inputs -> {
            if (inputs.length == 2 && seen[0] == null) {
                seen[0] = inputs[1];
            }
            float[][] out = new float[inputs.length][];
            for (int b = 0; b < inputs.length; b++) {
                out[b] = new float[] {0f, 1f};
            }
            return out;
        };
        OcclusionSensitivity.compute(img, 3, h, w, layout, spy, 1, new OcclusionSensitivity.Options(1, 1, 2, OcclusionSensitivity.ScoreKind.LOGITS));
        double mean0 = 0;
        for (int i = 0; i < h * w; i++) {
            mean0 += img[i];
        }
        mean0 /= h * w;
        float[] firstOccluded = seen[0]; // window at patch (0, 0)
        assertEquals(mean0, firstOccluded[0], 1e-6);
        assertEquals(mean0, firstOccluded[(P - 1) * w + P - 1], 1e-6);
        assertEquals(img[P], firstOccluded[P], "outside the window unchanged");
    }

    @Test
    void rejectsMismatchedInputsAndStopsWhenInterrupted() {
        assertThrows(IllegalArgumentException.class, () -> OcclusionSensitivity.compute(new float[10], 3, h, w, layout,
                patchDetector(new ArrayList<>()), -1, OcclusionSensitivity.Options.perPatch()));
        assertThrows(IllegalArgumentException.class, () -> OcclusionSensitivity.compute(new float[3 * 16 * 24], 3, 16, 24,
                layout, patchDetector(new ArrayList<>()), -1, OcclusionSensitivity.Options.perPatch()));
        assertThrows(IllegalArgumentException.class, () -> OcclusionSensitivity.compute(image(), 3, h, w, layout,
                patchDetector(new ArrayList<>()), 5, OcclusionSensitivity.Options.perPatch()));
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class, () -> OcclusionSensitivity.compute(image(), 3, h, w, layout,
                    patchDetector(new ArrayList<>()), -1, OcclusionSensitivity.Options.perPatch()));
        } finally {
            Thread.interrupted();
        }
    }
}
