package dev.vitlens.imaging;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.PreprocessorConfig;
import java.nio.FloatBuffer;

/**
 * Fuzz target (issue 10): any bytes through the decoder and HF preprocessing must either give a finite tensor or
 * an {@link ImageDecodeException}; anything else (runtime exception, error, hang) is a finding. In the normal suite
 * only the seed corpus in {@code ImageDecodeFuzzTestInputs/} runs; {@code JAZZER_FUZZ=1} fuzzes (docs/reliability.md).
 */
class ImageDecodeFuzzTest {
    /** ViT-style preprocessing to a small 32x32 input: the same resampler and normalisation, more executions/s. */
    private static final Preprocessor VIT = smallVit();
    /**
     * Headers claiming more pixels are refused before decoding, as the product refuses more than
     * {@link ImageDecoder#MAX_PIXELS}: a few mutated bytes can claim 99 MP, and decoding that in every execution
     * held the target at about 30 executions a second, and a 4 MP limit at about 250. 256 x 256 keeps every header,
     * chunk and codec path (the limit is a pixel count checked on the header, before any decoding) while no single
     * execution decodes more than a thumbnail; the product's large-image paths have their own tests.
     */
    static final long FUZZ_MAX_PIXELS = 256L * 256;

    private static Preprocessor smallVit() {
        try {
            return new Preprocessor(PreprocessorConfig.parse("{\"do_resize\":true,\"size\":{\"height\":32,"
                    + "\"width\":32},\"resample\":2,\"image_mean\":[0.5,0.5,0.5],\"image_std\":[0.5,0.5,0.5]}",
                    Family.VIT), 32, 32);
        } catch (dev.vitlens.catalog.ModelFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void decodeAndPreprocess(byte[] data) {
        RgbImage image;
        try {
            // The product's header check and size limit, scaled down: see FUZZ_MAX_PIXELS.
            image = ImageDecoder.decode(data, "fuzz.bin", 32, FUZZ_MAX_PIXELS).image();
        } catch (ImageDecodeException expected) {
            return;
        }
        FloatBuffer tensor = VIT.process(image);
        if (tensor.remaining() != 3 * 32 * 32) {
            throw new IllegalStateException("tensor has " + tensor.remaining() + " values");
        }
        for (int i = tensor.position(); i < tensor.limit(); i++) {
            if (!Float.isFinite(tensor.get(i))) {
                throw new IllegalStateException("non-finite value at " + i);
            }
        }
    }
}
