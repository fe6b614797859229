package dev.vitlens.imaging;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.PreprocessorConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Hugging Face image-processor preprocessing, bit-exact with the Python (slow) processors: Pillow resize of the
 * uint8 RGB image, center crop ({@code top = (h - ch) // 2}, zero padding when the crop is bigger), rescale in
 * float64 then cast to float32, normalise in float32, output CHW float32.
 * <p>
 * An instance owns a direct {@link FloatBuffer} that is reused across calls, so it is not thread-safe: use one per
 * thread. A returned buffer stays valid until the next call.
 */
public final class Preprocessor {
    private final PreprocessorConfig config;
    private final int outHeight;
    private final int outWidth;
    /** value[channel][uint8] after rescale + normalise: every output is a function of one byte. */
    private final float[][] lut;
    private FloatBuffer buffer;

    /**
     * @param outHeight the height the model expects; preprocessing must produce it
     * @param outWidth  the width the model expects
     */
    public Preprocessor(PreprocessorConfig config, int outHeight, int outWidth) {
        this.config = config;
        this.outHeight = outHeight;
        this.outWidth = outWidth;
        this.lut = buildLut(config);
    }

    public static Preprocessor forModel(ModelInfo info) {
        return new Preprocessor(info.preprocessor(), info.inputHeight(), info.inputWidth());
    }

    public PreprocessorConfig config() {
        return config;
    }

    public int outputHeight() {
        return outHeight;
    }

    public int outputWidth() {
        return outWidth;
    }

    /** Floats per image: 3 x H x W. */
    public int imageSize() {
        return 3 * outHeight * outWidth;
    }

    /** The smallest side the resize step needs, a hint for decoding huge images with subsampling. */
    public int neededShortSide() {
        return Math.min(outHeight, outWidth);
    }

    /** The uint8 stage: resize with Pillow's algorithm, then center crop (padding with zeros if needed). */
    public RgbImage resizeAndCrop(RgbImage image) {
        int[] size = config.resizedSize(image.height(), image.width());
        RgbImage resized = PilResampler.resize(image, size[1], size[0], config.resample());
        int[] crop = config.cropSize();
        return crop == null ? resized : centerCrop(resized, crop[0], crop[1]);
    }

    /** One image as a [1,3,H,W] tensor in the reused buffer (position 0, limit 3*H*W). */
    public FloatBuffer process(RgbImage image) {
        return processBatch(List.of(image));
    }

    /** A batch as [n,3,H,W] in the reused buffer (position 0, limit n*3*H*W). */
    public FloatBuffer processBatch(List<RgbImage> images) {
        int per = imageSize();
        FloatBuffer out = buffer(images.size() * per);
        for (int i = 0; i < images.size(); i++) {
            writeTensor(resizeAndCrop(images.get(i)), out, i * per);
        }
        out.position(0).limit(images.size() * per);
        return out;
    }

    /** A fresh CHW float array (for tests and one-off uses). */
    public float[] toArray(RgbImage image) {
        float[] out = new float[imageSize()];
        process(image).get(out);
        return out;
    }

    /** Writes an already resized/cropped image as CHW at {@code offset} (absolute) in {@code dst}. */
    public void writeTensor(RgbImage prepared, FloatBuffer dst, int offset) {
        if (prepared.width() != outWidth || prepared.height() != outHeight) {
            throw new IllegalArgumentException("preprocessing produced " + prepared.width() + "x"
                    + prepared.height() + " but the model expects " + outWidth + "x" + outHeight
                    + " (preprocessor " + config + ")");
        }
        byte[] px = prepared.pixels();
        int plane = outHeight * outWidth;
        float[] r = lut[0];
        float[] g = lut[1];
        float[] b = lut[2];
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            dst.put(offset + i, r[px[p] & 0xff]);
            dst.put(offset + plane + i, g[px[p + 1] & 0xff]);
            dst.put(offset + 2 * plane + i, b[px[p + 2] & 0xff]);
        }
    }

    private FloatBuffer buffer(int floats) {
        if (buffer == null || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        buffer.clear();
        return buffer;
    }

    static float[][] buildLut(PreprocessorConfig c) {
        float[] mean = c.imageMean();
        float[] std = c.imageStd();
        float[][] lut = new float[3][256];
        for (int ch = 0; ch < 3; ch++) {
            for (int v = 0; v < 256; v++) {
                // transformers: rescale = (image.astype(float64) * factor).astype(float32)
                float x = c.doRescale() ? (float) (v * c.rescaleFactor()) : (float) v;
                if (c.doNormalize()) {
                    // normalize: (image - mean) / std with mean and std cast to float32
                    x = (x - mean[ch]) / std[ch];
                }
                lut[ch][v] = x;
            }
        }
        return lut;
    }

    /** transformers' center_crop on HWC uint8, including its zero padding when the crop exceeds the image. */
    static RgbImage centerCrop(RgbImage in, int cropH, int cropW) {
        int h = in.height();
        int w = in.width();
        if (cropH == h && cropW == w) {
            return in;
        }
        int top = Math.floorDiv(h - cropH, 2);
        int left = Math.floorDiv(w - cropW, 2);
        byte[] src = in.pixels();
        byte[] dst = new byte[cropH * cropW * 3];
        if (top >= 0 && left >= 0 && top + cropH <= h && left + cropW <= w) {
            for (int y = 0; y < cropH; y++) {
                System.arraycopy(src, ((top + y) * w + left) * 3, dst, y * cropW * 3, cropW * 3);
            }
            return new RgbImage(cropW, cropH, dst);
        }
        // Padded canvas of max(crop, image), image placed at ceil((new - old) / 2), then the crop window.
        int newH = Math.max(cropH, h);
        int newW = Math.max(cropW, w);
        int topPad = (newH - h + 1) / 2;
        int leftPad = (newW - w + 1) / 2;
        int cropTop = Math.max(0, top + topPad);
        int cropLeft = Math.max(0, left + leftPad);
        for (int y = 0; y < cropH; y++) {
            int cy = cropTop + y - topPad; // row in the source image
            if (cy < 0 || cy >= h) {
                continue;
            }
            for (int x = 0; x < cropW; x++) {
                int cx = cropLeft + x - leftPad;
                if (cx < 0 || cx >= w) {
                    continue;
                }
                int s = (cy * w + cx) * 3;
                int d = (y * cropW + x) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(cropW, cropH, dst);
    }
}
