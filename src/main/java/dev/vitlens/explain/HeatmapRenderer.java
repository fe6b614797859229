package dev.vitlens.explain;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns a {@link HeatGrid} into pixels: bilinear upsampling aligned to patch centres, colour mapping, alpha overlay,
 * patch-grid lines and PNG export. Works on {@code int[]} rasters (no per-pixel setRGB) and needs no JavaFX.
 */
public final class HeatmapRenderer {
    private HeatmapRenderer() {
    }

    /**
     * Bilinear upsampling of {@code values} ({@code gridH x gridW}, row-major) to {@code width x height}. Each grid
     * value sits at the centre of its patch; pixels beyond the outer patch centres take the edge value (like
     * torch's {@code interpolate(mode="bilinear", align_corners=False)}).
     */
    public static float[] upsample(float[] values, int gridH, int gridW, int width, int height) {
        if (values.length != gridH * gridW) {
            throw new IllegalArgumentException("expected " + gridH * gridW + " values, got " + values.length);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        float[] fx = new float[width];
        axisWeights(gridW, width, x0, x1, fx);
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        float[] fy = new float[height];
        axisWeights(gridH, height, y0, y1, fy);

        float[] out = new float[width * height];
        float[] top = new float[width];
        float[] bottom = new float[width];
        int cachedTop = -1;
        int cachedBottom = -1;
        for (int y = 0; y < height; y++) {
            // many output rows share the same pair of grid rows: interpolate along x once per pair
            if (y0[y] != cachedTop || y1[y] != cachedBottom) {
                interpolateRow(values, y0[y] * gridW, x0, x1, fx, top);
                interpolateRow(values, y1[y] * gridW, x0, x1, fx, bottom);
                cachedTop = y0[y];
                cachedBottom = y1[y];
            }
            float wy = fy[y];
            int base = y * width;
            for (int x = 0; x < width; x++) {
                out[base + x] = top[x] + (bottom[x] - top[x]) * wy;
            }
        }
        return out;
    }

    private static void axisWeights(int cells, int pixels, int[] lo, int[] hi, float[] frac) {
        double scale = (double) cells / pixels;
        for (int p = 0; p < pixels; p++) {
            double g = (p + 0.5) * scale - 0.5;
            g = Math.max(0, Math.min(cells - 1, g));
            int i = (int) Math.floor(g);
            lo[p] = i;
            hi[p] = Math.min(i + 1, cells - 1);
            frac[p] = (float) (g - i);
        }
    }

    private static void interpolateRow(float[] values, int rowStart, int[] x0, int[] x1, float[] fx, float[] out) {
        for (int x = 0; x < out.length; x++) {
            float a = values[rowStart + x0[x]];
            out[x] = a + (values[rowStart + x1[x]] - a) * fx[x];
        }
    }

    /** The heatmap alone as an opaque RGB image of the given size. */
    public static BufferedImage colorize(HeatGrid grid, int width, int height, RenderOptions options) {
        float[] up = upsample(options.scaling().apply(grid), grid.height(), grid.width(), width, height);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = pixels(out);
        int[] lut = options.colormap().table();
        for (int i = 0; i < px.length; i++) {
            px[i] = lut[Colormap.index(up[i])];
        }
        if (options.gridLines()) {
            drawPatchGrid(out, grid.height(), grid.width(), new Rectangle(0, 0, width, height), options.gridArgb());
        }
        return out;
    }

    /** {@link #overlay(BufferedImage, HeatGrid, Rectangle, RenderOptions)} over the whole image. */
    public static BufferedImage overlay(BufferedImage base, HeatGrid grid, RenderOptions options) {
        return overlay(base, grid, new Rectangle(0, 0, base.getWidth(), base.getHeight()), options);
    }

    /**
     * A new RGB image: {@code base} with the heatmap blended over {@code region} (the part of the image the model saw,
     * e.g. a centre crop), {@code out = (1 - alpha) · base + alpha · colour}. The base image is not modified.
     */
    public static BufferedImage overlay(BufferedImage base, HeatGrid grid, Rectangle region, RenderOptions options) {
        Rectangle bounds = new Rectangle(0, 0, base.getWidth(), base.getHeight());
        if (region.isEmpty() || !bounds.contains(region)) {
            throw new IllegalArgumentException("overlay region " + region + " is not inside the " + base.getWidth()
                    + "x" + base.getHeight() + " image");
        }
        BufferedImage out = toIntRgb(base);
        int[] px = pixels(out);
        int stride = out.getWidth();
        float[] up = upsample(options.scaling().apply(grid), grid.height(), grid.width(), region.width, region.height);
        int[] lut = options.colormap().table();
        int a = Math.round(options.alpha() * 256);
        for (int y = 0; y < region.height; y++) {
            int row = (region.y + y) * stride + region.x;
            int src = y * region.width;
            for (int x = 0; x < region.width; x++) {
                px[row + x] = blend(px[row + x], lut[Colormap.index(up[src + x])], a);
            }
        }
        if (options.gridLines()) {
            drawPatchGrid(out, grid.height(), grid.width(), region, options.gridArgb());
        }
        return out;
    }

    /**
     * Draws the patch boundaries (outline included) of a {@code gridH x gridW} grid laid over {@code region}, blended
     * with the alpha of {@code argb}. Modifies {@code image}, which must be TYPE_INT_RGB or TYPE_INT_ARGB.
     */
    public static void drawPatchGrid(BufferedImage image, int gridH, int gridW, Rectangle region, int argb) {
        int[] px = pixels(image);
        int stride = image.getWidth();
        int a = Math.round(((argb >>> 24) & 0xFF) / 255f * 256);
        int color = argb & 0xFFFFFF;
        for (int c = 0; c <= gridW; c++) {
            int x = region.x + Math.min(region.width - 1, (int) Math.round((double) c * region.width / gridW));
            for (int y = region.y; y < region.y + region.height; y++) {
                px[y * stride + x] = keepAlpha(px[y * stride + x], blend(px[y * stride + x], color, a));
            }
        }
        for (int r = 0; r <= gridH; r++) {
            int y = region.y + Math.min(region.height - 1, (int) Math.round((double) r * region.height / gridH));
            int row = y * stride;
            for (int x = region.x; x < region.x + region.width; x++) {
                px[row + x] = keepAlpha(px[row + x], blend(px[row + x], color, a));
            }
        }
    }

    /**
     * Writes {@code image} as PNG to {@code target} atomically: a temporary file in the same folder, then a move, so
     * a crash never leaves a half-written file under the user's name.
     */
    public static void writePng(BufferedImage image, Path target) throws IOException {
        dev.vitlens.output.AtomicFiles.write(target, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** 8.8 fixed-point blend of two 0xRRGGBB colours: {@code a} in 0..256 is the weight of {@code over}. */
    static int blend(int under, int over, int a) {
        int na = 256 - a;
        int r = (((under >> 16) & 0xFF) * na + ((over >> 16) & 0xFF) * a) >> 8;
        int g = (((under >> 8) & 0xFF) * na + ((over >> 8) & 0xFF) * a) >> 8;
        int b = ((under & 0xFF) * na + (over & 0xFF) * a) >> 8;
        return (r << 16) | (g << 8) | b;
    }

    private static int keepAlpha(int original, int rgb) {
        return (original & 0xFF000000) | (rgb & 0xFFFFFF);
    }

    /** A TYPE_INT_RGB copy of {@code image} (drawn once through Java2D's native loops). */
    static BufferedImage toIntRgb(BufferedImage image) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return copy;
    }

    static int[] pixels(BufferedImage image) {
        int type = image.getType();
        if (type != BufferedImage.TYPE_INT_RGB && type != BufferedImage.TYPE_INT_ARGB) {
            throw new IllegalArgumentException("expected an INT_RGB or INT_ARGB image, got type " + type);
        }
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }
}
