package dev.vitlens.metrics;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.AnalysisEngine;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faithfulness on a real ONNX model whose answer is known: TinyModels' classifier with two classes, logit 0 =
 * Σ_c w_c · mean_c(pixels), logit 1 = 0. Removing a set of patches changes the channel means by a sum over those
 * patches, so every point of the exact curves is computed here by hand from the preprocessed pixels.
 */
class FaithfulnessTest {
    static final int SIZE = 16;
    static final int PATCH = 4;
    static final int GRID = SIZE / PATCH;
    static final float[] W = {0.8f, -0.5f, 1.2f};

    @TempDir
    static Path tmp;
    static ModelSession session;
    static Analysis analysis;

    @BeforeAll
    static void open() throws Exception {
        Path dir = TinyModels.writeVitFolder(tmp.resolve("linear"), SIZE, PATCH, 2, 1, 1);
        float[][] weights = {{W[0], 0}, {W[1], 0}, {W[2], 0}};
        Files.write(dir.resolve("model.onnx"), TinyModels.classifier(SIZE, SIZE, weights, new float[2], 0, 0, 0)
                .toByteArray());
        ModelInfo info = ModelFolder.load(dir);
        session = new AnalysisEngine(RunnerOptions.on(Device.CPU), new AttentionModelCache(tmp.resolve("cache")))
                .open(info, AnalysisEngine.AttentionOutputs.AS_EXPORTED);
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(11);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                image.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        analysis = session.analyse(RgbImage.from(image), 2, false);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    /** Σ over the patch's pixels of channel c, from the preprocessed input. */
    static double patchSum(float[] px, int c, int patch) {
        int y0 = patch / GRID * PATCH;
        int x0 = patch % GRID * PATCH;
        double s = 0;
        for (int y = y0; y < y0 + PATCH; y++) {
            for (int x = x0; x < x0 + PATCH; x++) {
                s += px[c * SIZE * SIZE + y * SIZE + x];
            }
        }
        return s;
    }

    /** logit 0 with {@code replaced} patches filled with {@code fill[c]} (the zero or mean baseline). */
    static double logit(float[] px, boolean[] replaced, double[] fill) {
        double z = 0;
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int p = 0; p < GRID * GRID; p++) {
                s += replaced[p] ? fill[c] * PATCH * PATCH : patchSum(px, c, p);
            }
            z += W[c] * s / (SIZE * SIZE);
        }
        return z;
    }

    static double probability(double logit0, int target) {
        double p0 = 1 / (1 + Math.exp(-logit0));
        return target == 0 ? p0 : 1 - p0;
    }

    /** Deletion and insertion curves of {@code ranking} with one point per patch (steps = patch count). */
    static double[][] handCurves(float[] px, int[] ranking, double[] fill, int target) {
        int n = ranking.length;
        double[] del = new double[n + 1];
        double[] ins = new double[n + 1];
        for (int k = 0; k <= n; k++) {
            boolean[] removed = new boolean[n];
            for (int i = 0; i < k; i++) {
                removed[ranking[i]] = true;
            }
            boolean[] hidden = new boolean[n];
            for (int p = 0; p < n; p++) {
                hidden[p] = !removed[p];
            }
            del[k] = probability(logit(px, removed, fill), target);
            ins[k] = probability(logit(px, hidden, fill), target);
        }
        return new double[][] {del, ins};
    }

    static double handAuc(double[] y) {
        double area = 0;
        for (int i = 0; i + 1 < y.length; i++) {
            area += (y[i] + y[i + 1]) / 2 / (y.length - 1);
        }
        return area;
    }

    @Test
    void randomBaselineIsTheMeanOverSeedsOfTheExactCurves() throws Exception {
        int seeds = 5;
        Faithfulness.ImageResult r = Faithfulness.evaluate(session, analysis,
                List.of(new Faithfulness.RandomCandidate(seeds)),
                new PerturbationCurves.Options(GRID * GRID, Baseline.ZERO, 1, 32), 3, null);
        int target = analysis.top().get(0).index();
        assertEquals(target, r.targetClass());
        double[] zero = {0, 0, 0};
        double[] del = new double[GRID * GRID + 1];
        double[] ins = new double[GRID * GRID + 1];
        double delAuc = 0;
        List<double[]> perSeed = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            double[][] c = handCurves(analysis.pixels(), PatchRanking.random(GRID * GRID, PatchRanking.seed(3, s)),
                    zero, target);
            perSeed.add(c[0]);
            for (int i = 0; i < del.length; i++) {
                del[i] += c[0][i] / seeds;
                ins[i] += c[1][i] / seeds;
            }
            delAuc += handAuc(c[0]) / seeds;
        }
        Faithfulness.Outcome random = r.outcomes().get("random");
        for (int i = 0; i < del.length; i++) {
            assertEquals(del[i], random.curves().deletion().scores()[i], 1e-5, "deletion point " + i);
            assertEquals(ins[i], random.curves().insertion().scores()[i], 1e-5, "insertion point " + i);
        }
        assertEquals(delAuc, random.curves().deletionAuc(), 1e-5, "AUC of the mean curve = mean of the AUCs");
        assertEquals(handAuc(ins), random.curves().insertionAuc(), 1e-5);
        assertFalse(java.util.Arrays.equals(perSeed.get(0), perSeed.get(1)), "seeds give different rankings");
        // One shared original and baseline, 15 inner steps twice per seed.
        assertEquals(2 + seeds * 2 * 15, r.forwardPasses());
        assertEquals((int) Math.ceil((2 + seeds * 30) / 32.0), r.batches());
    }

    @Test
    void occlusionRanksByContributionAndIsTheBestRankingOfThisLinearModel() throws Exception {
        Faithfulness.ImageResult r = Faithfulness.evaluate(session, analysis, List.of(
                new Faithfulness.MethodCandidate(ExplanationMethods.get("occlusion"), null),
                new Faithfulness.RandomCandidate(3)),
                new PerturbationCurves.Options(GRID * GRID, Baseline.MEAN, 1, 7), 0, null);
        int target = r.targetClass();
        float[] px = analysis.pixels();
        double[] mean = new double[3];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < GRID * GRID; p++) {
                mean[c] += patchSum(px, c, p) / (SIZE * SIZE);
            }
        }
        // Hiding patch q under the mean colour lowers logit 0 by Σ_c w_c (sum_c(q) - |q| m_c) / HW: occlusion's
        // drop is largest where that contribution (signed for the target) is largest.
        Integer[] order = new Integer[GRID * GRID];
        double[] contribution = new double[order.length];
        for (int q = 0; q < order.length; q++) {
            order[q] = q;
            for (int c = 0; c < 3; c++) {
                contribution[q] += W[c] * (patchSum(px, c, q) - PATCH * PATCH * mean[c]) * (target == 0 ? 1 : -1);
            }
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(contribution[b], contribution[a]));
        int[] ranking = java.util.Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        double[][] expected = handCurves(px, ranking, mean, target);
        Faithfulness.Outcome occlusion = r.outcomes().get("occlusion");
        assertNotNull(occlusion.curves(), occlusion.unavailable());
        for (int i = 0; i < expected[0].length; i++) {
            assertEquals(expected[0][i], occlusion.curves().deletion().scores()[i], 1e-5, "deletion " + i);
            assertEquals(expected[1][i], occlusion.curves().insertion().scores()[i], 1e-5, "insertion " + i);
        }
        // Removing the k largest contributions first is the lowest logit any k patches give: no ranking can beat it.
        Faithfulness.Outcome random = r.outcomes().get("random");
        assertTrue(occlusion.curves().deletionAuc() <= random.curves().deletionAuc() + 1e-6);
        assertTrue(occlusion.curves().insertionAuc() >= random.curves().insertionAuc() - 1e-6);
    }

    @Test
    void attentionMethodsAreUnavailableWithTheReasonWhileOthersRun() throws Exception {
        Faithfulness.ImageResult r = Faithfulness.evaluate(session, analysis, List.of(
                new Faithfulness.MethodCandidate(ExplanationMethods.get("rollout"), null),
                new Faithfulness.RandomCandidate(1)),
                new PerturbationCurves.Options(4, Baseline.BLUR, 4, 16), 0, null);
        Faithfulness.Outcome rollout = r.outcomes().get("rollout");
        assertFalse(rollout.available());
        assertTrue(rollout.unavailable().contains("attention"), rollout.unavailable());
        assertTrue(r.outcomes().get("random").available());
        assertEquals(List.of("rollout", "random"), new ArrayList<>(r.outcomes().keySet()));
    }
}
