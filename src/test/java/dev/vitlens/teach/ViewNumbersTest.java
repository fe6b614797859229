package dev.vitlens.teach;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.internals.LogitLens;
import dev.vitlens.internals.SpecialTokens;
import dev.vitlens.output.JsonOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heads, tokens and logit-lens views' numbers against the arrays they come from, indexed independently. */
class ViewNumbersTest {

    @Test
    void headsShowTheQueryRowOverThePatchesForEveryLayerAndHead() throws Exception {
        for (Family f : Family.values()) {
            ModelInfo model = Synthetic.model(f, 5, 4, 3, 4, 8, 3);
            TokenLayout layout = model.layout();
            TeachInput base = Synthetic.input(model, 41);
            for (int query : new int[] {0, layout.tokenOfPatch(2, 3)}) {
                TeachInput input = base.withSelection(TeachSelection.defaults(layout).withQuery(query));
                JsonNode json = JsonOutput.tree(TeachingViews.get("heads").compute(input));
                float[][][][] att = input.internals().attentions();
                assertEquals(query, json.get("query").asInt());
                assertEquals(query == 0 ? "[CLS]" : "patch (2, 3)", json.get("query_label").asText());
                for (int l = 0; l < 3; l++) {
                    for (int h = 0; h < 4; h++) {
                        JsonNode map = json.get("maps").get(l).get(h);
                        assertEquals(25, map.size());
                        double prefix = 0;
                        for (int k = 0; k < f.prefixTokens(); k++) {
                            prefix += att[l][h][query][k];
                        }
                        for (int row = 0; row < 5; row++) {
                            for (int col = 0; col < 5; col++) {
                                assertEquals(att[l][h][query][layout.tokenOfPatch(row, col)],
                                        map.get(row * 5 + col).floatValue(), 0);
                            }
                        }
                        assertEquals(prefix, json.get("prefix_attention").get(l).get(h).asDouble(), 1e-6);
                    }
                }
            }
        }
    }

    @Test
    void deitTokensCarryTheCosineCurveAndEachHeadInModelOrder() throws Exception {
        ModelInfo model = Synthetic.model(Family.DEIT, 4, 4, 3, 2, 8, 4);
        TeachInput input = Synthetic.input(model, 51);
        SpecialTokens.Result t = input.tokens();
        JsonNode json = JsonOutput.tree(TeachingViews.get("tokens").compute(input));
        assertEquals("CLS_AND_DISTILLATION_TOKENS", json.get("pooling").asText());
        assertEquals(4, json.get("cls_dist_similarity").size());
        for (int i = 0; i < 4; i++) {
            assertEquals(t.clsDistSimilarity()[i], json.get("cls_dist_similarity").get(i).floatValue(), 0);
        }
        List<String> heads = new ArrayList<>();
        for (JsonNode h : json.get("heads")) {
            heads.add(h.get("head").asText());
            float[] expected = t.headProbabilities().get(h.get("head").asText());
            for (int c = 0; c < 4; c++) {
                assertEquals(expected[c], h.get("probabilities").get(c).floatValue(), 0);
            }
        }
        assertEquals(List.of("cls", "distillation"), heads);
        assertEquals(input.internals().probabilities()[2], json.get("probabilities").get(2).floatValue(), 0);
    }

    @Test
    void vitAndBeitTokensSayWhatAppliesWithoutADistillationCurve() throws Exception {
        for (Family f : List.of(Family.VIT, Family.BEIT)) {
            TeachInput input = Synthetic.input(Synthetic.model(f, 4, 4, 2, 2, 8, 3), 52);
            ViewData data = TeachingViews.get("tokens").compute(input);
            JsonNode json = JsonOutput.tree(data);
            assertTrue(json.get("cls_dist_similarity").isNull());
            assertEquals(0, json.get("heads").size());
            assertEquals(input.tokens().description(), json.get("description").asText());
            assertTrue(data.summary().startsWith(input.tokens().description()));
        }
    }

    @Test
    void logitLensJsonIsOneEntryPerLayerAndThePatchMapReadsTheSelectedLayer() throws Exception {
        ModelInfo model = Synthetic.model(Family.VIT, 4, 4, 3, 2, 8, 5);
        TeachInput base = Synthetic.input(model, 61);
        LogitLens.Result lens = base.lens();
        TeachInput input = base.withSelection(TeachSelection.defaults(model.layout()).withLayer(1).withPatch(6));
        JsonNode json = JsonOutput.tree(TeachingViews.get("logit-lens").compute(input));
        JsonNode layers = json.get("layers");
        assertEquals(4, layers.size());
        for (int i = 0; i < 4; i++) {
            JsonNode entry = layers.get(i);
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertEquals(List.of("layer", "probabilities"), keys);
            assertEquals(i, entry.get("layer").asInt());
            for (int c = 0; c < 5; c++) {
                assertEquals(lens.layerProbabilities()[i][c], entry.get("probabilities").get(c).floatValue(), 0);
            }
        }
        float[] last = input.internals().probabilities();
        int predicted = 0;
        for (int c = 1; c < 5; c++) {
            if (last[c] > last[predicted]) {
                predicted = c;
            }
        }
        assertEquals(predicted, json.get("predicted_class").asInt());
        JsonNode map = json.get("patch_map");
        assertEquals(2, map.get("layer").asInt(), "layer 1's output is hidden state 2");
        for (int p = 0; p < 16; p++) {
            float[] pr = lens.patchProbabilities()[2][p];
            assertEquals(pr[predicted], map.get("probabilities").get(p).floatValue(), 0);
            int top = 0;
            for (int c = 1; c < 5; c++) {
                if (pr[c] > pr[top]) {
                    top = c;
                }
            }
            assertEquals(top, map.get("top_class").get(p).asInt());
            assertEquals(pr[top], map.get("top_probability").get(p).floatValue(), 0);
        }
        assertFalse(json.has("grid"), "drawing context stays out of the numbers");
    }
}
