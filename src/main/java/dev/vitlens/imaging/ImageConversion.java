package dev.vitlens.imaging;

import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Converts decoded images to 8-bit RGB the way transformers' {@code convert_to_rgb} does with Pillow: grayscale is
 * replicated, palettes are looked up, alpha is composited on white with Pillow's integer {@code alpha_composite}
 * arithmetic. Common layouts are read from the raster's backing array; others row by row from the raster samples
 * (never per-pixel {@code getRGB}, which would also gamma-convert linear-gray colour models).
 */
public final class ImageConversion {
    private ImageConversion() {
    }

    public static RgbImage toRgb(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        byte[] out = new byte[w * h * 3];
        switch (src.getType()) {
            case BufferedImage.TYPE_3BYTE_BGR -> fromBgr(src, out);
            case BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB -> fromIntRgb(src, out,
                    src.getType() == BufferedImage.TYPE_INT_ARGB);
            case BufferedImage.TYPE_BYTE_GRAY -> fromGray(src, out);
            default -> fromSamples(src, out);
        }
        return new RgbImage(w, h, out);
    }

    private static boolean packedDirectly(BufferedImage src) {
        // Sub-images share a bigger buffer; only the plain layout can be read straight.
        Raster r = src.getRaster();
        return r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
                && r.getParent() == null && r.getDataBuffer().getNumBanks() == 1;
    }

    private static void fromBgr(BufferedImage src, byte[] out) {
        if (!packedDirectly(src)) {
            fromSamples(src, out);
            return;
        }
        byte[] bgr = ((DataBufferByte) src.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < out.length; i += 3) {
            out[i] = bgr[i + 2];
            out[i + 1] = bgr[i + 1];
            out[i + 2] = bgr[i];
        }
    }

    private static void fromIntRgb(BufferedImage src, byte[] out, boolean alpha) {
        if (!packedDirectly(src)) {
            fromSamples(src, out);
            return;
        }
        int[] data = ((DataBufferInt) src.getRaster().getDataBuffer()).getData();
        for (int i = 0, p = 0; p < out.length; i++, p += 3) {
            int v = data[i];
            int r = v >> 16 & 0xff;
            int g = v >> 8 & 0xff;
            int b = v & 0xff;
            if (alpha) {
                int a = v >>> 24;
                r = onWhite(r, a);
                g = onWhite(g, a);
                b = onWhite(b, a);
            }
            out[p] = (byte) r;
            out[p + 1] = (byte) g;
            out[p + 2] = (byte) b;
        }
    }

    private static void fromGray(BufferedImage src, byte[] out) {
        if (!packedDirectly(src)) {
            fromSamples(src, out);
            return;
        }
        byte[] gray = ((DataBufferByte) src.getRaster().getDataBuffer()).getData();
        for (int i = 0, p = 0; p < out.length; i++, p += 3) {
            out[p] = out[p + 1] = out[p + 2] = gray[i];
        }
    }

    /** Generic path: raw samples per row, interpreted by colour space; anything exotic goes through Java2D. */
    private static void fromSamples(BufferedImage src, byte[] out) {
        ColorModel cm = src.getColorModel();
        Raster raster = src.getRaster();
        int w = src.getWidth();
        int h = src.getHeight();
        int bands = raster.getNumBands();
        int csType = cm.getColorSpace().getType();
        boolean indexed = cm instanceof IndexColorModel;
        boolean gray = !indexed && csType == ColorSpace.TYPE_GRAY && (bands == 1 || bands == 2);
        boolean rgb = !indexed && csType == ColorSpace.TYPE_RGB && (bands == 3 || bands == 4);
        if (!indexed && !gray && !rgb) {
            viaJava2d(src, out);
            return;
        }
        int[] maxValue = new int[bands];
        for (int b = 0; b < bands; b++) {
            maxValue[b] = (1 << raster.getSampleModel().getSampleSize(b)) - 1;
        }
        boolean premultiplied = cm.isAlphaPremultiplied();
        int[] row = new int[w * bands];
        int[] palette = null;
        if (indexed) {
            IndexColorModel icm = (IndexColorModel) cm;
            palette = new int[icm.getMapSize()];
            icm.getRGBs(palette);
        }
        int p = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, s = 0; x < w; x++, s += bands) {
                int r;
                int g;
                int b;
                int a = 255;
                if (indexed) {
                    int argb = palette[Math.min(row[s], palette.length - 1)];
                    r = argb >> 16 & 0xff;
                    g = argb >> 8 & 0xff;
                    b = argb & 0xff;
                    a = argb >>> 24;
                } else if (gray) {
                    r = g = b = to8(row[s], maxValue[0]);
                    if (bands == 2) {
                        a = to8(row[s + 1], maxValue[1]);
                    }
                } else {
                    r = to8(row[s], maxValue[0]);
                    g = to8(row[s + 1], maxValue[1]);
                    b = to8(row[s + 2], maxValue[2]);
                    if (bands == 4) {
                        a = to8(row[s + 3], maxValue[3]);
                    }
                }
                if (a != 255) {
                    if (premultiplied) {
                        // premultiplied over white: c + (255 - a)
                        r = Math.min(255, r + 255 - a);
                        g = Math.min(255, g + 255 - a);
                        b = Math.min(255, b + 255 - a);
                    } else {
                        r = onWhite(r, a);
                        g = onWhite(g, a);
                        b = onWhite(b, a);
                    }
                }
                out[p++] = (byte) r;
                out[p++] = (byte) g;
                out[p++] = (byte) b;
            }
        }
    }

    /** Scales an n-bit sample to 8 bits with rounding (16-bit: round(v / 257)). */
    static int to8(int value, int max) {
        if (max == 255) {
            return value;
        }
        return (int) ((value * 255L + max / 2) / max);
    }

    private static void viaJava2d(BufferedImage src, byte[] out) {
        BufferedImage argb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        try {
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        fromIntRgb(argb, out, true);
    }

    /**
     * One channel of Pillow's {@code Image.alpha_composite(white, rgba)} (AlphaComposite.c, 7-bit precision),
     * which transformers' {@code convert_to_rgb} uses.
     */
    static int onWhite(int c, int a) {
        if (a == 0) {
            return 255;
        }
        if (a == 255) {
            return c;
        }
        final int precisionBits = 7;
        int outa255 = a * 255 + 255 * (255 - a);
        int coef1 = a * 255 * 255 * (1 << precisionBits) / outa255;
        int coef2 = 255 * (1 << precisionBits) - coef1;
        int tmp = c * coef1 + 255 * coef2 + (0x80 << precisionBits);
        return ((tmp >> 8) + tmp >> 8) >> precisionBits;
    }
}
