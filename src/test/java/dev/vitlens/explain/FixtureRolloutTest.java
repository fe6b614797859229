package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rollout on real PyTorch attentions of the bundled models, against the naive full-product rollout. */
class FixtureRolloutTest {

    @TestFactory
    List<DynamicTest> rolloutOnPyTorchAttentionsMatchesNaiveRollout() {
        List<ModelFixtures.Case> cases = ModelFixtures.all();
        Assumptions.assumeFalse(cases.isEmpty(), "no model fixtures under " + ModelFixtures.ROOT
                + " (written by models/recipes/build.py on branch models); skipping real-attention rollout tests");
        List<DynamicTest> tests = new ArrayList<>();
        for (ModelFixtures.Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.modelId() + "/" + c.name() + " is post-softmax", () -> {
                for (float[][][] layer : c.attentions()) {
                    for (float[][] head : layer) {
                        for (float[] row : head) {
                            double sum = 0;
                            for (float v : row) {
                                sum += v;
                            }
                            assertEquals(1.0, sum, 1e-4);
                        }
                    }
                }
            }));
            for (String fusion : List.of("mean", "max", "min")) {
                for (double discard : new double[] {0, 0.9}) {
                    tests.add(DynamicTest.dynamicTest(c.modelId() + "/" + c.name() + " " + fusion + " discard " + discard,
                            () -> check(c, fusion, discard)));
                }
            }
        }
        return tests;
    }

    private static void check(ModelFixtures.Case c, String fusion, double discard) {
        List<String> queries = new ArrayList<>(List.of("auto", "cls", "mean", "patch:0"));
        if (c.family() == Family.DEIT) {
            queries.add("dist");
        }
        double[][] r = NaiveRollout.fullRollout(c.attentions(), fusion, discard, c.layout().prefixTokens(),
                NaiveRollout.Axis.ROWS);
        AttentionRollout rollout = new AttentionRollout(HeadFusion.parse(fusion), discard);
        for (String q : queries) {
            double[] fast = rollout.rolloutRow(c.attentions(), c.layout(), c.family(), Query.parse(q));
            double[] naive = NaiveRollout.combineRows(r, AttentionRolloutTest.expectedWeights(q, c.family(), c.layout()));
            assertArrayEquals(naive, fast, 1e-6, q);
        }
    }
}
