package dev.vitlens.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * An 8-bit sRGB image stored row-major, interleaved R,G,B (HWC), the layout Pillow and numpy use.
 *
 * @param width  columns
 * @param height rows
 * @param pixels {@code width * height * 3} bytes
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != Math.multiplyExact(Math.multiplyExact(width, height), 3)) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + pixels.length);
        }
    }

    public static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    /** Channel value 0-255 at (x, y), channel 0=R 1=G 2=B. */
    public int get(int x, int y, int channel) {
        return pixels[(y * width + x) * 3 + channel] & 0xff;
    }

    /** Packed 0xRRGGBB at (x, y). */
    public int rgb(int x, int y) {
        int i = (y * width + x) * 3;
        return (pixels[i] & 0xff) << 16 | (pixels[i + 1] & 0xff) << 8 | (pixels[i + 2] & 0xff);
    }

    /** Converts from any BufferedImage (see {@link ImageConversion} for colour rules). */
    public static RgbImage from(BufferedImage image) {
        return ImageConversion.toRgb(image);
    }

    /** A TYPE_INT_RGB copy, for display and drawing. */
    public BufferedImage toBufferedImage() {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] data = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int i = 0, p = 0; i < data.length; i++, p += 3) {
            data[i] = (pixels[p] & 0xff) << 16 | (pixels[p + 1] & 0xff) << 8 | (pixels[p + 2] & 0xff);
        }
        return out;
    }
}
