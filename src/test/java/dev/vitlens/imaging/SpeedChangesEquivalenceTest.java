package dev.vitlens.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vitlens.catalog.ResampleMethod;
import dev.vitlens.imaging.baseline.PilResamplerBaseline;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The speed changes in imaging produce exactly the bytes and floats of the code they replaced. */
class SpeedChangesEquivalenceTest {

    static RgbImage random(Random r, int w, int h) {
        byte[] px = new byte[w * h * 3];
        r.nextBytes(px);
        return new RgbImage(w, h, px);
    }

    @Test
    void rowStreamingVerticalPassGivesTheSameBytes() {
        Random r = new Random(11);
        int[][] sizes = {{320, 240, 224, 224}, {28, 28, 64, 64}, {37, 23, 28, 28}, {640, 480, 224, 168},
                {1, 5, 3, 17}, {300, 200, 300, 150}, {200, 300, 100, 300}, {17, 400, 9, 13}};
        for (int[] s : sizes) {
            RgbImage img = random(r, s[0], s[1]);
            for (ResampleMethod m : ResampleMethod.values()) {
                RgbImage now = PilResampler.resize(img, s[2], s[3], m);
                RgbImage before = PilResamplerBaseline.resize(img, s[2], s[3], m);
                assertEquals(before.width(), now.width());
                assertEquals(before.height(), now.height());
                assertArrayEquals(before.pixels(), now.pixels(), m + " " + java.util.Arrays.toString(s));
            }
        }
    }
}
