package dev.vitlens.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.PreprocessorConfig;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

    static RgbImage ramp(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = (byte) i;
            px[i * 3 + 1] = (byte) (i * 2);
            px[i * 3 + 2] = (byte) (255 - i);
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void centerCropUsesFloorDivision() {
        RgbImage img = ramp(5, 4);
        RgbImage c = Preprocessor.centerCrop(img, 2, 2);
        // top = (4-2)//2 = 1, left = (5-2)//2 = 1
        assertEquals(img.rgb(1, 1), c.rgb(0, 0));
        assertEquals(img.rgb(2, 2), c.rgb(1, 1));
    }

    @Test
    void centerCropPadsWithZerosLikeTransformers() {
        RgbImage img = ramp(2, 2);
        RgbImage c = Preprocessor.centerCrop(img, 4, 3);
        // new canvas 4x3, image at top_pad = ceil(2/2) = 1, left_pad = ceil(1/2) = 1
        assertEquals(0, c.rgb(0, 0));
        assertEquals(img.rgb(0, 0), c.rgb(1, 1));
        assertEquals(img.rgb(1, 1), c.rgb(2, 2));
        assertEquals(0, c.rgb(0, 3));
    }

    @Test
    void rescaleAndNormaliseInFloat32ChwOrder() throws Exception {
        PreprocessorConfig cfg = PreprocessorConfig.parse("{\"size\":{\"height\":2,\"width\":2},"
                + "\"image_mean\":[0.485,0.456,0.406],\"image_std\":[0.229,0.224,0.225]}", Family.VIT);
        Preprocessor pre = new Preprocessor(cfg, 2, 2);
        RgbImage img = ramp(2, 2);
        float[] t = pre.toArray(img);
        assertEquals(12, t.length);
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 3; c++) {
                int v = img.pixels()[i * 3 + c] & 0xff;
                float x = (float) (v * 0.00392156862745098);
                float expected = (x - cfg.imageMean()[c]) / cfg.imageStd()[c];
                assertEquals(expected, t[c * 4 + i], 0.0f);
            }
        }
    }

    @Test
    void batchReusesOneDirectBuffer() throws Exception {
        Preprocessor pre = new Preprocessor(PreprocessorConfig.defaults(Family.VIT), 224, 224);
        FloatBuffer a = pre.processBatch(List.of(ramp(30, 20), ramp(20, 30)));
        assertTrue(a.isDirect());
        assertEquals(2 * 3 * 224 * 224, a.remaining());
        FloatBuffer b = pre.process(ramp(8, 8));
        assertSame(a, b);
        assertEquals(3 * 224 * 224, b.remaining());
        float[] first = new float[3 * 224 * 224];
        pre.processBatch(List.of(ramp(30, 20))).get(first);
        assertArrayEquals(first, pre.toArray(ramp(30, 20)));
    }

    @Test
    void wrongOutputSizeIsAClearError() throws Exception {
        Preprocessor pre = new Preprocessor(
                PreprocessorConfig.parse("{\"size\":{\"shortest_edge\":8}}", Family.VIT), 8, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pre.process(ramp(16, 8)));
        assertTrue(e.getMessage().contains("the model expects 8x8"), e.getMessage());
    }
}
