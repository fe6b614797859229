package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fixture reader on a folder written in the models branch's format (so the real-model tests read it right). */
class ModelFixturesTest {

    @Test
    void readsLayerMajorAttentions(@TempDir Path dir) throws Exception {
        int layers = 2;
        int heads = 3;
        int tokens = 2 + 4; // DeiT: CLS, DIST, 2x2 patches
        float[][][][] att = RandomAttentions.softmaxRows(new Random(4), layers, heads, tokens, 1);
        ByteBuffer buf = ByteBuffer.allocate(layers * heads * tokens * tokens * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[][][] l : att) {
            for (float[][] h : l) {
                for (float[] row : h) {
                    for (float v : row) {
                        buf.putFloat(v);
                    }
                }
            }
        }
        Files.write(dir.resolve("a.attentions.f32"), buf.array());
        Files.write(dir.resolve("a.pixel_values.f32"), new byte[3 * 32 * 32 * 4]);
        Files.write(dir.resolve("a.logits.f32"), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array());
        Files.writeString(dir.resolve("fixtures.json"), """
                {"model": "models/deit-x", "num_hidden_layers": 2, "num_attention_heads": 3, "tokens": 6, "prefix_tokens": 2,
                 "preprocessor": {"image_processor_type": "DeiTImageProcessor", "do_center_crop": true,
                                  "crop_size": {"height": 32, "width": 32}, "size": {"height": 36, "width": 36}},
                 "cases": [{"name": "a", "pixel_values": "a.pixel_values.f32", "pixel_values_shape": [1, 3, 32, 32],
                            "logits": "a.logits.f32", "attentions": "a.attentions.f32", "attentions_shape": [2, 3, 6, 6]}]}
                """);
        List<ModelFixtures.Case> cases = ModelFixtures.readDir(dir);
        assertEquals(1, cases.size());
        ModelFixtures.Case c = cases.get(0);
        assertEquals(Family.DEIT, c.family());
        assertEquals(2, c.layout().gridHeight());
        assertEquals(16, c.layout().patchSize());
        assertEquals(att[1][2][5][3], c.attentions()[1][2][5][3]);
        assertEquals(att[0][1][0][4], c.attentions()[0][1][0][4]);
        assertEquals(-2f, c.logits()[1]);
    }
}
