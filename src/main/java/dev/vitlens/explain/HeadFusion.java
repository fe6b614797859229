package dev.vitlens.explain;

import java.util.Locale;

/** How the attention heads of one layer are combined into a single [T][T] matrix. */
public enum HeadFusion {
    MEAN, MAX, MIN;

    /** Parses {@code mean}, {@code max} or {@code min} (case-insensitive). */
    public static HeadFusion parse(String text) {
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "mean": return MEAN;
                case "max": return MAX;
                case "min": return MIN;
                default: break;
            }
        }
        throw new IllegalArgumentException("unknown head fusion '" + text + "': expected mean, max or min");
    }

    /** Fuses {@code heads[h][T][T]} into a new {@code [T][T]} matrix. */
    public float[][] fuse(float[][][] heads) {
        int tokens = heads[0].length;
        float[][] fused = new float[tokens][];
        for (int row = 0; row < tokens; row++) {
            fused[row] = fuseRow(heads, row);
        }
        return fused;
    }

    /** Fuses one query row across heads. */
    public float[] fuseRow(float[][][] heads, int row) {
        float[] out = new float[heads[0][row].length];
        fuseRowInto(heads, row, out);
        return out;
    }

    /** Fuses one query row across heads into {@code out} (length T), avoiding an allocation per row. */
    public void fuseRowInto(float[][][] heads, int row, float[] out) {
        int tokens = out.length;
        System.arraycopy(heads[0][row], 0, out, 0, tokens);
        for (int h = 1; h < heads.length; h++) {
            float[] src = heads[h][row];
            switch (this) {
                case MEAN:
                    for (int j = 0; j < tokens; j++) {
                        out[j] += src[j];
                    }
                    break;
                case MAX:
                    for (int j = 0; j < tokens; j++) {
                        out[j] = Math.max(out[j], src[j]);
                    }
                    break;
                case MIN:
                    for (int j = 0; j < tokens; j++) {
                        out[j] = Math.min(out[j], src[j]);
                    }
                    break;
                default:
                    throw new AssertionError(this);
            }
        }
        if (this == MEAN) {
            float scale = 1f / heads.length;
            for (int j = 0; j < tokens; j++) {
                out[j] *= scale;
            }
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
