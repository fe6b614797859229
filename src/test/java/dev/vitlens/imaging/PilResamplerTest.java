package dev.vitlens.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vitlens.catalog.ResampleMethod;
import org.junit.jupiter.api.Test;

class PilResamplerTest {

    static RgbImage gray(int w, int h, int... values) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = px[i * 3 + 1] = px[i * 3 + 2] = (byte) values[i];
        }
        return new RgbImage(w, h, px);
    }

    static int[] channel0(RgbImage img) {
        int[] out = new int[img.width() * img.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = img.pixels()[i * 3] & 0xff;
        }
        return out;
    }

    @Test
    void sameSizeIsIdentity() {
        RgbImage img = gray(2, 2, 1, 2, 3, 4);
        for (ResampleMethod m : ResampleMethod.values()) {
            assertSame(img, PilResampler.resize(img, 2, 2, m));
        }
    }

    @Test
    void constantImageStaysConstantForEveryFilter() {
        int[] values = new int[13 * 7];
        java.util.Arrays.fill(values, 173);
        RgbImage img = gray(13, 7, values);
        for (ResampleMethod m : ResampleMethod.values()) {
            for (int[] size : new int[][] {{5, 3}, {29, 17}, {13, 2}, {1, 1}}) {
                RgbImage out = PilResampler.resize(img, size[0], size[1], m);
                for (int v : channel0(out)) {
                    assertEquals(173, v, m + " to " + size[0] + "x" + size[1]);
                }
            }
        }
    }

    @Test
    void halvingWithBilinearAveragesPairs() {
        // Downscale by 2: bilinear support becomes 2, weights at distances 0.25/0.75 scaled -> 0.375,0.625? No:
        // center = 2i+1, taps x=2i-1..2i+2 at (x+0.5-center)/2 = -0.75,-0.25,0.25,0.75 -> w = .25,.75,.75,.25
        // normalised /2 -> .125,.375,.375,.125 (edge taps clipped at the border and renormalised).
        RgbImage img = gray(4, 1, 0, 80, 160, 240);
        int[] out = channel0(PilResampler.resize(img, 2, 1, ResampleMethod.BILINEAR));
        // pixel 0: taps 0,1,2 with .375,.375,.125 renormalised by .875 -> (0*.375+80*.375+160*.125)/.875 = 57.14
        // pixel 1: taps 1,2,3 with .125,.375,.375 -> (80*.125+160*.375+240*.375)/.875 = 182.86
        assertArrayEquals(new int[] {57, 183}, out);
    }

    @Test
    void boxHalvingIsTheMeanOfPairs() {
        RgbImage img = gray(4, 2, 10, 20, 30, 41, 50, 60, 70, 80);
        int[] out = channel0(PilResampler.resize(img, 2, 1, ResampleMethod.BOX));
        // Two uint8 passes, each rounding half up: rows (10+20)/2=15, (50+60)/2=55 -> 35;
        // (30+41)/2=35.5 -> 36, (70+80)/2=75 -> (36+75)/2=55.5 -> 56 (a float mean would give 55).
        assertArrayEquals(new int[] {35, 56}, out);
    }

    @Test
    void bilinearUpscaleInterpolatesLinearly() {
        // 2 -> 4 pixels: centers at 0.25, 0.75, 1.25, 1.75 in source pixel units (minus 0.5 offsets):
        // out0 = 0 (clamped border), out1 = 0.75*0+0.25*100 = 25, out2 = 75, out3 = 100
        RgbImage img = gray(2, 1, 0, 100);
        assertArrayEquals(new int[] {0, 25, 75, 100},
                channel0(PilResampler.resize(img, 4, 1, ResampleMethod.BILINEAR)));
    }

    @Test
    void nearestPicksPixelCentres() {
        RgbImage img = gray(5, 1, 0, 1, 2, 3, 4);
        // scale 2.5: centres 1.25, 3.75 -> source pixels 1 and 3
        assertArrayEquals(new int[] {1, 3}, channel0(PilResampler.resize(img, 2, 1, ResampleMethod.NEAREST)));
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4},
                channel0(PilResampler.resize(img, 10, 1, ResampleMethod.NEAREST)));
    }

    @Test
    void bicubicOvershootIsClippedToUint8() {
        RgbImage img = gray(4, 1, 0, 0, 255, 255);
        int[] out = channel0(PilResampler.resize(img, 8, 1, ResampleMethod.BICUBIC));
        for (int v : out) {
            assertEquals(true, v >= 0 && v <= 255);
        }
        assertEquals(0, out[0]);
        assertEquals(255, out[7]);
    }

    @Test
    void fixedPointRoundingOfCoefficients() {
        PilResampler.Coefficients c = PilResampler.Coefficients.compute(4, 2, PilResampler.Filter.BILINEAR);
        assertEquals(5, c.ksize); // ceil(2) * 2 + 1
        assertArrayEquals(new int[] {0, 3, 1, 3}, c.bounds);
        // .375/.875 * 2^22 = 1797558.857 -> 1797559
        assertEquals(1797559, c.kk[0]);
        assertEquals(1, PilResampler.clip8(1 << 22) & 0xff);
        assertEquals(0, PilResampler.clip8(-5) & 0xff);
        assertEquals(255, PilResampler.clip8(300 << 22) & 0xff);
    }
}
