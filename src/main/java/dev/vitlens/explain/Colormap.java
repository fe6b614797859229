package dev.vitlens.explain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * 256-entry colour lookup tables taken from matplotlib 3.6.3 (generated from {@code matplotlib._cm_listed} and
 * {@code get_cmap('RdBu_r')}; see the header line of each {@code colormaps/*.csv} resource).
 * Values map like matplotlib does: index = min(floor(v · 256), 255) for v in [0, 1]; channels are rounded to
 * 8 bits like {@code matplotlib.colors.to_hex}.
 */
public enum Colormap {
    /** Perceptually uniform, dark violet to yellow: the default for attention maps. */
    VIRIDIS("viridis", "viridis.csv"),
    /** Perceptually uniform, black to pale yellow. */
    INFERNO("inferno", "inferno.csv"),
    /** Diverging blue-white-red (matplotlib RdBu_r): for signed maps such as occlusion drops, centred on 0. */
    DIVERGING("diverging", "rdbu_r.csv");

    public static final int SIZE = 256;

    private final String label;
    private final int[] rgb;

    Colormap(String label, String resource) {
        this.label = label;
        this.rgb = load(resource);
    }

    public String label() {
        return label;
    }

    /** Parses {@code viridis|inferno|diverging} (also accepts {@code rdbu}). */
    public static Colormap parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "viridis": return VIRIDIS;
            case "inferno": return INFERNO;
            case "diverging":
            case "rdbu":
            case "rdbu_r": return DIVERGING;
            default: throw new IllegalArgumentException("unknown colormap '" + text + "': expected viridis, inferno or diverging");
        }
    }

    /** Packed 0xRRGGBB of LUT entry {@code index} (0..255). */
    public int entry(int index) {
        return rgb[index];
    }

    /** A copy of the table, packed 0xRRGGBB. */
    public int[] table() {
        return rgb.clone();
    }

    /** Packed 0xRRGGBB for {@code value} in [0, 1] (clamped; NaN maps to entry 0). */
    public int rgb(double value) {
        return rgb[index(value)];
    }

    static int index(double value) {
        if (!(value > 0)) {
            return 0;
        }
        return (int) Math.min(SIZE - 1, Math.floor(value * SIZE));
    }

    /** {@link #index(double)} for floats without double math: v · 256 is exact in float, (int) NaN is 0. */
    static int index(float value) {
        int i = (int) (value * SIZE);
        return i < 0 ? 0 : Math.min(i, SIZE - 1);
    }

    private static int[] load(String resource) {
        int[] table = new int[SIZE];
        try (InputStream in = Colormap.class.getResourceAsStream("colormaps/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("colormap resource colormaps/" + resource + " is missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int n = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(",");
                if (parts.length != 3 || n >= SIZE) {
                    throw new IllegalStateException("colormap " + resource + ": bad line " + (n + 1) + ": " + line);
                }
                int packed = 0;
                for (String part : parts) {
                    long channel = Math.round(Double.parseDouble(part) * 255);
                    packed = (packed << 8) | (int) Math.max(0, Math.min(255, channel));
                }
                table[n++] = packed;
            }
            if (n != SIZE) {
                throw new IllegalStateException("colormap " + resource + " has " + n + " entries, expected " + SIZE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read colormap " + resource, e);
        }
        return table;
    }
}
