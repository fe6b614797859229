package dev.vitlens.teach;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.internals.ModelInternals;
import dev.vitlens.output.JsonOutput;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatchifyViewTest {

    @Test
    void theFlattenedPatchIsTheInputInChannelRowColumnOrder() throws Exception {
        ModelInfo model = Synthetic.model(Family.DEIT, 6, 8, 1, 1, 8, 2);
        ModelInternals in = Synthetic.internals(model, 3);
        int row = 4;
        int col = 1;
        TeachInput input = TeachInput.of(in).withSelection(TeachSelection.defaults(model.layout()).withPatch(row * 6 + col));
        JsonNode json = JsonOutput.tree(TeachingViews.get("patchify").compute(input));
        JsonNode flat = json.get("flattened");
        assertEquals(3 * 8 * 8, flat.size());
        int size = 48;
        int i = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    // pixel (row*8 + y, col*8 + x) of channel c in the [3][H][W] input
                    float expected = in.pixels()[c * size * size + (row * 8 + y) * size + col * 8 + x];
                    assertEquals(expected, flat.get(i++).floatValue(), 0);
                }
            }
        }
        assertEquals(row, json.get("row").asInt());
        assertEquals(col, json.get("col").asInt());
        assertEquals(2 + row * 6 + col, json.get("token").asInt(), "DeiT: two prefix tokens first");
        assertEquals(8, json.get("box").get(0).asInt());
        assertEquals(32, json.get("box").get(1).asInt());
        assertEquals(8, json.get("patch_size").asInt());
    }

    @Test
    void thePictureIsTheImageTheModelSawBeforeNormalisation() {
        ModelInfo model = Synthetic.model(Family.VIT, 4, 4, 1, 1, 8, 2);
        Random r = new Random(5);
        byte[] bytes = new byte[16 * 16 * 3];
        r.nextBytes(bytes);
        RgbImage image = new RgbImage(16, 16, bytes);
        Preprocessor pre = Preprocessor.forModel(model);
        float[] pixels = pre.toArray(image);
        RgbImage seen = pre.resizeAndCrop(image);
        ModelInternals in = new ModelInternals(model, pixels, new float[] {0.5f, 0.5f}, null, null, "none", "none");
        int[] rgb = InputPicture.rgb(in);
        int worst = 0;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int expected = seen.rgb(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs(((expected >> shift) & 0xFF) - ((rgb[y * 16 + x] >> shift) & 0xFF)));
                }
            }
        }
        assertTrue(worst <= 1, "undoing the normalisation recovers the bytes within rounding, worst " + worst);
    }
}
