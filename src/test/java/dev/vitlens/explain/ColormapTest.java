package dev.vitlens.explain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ColormapTest {

    // Reference colours as matplotlib prints them: matplotlib.colors.to_hex(get_cmap(name)(x)).
    @Test
    void endpointsMatchMatplotlib() {
        assertEquals(0x440154, Colormap.VIRIDIS.rgb(0.0));
        assertEquals(0xfde725, Colormap.VIRIDIS.rgb(1.0));
        assertEquals(0x21918c, Colormap.VIRIDIS.rgb(0.5));
        assertEquals(0x000004, Colormap.INFERNO.rgb(0.0));
        assertEquals(0xfcffa4, Colormap.INFERNO.rgb(1.0));
        assertEquals(0xbc3754, Colormap.INFERNO.rgb(0.5));
        assertEquals(0x053061, Colormap.DIVERGING.rgb(0.0)); // RdBu_r: dark blue ...
        assertEquals(0x67001f, Colormap.DIVERGING.rgb(1.0)); // ... to dark red
    }

    @Test
    void divergingIsNearWhiteInTheMiddle() {
        int mid = Colormap.DIVERGING.rgb(0.5);
        for (int shift : new int[] {16, 8, 0}) {
            int channel = (mid >> shift) & 0xFF;
            assertEquals(true, channel > 240, "channel " + channel);
        }
    }

    @Test
    void indexesLikeMatplotlib() {
        // matplotlib: index = floor(v * N), v == 1 -> N - 1, under/NaN clamp to the ends here
        assertEquals(0, Colormap.index(0.0));
        assertEquals(0, Colormap.index(0.0039));
        assertEquals(1, Colormap.index(1 / 256.0));
        assertEquals(127, Colormap.index(0.4999));
        assertEquals(128, Colormap.index(0.5));
        assertEquals(255, Colormap.index(1.0));
        assertEquals(255, Colormap.index(7.0));
        assertEquals(0, Colormap.index(-3));
        assertEquals(0, Colormap.index(Double.NaN));
    }

    @Test
    void floatIndexingAgreesWithDoubleIndexing() {
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 100_000; i++) {
            float v = r.nextFloat() * 1.4f - 0.2f;
            assertEquals(Colormap.index((double) v), Colormap.index(v), "v=" + v);
        }
        for (int k = 0; k <= 256; k++) {
            float v = k / 256f;
            assertEquals(Colormap.index((double) v), Colormap.index(v), "v=" + v);
        }
        assertEquals(0, Colormap.index(Float.NaN));
        assertEquals(255, Colormap.index(Float.POSITIVE_INFINITY));
        assertEquals(0, Colormap.index(Float.NEGATIVE_INFINITY));
    }

    @Test
    void tablesAreDistinctAndMonotoneInLightness() {
        int[] viridis = Colormap.VIRIDIS.table();
        assertEquals(256, viridis.length);
        assertNotEquals(viridis[100], Colormap.INFERNO.entry(100));
        // viridis and inferno are perceptually uniform: luma rises along the table
        for (Colormap map : new Colormap[] {Colormap.VIRIDIS, Colormap.INFERNO}) {
            double previous = -1;
            for (int i = 0; i < 256; i += 15) {
                int c = map.entry(i);
                double luma = 0.299 * ((c >> 16) & 0xFF) + 0.587 * ((c >> 8) & 0xFF) + 0.114 * (c & 0xFF);
                assertEquals(true, luma > previous, map + " luma at " + i);
                previous = luma;
            }
        }
    }

    @Test
    void parses() {
        assertEquals(Colormap.INFERNO, Colormap.parse("Inferno"));
        assertEquals(Colormap.DIVERGING, Colormap.parse("diverging"));
        assertThrows(IllegalArgumentException.class, () -> Colormap.parse("jet"));
    }
}
