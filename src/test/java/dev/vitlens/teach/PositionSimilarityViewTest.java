package dev.vitlens.teach;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.internals.ModelWeights;
import dev.vitlens.output.JsonOutput;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PositionSimilarityViewTest {

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void vitAndDeitShowCosineSimilarityOfThePatchRowsOnly() throws Exception {
        for (Family f : List.of(Family.VIT, Family.DEIT)) {
            ModelInfo model = Synthetic.model(f, 6, 4, 2, 2, 24, 3);
            TeachInput input = Synthetic.input(model, 21).withSelection(TeachSelection.defaults(model.layout())
                    .withPatch(13));
            float[][] pos = input.weights().positionEmbeddings();
            // make the prefix rows equal to patch 0's: if they leaked into the matrix, row 0 would shift
            for (int k = 0; k < f.prefixTokens(); k++) {
                pos[k] = pos[f.prefixTokens()].clone();
            }
            JsonNode json = JsonOutput.tree(TeachingViews.get("position-similarity").compute(input));
            JsonNode sim = json.get("similarity");
            assertEquals(36, sim.size());
            for (int i = 0; i < 36; i++) {
                assertEquals(36, sim.get(i).size());
                for (int j = 0; j < 36; j++) {
                    double expected = cosine(pos[f.prefixTokens() + i], pos[f.prefixTokens() + j]);
                    assertEquals(expected, sim.get(i).get(j).asDouble(), 1e-6, f + " " + i + "," + j);
                }
            }
            assertEquals(sim.get(13), json.get("selected"));
            assertEquals("position_embedding_similarity", json.get("shows").asText());
        }
    }

    @Test
    void embeddingsOfTheWrongLengthAreAClearError() {
        TokenLayout layout = new TokenLayout(1, 3, 3, 4, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PositionSimilarityView.similarity(new float[7][4], layout));
        assertTrue(e.getMessage().contains("10 tokens or 9 patches"), e.getMessage());
        assertEquals(9, PositionSimilarityView.similarity(new float[9][4], layout).length, "patch rows only is fine");
    }

    /** Hugging Face's BeitRelativePositionBias index, written out for a grid: [T][T] with [CLS] at 0. */
    static int[][] hfIndex(int h, int w) {
        int n = h * w;
        int distances = (2 * h - 1) * (2 * w - 1) + 3;
        int[][] index = new int[n + 1][n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dy = i / w - j / w + (h - 1);
                int dx = i % w - j % w + (w - 1);
                index[i + 1][j + 1] = dy * (2 * w - 1) + dx;
            }
        }
        for (int j = 0; j <= n; j++) {
            index[0][j] = distances - 3;
        }
        for (int i = 0; i <= n; i++) {
            index[i][0] = distances - 2;
        }
        index[0][0] = distances - 1;
        return index;
    }

    @Test
    void beitSaysItHasNoAbsolutePositionsAndShowsItsBiasByOffset() throws Exception {
        ModelInfo model = Synthetic.model(Family.BEIT, 4, 4, 2, 3, 16, 3);
        // a 3x5 grid, not a square one, so a row/column mix-up cannot pass
        TokenLayout layout = new TokenLayout(1, 3, 5, 4, 2, 3);
        ModelInfo wide = new ModelInfo(model.id(), model.dir(), new dev.vitlens.catalog.ModelConfig("beit",
                Family.BEIT, List.of(), model.labels(), 12, 20, 4, 3, 16, 2, 3, true), model.preprocessor(),
                model.meta(), layout, model.signature());
        TeachInput base = Synthetic.input(wide, 31);
        TeachInput input = base.withSelection(TeachSelection.defaults(layout).withLayer(1).withHead(2));
        ModelWeights w = input.weights();
        assertNull(w.positionEmbeddings());
        JsonNode json = JsonOutput.tree(TeachingViews.get("position-similarity").compute(input));
        assertEquals("relative_position_bias", json.get("shows").asText());
        assertFalse(json.get("absolute_positions").asBoolean());
        assertTrue(json.get("note").asText().contains("no absolute position embeddings"), json.get("note").asText());
        assertFalse(json.has("similarity"));
        int[][] index = hfIndex(3, 5);
        JsonNode bias = json.get("bias");
        assertEquals(2, bias.size());
        for (int l = 0; l < 2; l++) {
            float[][] table = w.relativePositionBias().get(l);
            for (int head = 0; head < 3; head++) {
                JsonNode map = bias.get(l).get(head);
                assertEquals(5, map.size());
                assertEquals(9, map.get(0).size());
                // every (query, key) pair of patches: the map at offset key - query is the bias HF adds
                for (int q = 0; q < 15; q++) {
                    for (int k = 0; k < 15; k++) {
                        int dy = k / 5 - q / 5;
                        int dx = k % 5 - q % 5;
                        assertEquals(table[index[q + 1][k + 1]][head], map.get(dy + 2).get(dx + 4).floatValue(), 0,
                                "layer " + l + " head " + head + " q " + q + " k " + k);
                    }
                }
                JsonNode prefix = json.get("prefix_bias").get(l).get(head);
                assertEquals(table[index[0][3]][head], prefix.get(0).floatValue(), 0, "[CLS] to a patch");
                assertEquals(table[index[3][0]][head], prefix.get(1).floatValue(), 0, "a patch to [CLS]");
                assertEquals(table[index[0][0]][head], prefix.get(2).floatValue(), 0, "[CLS] to itself");
            }
        }
        assertEquals(List.of("cls_to_patch", "patch_to_cls", "cls_to_cls"),
                List.of(json.get("prefix_bias_order").get(0).asText(), json.get("prefix_bias_order").get(1).asText(),
                        json.get("prefix_bias_order").get(2).asText()));
    }

    @Test
    void aModelWithNeitherSaysSo() {
        ModelInfo model = Synthetic.model(Family.VIT, 3, 4, 1, 1, 8, 2);
        TeachInput input = TeachInput.of(Synthetic.internals(model, 1)).withWeights(new ModelWeights(
                Synthetic.weights(model, 8, 2).patchFilters(), null, List.of(), List.of("no Add after the patch"
                + " embedding")));
        ViewData data = TeachingViews.get("position-similarity").compute(input);
        assertTrue(data.summary().contains("no Add after the patch embedding"), data.summary());
    }
}
