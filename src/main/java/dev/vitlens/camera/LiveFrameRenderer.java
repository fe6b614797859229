package dev.vitlens.camera;

import dev.vitlens.explain.HeatGrid;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.IntBuffer;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Mat;

/**
 * Draws a frame plus its face boxes and labels into an ARGB int array, pure Java (AWT only, headless-safe). The array
 * is premultiplied ARGB with opaque pixels, exactly the layout of JavaFX's {@code PixelFormat.getIntArgbPreInstance()},
 * so the UI can show it zero-copy: {@code new PixelBuffer<>(w, h, renderer.buffer(), PixelFormat.getIntArgbPreInstance())}
 * once, then {@code pixelBuffer.updateBuffer(b -> null)} on the FX thread after each {@link #render}.
 */
public final class LiveFrameRenderer {

    private static final Font FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private final int width;
    private final int height;
    private final int[] pixels;
    private final IntBuffer buffer;
    private final BufferedImage image;
    private byte[] bgr = new byte[0];

    public LiveFrameRenderer(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB_PRE);
        this.pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        this.buffer = IntBuffer.wrap(pixels);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The ARGB pixels (row-major, {@code width * height}); the same array on every frame. */
    public int[] pixels() {
        return pixels;
    }

    /** {@link #pixels()} as an IntBuffer for a JavaFX {@code PixelBuffer}. */
    public IntBuffer buffer() {
        return buffer;
    }

    /** The pixels as a BufferedImage sharing the same array (e.g. for saving a snapshot). */
    public BufferedImage image() {
        return image;
    }

    /** Copies the BGR frame in and draws the faces and an optional status line on top. */
    public void render(Mat frameBgr, List<FaceResult> faces, String status) {
        copyFrame(frameBgr);
        drawOverlay(faces, status);
    }

    /** Copies an 8-bit BGR frame of this renderer's size into the ARGB pixels. */
    public void copyFrame(Mat frameBgr) {
        if (frameBgr.cols() != width || frameBgr.rows() != height || frameBgr.channels() != 3) {
            throw new IllegalArgumentException("expected a " + width + "x" + height + " BGR frame, got "
                    + frameBgr.cols() + "x" + frameBgr.rows() + "x" + frameBgr.channels());
        }
        int n = width * height;
        if (bgr.length != n * 3) {
            bgr = new byte[n * 3];
        }
        Mat src = frameBgr.isContinuous() ? frameBgr : frameBgr.clone();
        src.get(0, 0, bgr);
        if (src != frameBgr) {
            src.release();
        }
        bgrToArgb(bgr, pixels, n);
    }

    static void bgrToArgb(byte[] bgr, int[] argb, int pixelCount) {
        for (int i = 0, j = 0; i < pixelCount; i++, j += 3) {
            argb[i] = 0xFF000000 | (bgr[j + 2] & 0xFF) << 16 | (bgr[j + 1] & 0xFF) << 8 | (bgr[j] & 0xFF);
        }
    }

    /** Draws boxes, labels and heatmaps over whatever the pixels hold. */
    public void drawOverlay(List<FaceResult> faces, String status) {
        for (FaceResult f : faces) {
            if (f.heatmap() != null) {
                blendHeatmap(f.box(), f.heatmap());
            }
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(FONT);
            FontMetrics fm = g.getFontMetrics();
            for (FaceResult f : faces) {
                Color c = colorOf(f);
                Box b = f.box();
                g.setColor(c);
                g.setStroke(f.fallback()
                        ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f)
                        : new BasicStroke(3f));
                g.drawRect(b.x(), b.y(), Math.max(0, b.width() - 1), Math.max(0, b.height() - 1));
                drawKeypoints(g, f);
                String text = labelText(f);
                int tw = fm.stringWidth(text) + 8;
                int th = fm.getHeight() + 2;
                int ty = b.y() - th >= 0 ? b.y() - th : Math.min(height - th, b.y() + b.height());
                int tx = Math.max(0, Math.min(b.x(), width - tw));
                g.fillRect(tx, ty, tw, th);
                g.setColor(Color.BLACK);
                g.drawString(text, tx + 4, ty + fm.getAscent() + 1);
            }
            if (status != null && !status.isEmpty()) {
                int tw = fm.stringWidth(status) + 8;
                g.setColor(new Color(0, 0, 0, 160));
                g.fillRect(0, height - fm.getHeight() - 4, tw, fm.getHeight() + 4);
                g.setColor(Color.WHITE);
                g.drawString(status, 4, height - fm.getDescent() - 2);
            }
        } finally {
            g.dispose();
        }
    }

    /**
     * Eyes, nose tip and mouth as small dots: they show at a glance whether the detector sees a face the right way up
     * (and, on a masked face, that it found the mouth under the mask). The ears are left out: often off the face.
     */
    private static void drawKeypoints(Graphics2D g, FaceResult f) {
        FaceKeypoints k = f.keypoints();
        if (k == null) {
            return;
        }
        int r = Math.max(2, Math.min(5, f.box().width() / 40));
        for (FaceKeypoints.Point p : List.of(k.rightEye(), k.leftEye(), k.noseTip(), k.mouth())) {
            g.fillOval(Math.round(p.x()) - r, Math.round(p.y()) - r, 2 * r, 2 * r);
        }
    }

    static String labelText(FaceResult f) {
        String base = f.label() == null ? "?" : f.label() + String.format(Locale.ROOT, " %.0f%%", 100 * f.score());
        if (!f.confident() && f.label() != null) {
            base += " (unsure)";
        }
        return f.fallback() ? "no face found - centre: " + base : base;
    }

    static Color colorOf(FaceResult f) {
        return new Color(FaceLabelColors.rgb(f.label(), -1, f.confident()));
    }

    /** Alpha-blends a red "hot" map over the box: nearest-neighbour from the grid, opacity up to 50%. */
    private void blendHeatmap(Box box, HeatGrid h) {
        Box b = box.clamp(width, height);
        for (int y = b.y(); y < b.y() + b.height(); y++) {
            int row = Math.min(h.height() - 1, (y - box.y()) * h.height() / Math.max(1, box.height()));
            for (int x = b.x(); x < b.x() + b.width(); x++) {
                int col = Math.min(h.width() - 1, (x - box.x()) * h.width() / Math.max(1, box.width()));
                float v = Math.max(0f, Math.min(1f, h.at(row, col)));
                float a = 0.5f * v;
                int p = pixels[y * width + x];
                int r = (int) (((p >> 16) & 0xFF) * (1 - a) + 255 * a);
                int gg = (int) (((p >> 8) & 0xFF) * (1 - a) + 64 * v * a);
                int bl = (int) ((p & 0xFF) * (1 - a));
                pixels[y * width + x] = 0xFF000000 | r << 16 | gg << 8 | bl;
            }
        }
    }
}
