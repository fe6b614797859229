package dev.vitlens.teach;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.internals.ModelInternals;
import dev.vitlens.output.JsonOutput;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionDistanceTest {

    /** The textbook definition, written out again: four loops, coordinates from patch centres, Math.hypot. */
    static double[][] naive(float[][][][] att, TokenLayout layout) {
        int pre = layout.prefixTokens();
        int w = layout.gridWidth();
        int p = layout.patchSize();
        double[][] out = new double[att.length][att[0].length];
        for (int l = 0; l < att.length; l++) {
            for (int h = 0; h < att[l].length; h++) {
                double total = 0;
                for (int q = 0; q < layout.patches(); q++) {
                    double qx = (q % w + 0.5) * p;
                    double qy = (q / w + 0.5) * p;
                    for (int k = 0; k < layout.patches(); k++) {
                        double kx = (k % w + 0.5) * p;
                        double ky = (k / w + 0.5) * p;
                        total += att[l][h][pre + q][pre + k] * Math.hypot(kx - qx, ky - qy);
                    }
                }
                out[l][h] = total / layout.patches();
            }
        }
        return out;
    }

    @Test
    void equalsTheNaiveQuadrupleLoopOnEveryFamily() {
        for (Family f : Family.values()) {
            ModelInfo model = Synthetic.model(f, 5, 4, 3, 2, 16, 4);
            ModelInternals in = Synthetic.internals(model, 11);
            AttentionDistance.Table t = AttentionDistance.compute(in.attentions(), model.layout());
            double[][] expected = naive(in.attentions(), model.layout());
            for (int l = 0; l < 3; l++) {
                for (int h = 0; h < 2; h++) {
                    assertEquals(expected[l][h], t.distance()[l][h], 1e-9 * expected[l][h], f + " " + l + "/" + h);
                    double prefix = 0;
                    for (int q = 0; q < model.layout().patches(); q++) {
                        for (int k = 0; k < f.prefixTokens(); k++) {
                            prefix += in.attentions()[l][h][f.prefixTokens() + q][k];
                        }
                    }
                    assertEquals(prefix / model.layout().patches(), t.prefixAttention()[l][h], 1e-9);
                }
            }
        }
    }

    /** Every patch attends only to its right neighbour (the last column to itself): distance p on 6 of 7 columns. */
    @Test
    void aHeadLookingOnePatchRightHasDistanceOfOnePatch() {
        TokenLayout layout = new TokenLayout(1, 7, 7, 4, 1, 1);
        int t = layout.tokens();
        float[][][][] att = new float[1][1][t][t];
        for (int q = 0; q < layout.patches(); q++) {
            int key = q % 7 == 6 ? q : q + 1;
            att[0][0][1 + q][1 + key] = 1f;
        }
        att[0][0][0][0] = 1f;
        AttentionDistance.Table table = AttentionDistance.compute(att, layout);
        assertEquals(4.0 * 6 / 7, table.distance()[0][0], 1e-12);
        assertEquals(0.0, table.prefixAttention()[0][0], 0);
    }

    @Test
    void attentionToPrefixTokensAddsNoDistanceAndIsReported() {
        TokenLayout layout = new TokenLayout(2, 3, 3, 8, 1, 1);
        int t = layout.tokens();
        float[][][][] att = new float[1][1][t][t];
        for (int q = 0; q < t; q++) {
            att[0][0][q][0] = 0.5f;
            att[0][0][q][1] = 0.25f;
            att[0][0][q][2 + 8] = 0.25f; // bottom-right patch
        }
        AttentionDistance.Table table = AttentionDistance.compute(att, layout);
        double[][] expected = naive(att, layout);
        assertEquals(expected[0][0], table.distance()[0][0], 1e-12);
        assertEquals(0.75, table.prefixAttention()[0][0], 1e-7);
    }

    @Test
    void theAverageOverImagesIsTheMeanOfTheirTables() {
        ModelInfo model = Synthetic.model(Family.VIT, 4, 4, 2, 3, 8, 3);
        AttentionDistance.Table a = AttentionDistance.compute(Synthetic.internals(model, 1).attentions(), model.layout());
        AttentionDistance.Table b = AttentionDistance.compute(Synthetic.internals(model, 2).attentions(), model.layout());
        AttentionDistance.Average avg = AttentionDistance.average(List.of(a, b));
        assertEquals(2, avg.images());
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 3; h++) {
                assertEquals((a.distance()[l][h] + b.distance()[l][h]) / 2, avg.distance()[l][h], 1e-12);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> AttentionDistance.average(List.of()));
    }

    @Test
    void theViewsJsonIsTheDistanceTableInPixels() throws Exception {
        ModelInfo model = Synthetic.model(Family.DEIT, 14, 16, 2, 3, 8, 3);
        TeachInput input = Synthetic.input(model, 5);
        ViewData data = TeachingViews.get("attention-distance").compute(input);
        JsonNode json = JsonOutput.tree(data);
        double[][] expected = naive(input.internals().attentions(), model.layout());
        assertEquals(2, json.get("distance").size());
        for (int l = 0; l < 2; l++) {
            assertEquals(3, json.get("distance").get(l).size());
            for (int h = 0; h < 3; h++) {
                assertEquals(expected[l][h], json.get("distance").get(l).get(h).asDouble(), 1e-9 * expected[l][h]);
            }
        }
        assertEquals("input pixels", json.get("unit").asText());
        assertTrue(json.get("sample_average").isNull());
        assertEquals(16 * Math.hypot(13, 13), json.get("max_distance").asDouble(), 1e-9);

        AttentionDistance.Average avg = AttentionDistance.average(List.of(
                AttentionDistance.compute(input.internals().attentions(), model.layout())));
        JsonNode withAvg = JsonOutput.tree(TeachingViews.get("attention-distance").compute(input.withSampleDistance(avg)));
        assertEquals(1, withAvg.get("sample_average").get("images").asInt());
        assertEquals(expected[1][2], withAvg.get("sample_average").get("distance").get(1).get(2).asDouble(), 1e-9);
    }
}
