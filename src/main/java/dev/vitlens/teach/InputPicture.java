package dev.vitlens.teach;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.PreprocessorConfig;
import dev.vitlens.internals.ModelInternals;

/**
 * The picture the model actually saw: its preprocessed input ({@code [3][H][W]}, rescaled and normalised) turned
 * back into 8-bit RGB by undoing the normalisation and the rescale of the model's image processor.
 */
final class InputPicture {

    private InputPicture() {
    }

    /** Packed 0xRRGGBB, row-major, {@code inputHeight x inputWidth}. */
    static int[] rgb(ModelInternals internals) {
        ModelInfo model = internals.model();
        int h = model.inputHeight();
        int w = model.inputWidth();
        float[] px = internals.pixels();
        int plane = h * w;
        if (px.length != 3 * plane) {
            throw new IllegalArgumentException("input has " + px.length + " values, expected 3 x " + h + " x " + w);
        }
        PreprocessorConfig c = model.preprocessor();
        float[] mean = c.imageMean();
        float[] std = c.imageStd();
        double scale = c.doRescale() && c.rescaleFactor() > 0 ? 1.0 / c.rescaleFactor() : 1.0;
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int packed = 0;
            for (int ch = 0; ch < 3; ch++) {
                double v = px[ch * plane + i];
                if (c.doNormalize()) {
                    v = v * std[ch] + mean[ch];
                }
                long b = Math.round(v * scale);
                packed = (packed << 8) | (int) Math.max(0, Math.min(255, b));
            }
            rgb[i] = packed;
        }
        return rgb;
    }
}
