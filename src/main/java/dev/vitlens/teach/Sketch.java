package dev.vitlens.teach;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A picture recorded as a list of drawing operations, so one drawing gives both the PNG (Java2D, no JavaFX) and,
 * for charts, the SVG. Coordinates are pixels, y down; colours are opaque 0xRRGGBB ({@link #NONE} for no fill or
 * no stroke). Heat maps are {@link #cells} written straight into the raster (a 144-map overview stays fast).
 */
public final class Sketch {
    /** No fill / no stroke. */
    public static final int NONE = -1;
    public static final int WHITE = 0xFFFFFF;
    public static final int BLACK = 0x000000;
    public static final int TEXT = 0x222222;
    public static final int MUTED = 0x666666;
    public static final int GRID = 0xDDDDDD;
    /** The highlight of the current selection (a patch, a layer, a head), in every view. */
    public static final int SELECTION = 0xE4572E;

    public enum Anchor { START, MIDDLE, END }

    private static final String FAMILY = Font.SANS_SERIF;
    private static final FontRenderContext MEASURE = new FontRenderContext(null, true, true);

    private final int width;
    private final int height;
    private final List<Op> ops = new ArrayList<>();

    public Sketch(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("sketch size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The width {@link #text} will take, for layout. */
    public static double textWidth(String text, float size, boolean bold) {
        return font(size, bold).getStringBounds(text, MEASURE).getWidth();
    }

    public Sketch rect(double x, double y, double w, double h, int fill, int stroke, double strokeWidth) {
        ops.add(new Rect(x, y, w, h, fill, stroke, strokeWidth));
        return this;
    }

    public Sketch line(double x1, double y1, double x2, double y2, int color, double strokeWidth) {
        ops.add(new Line(x1, y1, x2, y2, color, strokeWidth, false));
        return this;
    }

    public Sketch dashed(double x1, double y1, double x2, double y2, int color, double strokeWidth) {
        ops.add(new Line(x1, y1, x2, y2, color, strokeWidth, true));
        return this;
    }

    public Sketch polyline(double[] xs, double[] ys, int color, double strokeWidth) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("polyline needs as many x as y values");
        }
        ops.add(new Polyline(xs.clone(), ys.clone(), color, strokeWidth));
        return this;
    }

    public Sketch circle(double cx, double cy, double r, int fill, int stroke, double strokeWidth) {
        ops.add(new Circle(cx, cy, r, fill, stroke, strokeWidth));
        return this;
    }

    /** Text with its baseline at {@code y}. */
    public Sketch text(double x, double y, String text, float size, int color, Anchor anchor, boolean bold) {
        ops.add(new Text(x, y, text, size, color, anchor, bold, false));
        return this;
    }

    /** Text turned 90° anticlockwise (a y-axis label), centred on (x, y). */
    public Sketch verticalText(double x, double y, String text, float size, int color) {
        ops.add(new Text(x, y, text, size, color, Anchor.MIDDLE, false, true));
        return this;
    }

    /**
     * Plain-language text wrapped to {@code maxWidth}, first baseline at {@code y}; returns the y below the last line.
     */
    public double paragraph(double x, double y, double maxWidth, String text, float size, int color) {
        double lineHeight = size * 1.35;
        for (String line : wrap(text, size, maxWidth)) {
            text(x, y, line, size, color, Anchor.START, false);
            y += lineHeight;
        }
        return y;
    }

    /** How far down {@link #paragraph} goes from its first baseline, plus a little for the descenders. */
    public static double paragraphHeight(String text, float size, double maxWidth) {
        return wrap(text, size, maxWidth).size() * size * 1.35;
    }

    /** {@code text} broken into lines no wider than {@code maxWidth}. */
    public static List<String> wrap(String text, float size, double maxWidth) {
        List<String> lines = new ArrayList<>();
        for (String para : text.split("\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : para.split(" ")) {
                String candidate = line.length() == 0 ? word : line + " " + word;
                if (line.length() > 0 && textWidth(candidate, size, false) > maxWidth) {
                    lines.add(line.toString());
                    line = new StringBuilder(word);
                } else {
                    line = new StringBuilder(candidate);
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * A block of {@code rows x cols} cells of {@code cellW x cellH} pixels at integer position (x, y), colours
     * row-major; cells outside the sketch are clipped.
     */
    public Sketch cells(int x, int y, int cellW, int cellH, int rows, int cols, int[] rgb) {
        if (rgb.length != rows * cols) {
            throw new IllegalArgumentException("cells: " + rows + "x" + cols + " needs " + rows * cols
                    + " colours, got " + rgb.length);
        }
        ops.add(new Cells(x, y, cellW, cellH, rows, cols, rgb.clone()));
        return this;
    }

    /** The picture as an opaque RGB image. */
    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] raster = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        java.util.Arrays.fill(raster, WHITE);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            // fractional glyph advances: text is as wide as textWidth measured it (and as SVG viewers draw it)
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            for (Op op : ops) {
                op.paint(g, raster, width, height);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The picture as a standalone SVG document. */
    public String toSvg() {
        StringBuilder s = new StringBuilder(4096 + ops.size() * 80);
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        for (Op op : ops) {
            op.svg(s);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** Derived fonts by size and weight: deriving one per text costs more than drawing it. */
    private static final java.util.concurrent.ConcurrentHashMap<Float, Font[]> FONTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Font font(float size, boolean bold) {
        Font[] pair = FONTS.computeIfAbsent(size, z -> new Font[] {
                new Font(FAMILY, Font.PLAIN, 1).deriveFont(z), new Font(FAMILY, Font.BOLD, 1).deriveFont(z)});
        return pair[bold ? 1 : 0];
    }

    private static Color awt(int rgb) {
        return new Color(rgb);
    }

    static String hex(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xFFFFFF);
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static String svgPaint(String attr, int rgb) {
        return " " + attr + "=\"" + (rgb == NONE ? "none" : hex(rgb)) + "\"";
    }

    private sealed interface Op permits Rect, Line, Polyline, Circle, Text, Cells {
        void paint(Graphics2D g, int[] raster, int width, int height);

        void svg(StringBuilder s);
    }

    private record Rect(double x, double y, double w, double h, int fill, int stroke, double strokeWidth) implements Op {
        @Override
        public void paint(Graphics2D g, int[] raster, int width, int height) {
            Rectangle2D r = new Rectangle2D.Double(x, y, w, h);
            if (fill != NONE) {
                g.setColor(awt(fill));
                g.fill(r);
            }
            if (stroke != NONE) {
                g.setColor(awt(stroke));
                g.setStroke(new BasicStroke((float) strokeWidth));
                g.draw(r);
            }
        }

        @Override
        public void svg(StringBuilder s) {
            s.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                    .append(num(w)).append("\" height=\"").append(num(h)).append('"').append(svgPaint("fill", fill))
                    .append(svgPaint("stroke", stroke));
            if (stroke != NONE) {
                s.append(" stroke-width=\"").append(num(strokeWidth)).append('"');
            }
            s.append("/>\n");
        }
    }

    private record Line(double x1, double y1, double x2, double y2, int color, double strokeWidth, boolean dashed)
            implements Op {
        @Override
        public void paint(Graphics2D g, int[] raster, int width, int height) {
            g.setColor(awt(color));
            g.setStroke(dashed ? new BasicStroke((float) strokeWidth, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                    10f, new float[] {4f, 3f}, 0f) : new BasicStroke((float) strokeWidth));
            g.draw(new Line2D.Double(x1, y1, x2, y2));
        }

        @Override
        public void svg(StringBuilder s) {
            s.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
                    .append(num(x2)).append("\" y2=\"").append(num(y2)).append('"').append(svgPaint("stroke", color))
                    .append(" stroke-width=\"").append(num(strokeWidth)).append('"');
            if (dashed) {
                s.append(" stroke-dasharray=\"4 3\"");
            }
            s.append("/>\n");
        }
    }

    private record Polyline(double[] xs, double[] ys, int color, double strokeWidth) implements Op {
        @Override
        public void paint(Graphics2D g, int[] raster, int width, int height) {
            if (xs.length == 0) {
                return;
            }
            Path2D.Double path = new Path2D.Double();
            path.moveTo(xs[0], ys[0]);
            for (int i = 1; i < xs.length; i++) {
                path.lineTo(xs[i], ys[i]);
            }
            g.setColor(awt(color));
            g.setStroke(new BasicStroke((float) strokeWidth, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(path);
        }

        @Override
        public void svg(StringBuilder s) {
            s.append("<polyline fill=\"none\"").append(svgPaint("stroke", color)).append(" stroke-width=\"")
                    .append(num(strokeWidth)).append("\" stroke-linejoin=\"round\" points=\"");
            for (int i = 0; i < xs.length; i++) {
                s.append(i == 0 ? "" : " ").append(num(xs[i])).append(',').append(num(ys[i]));
            }
            s.append("\"/>\n");
        }
    }

    private record Circle(double cx, double cy, double r, int fill, int stroke, double strokeWidth) implements Op {
        @Override
        public void paint(Graphics2D g, int[] raster, int width, int height) {
            Ellipse2D e = new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            if (fill != NONE) {
                g.setColor(awt(fill));
                g.fill(e);
            }
            if (stroke != NONE) {
                g.setColor(awt(stroke));
                g.setStroke(new BasicStroke((float) strokeWidth));
                g.draw(e);
            }
        }

        @Override
        public void svg(StringBuilder s) {
            s.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"")
                    .append(num(r)).append('"').append(svgPaint("fill", fill)).append(svgPaint("stroke", stroke));
            if (stroke != NONE) {
                s.append(" stroke-width=\"").append(num(strokeWidth)).append('"');
            }
            s.append("/>\n");
        }
    }

    private record Text(double x, double y, String text, float size, int color, Anchor anchor, boolean bold,
                        boolean vertical) implements Op {
        @Override
        public void paint(Graphics2D g, int[] raster, int width, int height) {
            Font f = font(size, bold);
            g.setFont(f);
            g.setColor(awt(color));
            double w = f.getStringBounds(text, g.getFontRenderContext()).getWidth();
            double shift = switch (anchor) {
                case START -> 0;
                case MIDDLE -> w / 2;
                case END -> w;
            };
            if (vertical) {
                var saved = g.getTransform();
                g.translate(x, y);
                g.rotate(-Math.PI / 2);
                g.drawString(text, (float) -shift, (float) (size * 0.35));
                g.setTransform(saved);
            } else {
                g.drawString(text, (float) (x - shift), (float) y);
            }
        }

        @Override
        public void svg(StringBuilder s) {
            String a = switch (anchor) {
                case START -> "start";
                case MIDDLE -> "middle";
                case END -> "end";
            };
            s.append("<text");
            if (vertical) {
                s.append(" transform=\"translate(").append(num(x)).append(',').append(num(y))
                        .append(") rotate(-90)\" x=\"0\" y=\"").append(num(size * 0.35)).append('"');
            } else {
                s.append(" x=\"").append(num(x)).append("\" y=\"").append(num(y)).append('"');
            }
            s.append(" font-size=\"").append(num(size)).append('"').append(svgPaint("fill", color))
                    .append(" text-anchor=\"").append(a).append('"');
            if (bold) {
                s.append(" font-weight=\"bold\"");
            }
            s.append('>').append(escape(text)).append("</text>\n");
        }
    }

    private record Cells(int x, int y, int cellW, int cellH, int rows, int cols, int[] rgb) implements Op {
        @Override
        public void paint(Graphics2D g, int[] raster, int width, int height) {
            for (int r = 0; r < rows; r++) {
                int y0 = Math.max(0, y + r * cellH);
                int y1 = Math.min(height, y + (r + 1) * cellH);
                for (int c = 0; c < cols; c++) {
                    int x0 = Math.max(0, x + c * cellW);
                    int x1 = Math.min(width, x + (c + 1) * cellW);
                    int v = rgb[r * cols + c] & 0xFFFFFF;
                    for (int py = y0; py < y1; py++) {
                        java.util.Arrays.fill(raster, py * width + x0, Math.max(py * width + x0, py * width + x1), v);
                    }
                }
            }
        }

        @Override
        public void svg(StringBuilder s) {
            // crispEdges: no hairline gaps between neighbouring cells
            s.append("<g shape-rendering=\"crispEdges\">\n");
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    s.append("<rect x=\"").append(x + c * cellW).append("\" y=\"").append(y + r * cellH)
                            .append("\" width=\"").append(cellW).append("\" height=\"").append(cellH)
                            .append("\" fill=\"").append(hex(rgb[r * cols + c])).append("\"/>\n");
                }
            }
            s.append("</g>\n");
        }
    }
}
