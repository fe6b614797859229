package dev.vitlens.metrics;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a removed patch becomes in the deletion curve, and what the insertion curve starts from. Every baseline is
 * computed in the model's normalised input space (the preprocessed {@code [3*H*W]} image), as the model sees it.
 */
public enum Baseline {
    /** A Gaussian blur of the preprocessed image (RISE's insertion start): shapes go, colours stay. */
    BLUR,
    /** The image's own per-channel mean colour, everywhere (what occlusion fills with). */
    MEAN,
    /** 0 in normalised space, i.e. the preprocessor's {@code image_mean} colour in pixels (a dataset-mean grey). */
    ZERO;

    public static Baseline parse(String text) {
        if (text != null) {
            for (Baseline b : values()) {
                if (b.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
        }
        throw new IllegalArgumentException("unknown baseline '" + text + "': expected blur, mean or zero");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The baseline image for {@code chw} ({@code channels x height x width}, normalised).
     *
     * @param sigma blur standard deviation in input pixels (only {@link #BLUR} reads it)
     */
    public float[] image(float[] chw, int channels, int height, int width, double sigma) {
        if (chw.length != channels * height * width) {
            throw new IllegalArgumentException("image has " + chw.length + " floats, expected " + channels + "x"
                    + height + "x" + width);
        }
        int plane = height * width;
        float[] out = new float[chw.length];
        switch (this) {
            case ZERO -> { }
            case MEAN -> {
                for (int c = 0; c < channels; c++) {
                    double s = 0;
                    for (int i = c * plane; i < (c + 1) * plane; i++) {
                        s += chw[i];
                    }
                    Arrays.fill(out, c * plane, (c + 1) * plane, (float) (s / plane));
                }
            }
            case BLUR -> {
                for (int c = 0; c < channels; c++) {
                    blurPlane(chw, out, c * plane, height, width, sigma);
                }
            }
            default -> throw new AssertionError(this);
        }
        return out;
    }

    /** Normalised 1-D Gaussian of radius ceil(3 sigma). */
    static double[] kernel(double sigma) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("blur sigma must be a positive number of pixels, got " + sigma);
        }
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Separable blur of one plane; borders repeat the edge pixel (no dark frame from zero padding). */
    private static void blurPlane(float[] in, float[] out, int offset, int height, int width, double sigma) {
        double[] k = kernel(sigma);
        int r = k.length / 2;
        double[] rows = new double[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double s = 0;
                for (int i = -r; i <= r; i++) {
                    int xx = Math.min(width - 1, Math.max(0, x + i));
                    s += k[i + r] * in[offset + y * width + xx];
                }
                rows[y * width + x] = s;
            }
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double s = 0;
                for (int i = -r; i <= r; i++) {
                    int yy = Math.min(height - 1, Math.max(0, y + i));
                    s += k[i + r] * rows[yy * width + x];
                }
                out[offset + y * width + x] = (float) s;
            }
        }
    }
}
