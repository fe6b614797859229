package dev.vitlens.teach;

import dev.vitlens.explain.Colormap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the teaching pictures share: titles, colour mapping, colour bars, chart axes and a categorical palette. */
final class Figures {
    static final float TITLE = 15f;
    static final float LABEL = 12f;
    static final float SMALL = 10.5f;
    static final int MARGIN = 16;
    /** Height of the title band (title line and one subtitle line). */
    static final int HEADER = 50;
    /** The light band behind the selected layer in the charts. */
    static final int BAND = 0xFBE3DA;

    /** Tableau 10 and two more: distinguishable line and dot colours for classes and heads (ViT-B has 12). */
    private static final int[] PALETTE = {0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948, 0xB07AA1,
            0xFF9DA7, 0x9C755F, 0xBAB0AC, 0x17BECF, 0x3B3B3B};
    /** How many categories get their own colour. */
    static final int CATEGORIES = PALETTE.length;

    private Figures() {
    }

    static int category(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** A sketch with its {@link #header}, widened when the header would not fit. */
    static Sketch sketch(int width, int height, String title, String subtitle) {
        double need = 2 * MARGIN + Math.max(Sketch.textWidth(title, TITLE, true), Sketch.textWidth(subtitle, LABEL,
                false));
        Sketch s = new Sketch(Math.max(width, (int) Math.ceil(need)), height);
        header(s, title, subtitle);
        return s;
    }

    /** Title line and a muted subtitle (model, selection) at the top of a picture. */
    static void header(Sketch s, String title, String subtitle) {
        s.text(MARGIN, 22, title, TITLE, Sketch.TEXT, Sketch.Anchor.START, true);
        s.text(MARGIN, 40, subtitle, LABEL, Sketch.MUTED, Sketch.Anchor.START, false);
    }

    /** Colours of {@code values} mapped linearly from [lo, hi] to the colormap (clamped; NaN gets the low end). */
    static int[] colours(float[] values, Colormap map, double lo, double hi) {
        int[] rgb = new int[values.length];
        double span = hi - lo;
        for (int i = 0; i < values.length; i++) {
            double t = span > 0 ? (values[i] - lo) / span : 0.5;
            rgb[i] = map.rgb(t);
        }
        return rgb;
    }

    /** A vertical colour bar, high values on top, with the end values and an optional label to its right. */
    static void colourBar(Sketch s, int x, int y, int w, int h, Colormap map, double lo, double hi, String label) {
        int[] rgb = new int[h];
        for (int i = 0; i < h; i++) {
            rgb[i] = map.rgb(1.0 - (i + 0.5) / h);
        }
        s.cells(x, y, w, 1, h, 1, rgb);
        s.rect(x, y, w, h, Sketch.NONE, Sketch.MUTED, 1);
        s.text(x + w + 4, y + 9, format(hi), SMALL, Sketch.TEXT, Sketch.Anchor.START, false);
        s.text(x + w + 4, y + h, format(lo), SMALL, Sketch.TEXT, Sketch.Anchor.START, false);
        if (label != null && !label.isEmpty()) {
            s.text(x + w + 4, y + h / 2.0 + 4, label, SMALL, Sketch.MUTED, Sketch.Anchor.START, false);
        }
    }

    /** Width a colour bar with its labels takes. */
    static int colourBarWidth(double lo, double hi, String label) {
        double text = Math.max(Sketch.textWidth(format(hi), SMALL, false), Sketch.textWidth(format(lo), SMALL, false));
        if (label != null) {
            text = Math.max(text, Sketch.textWidth(label, SMALL, false));
        }
        return 14 + 4 + (int) Math.ceil(text) + 4;
    }

    /** Short number for labels: 3 significant digits, no exponent for ordinary sizes. */
    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1000 || a < 0.001) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        String t = String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
        return t.contains(".") ? t.replaceAll("0+$", "").replaceAll("\\.$", "") : t;
    }

    /** About {@code count} round tick values covering [lo, hi]. */
    static List<Double> ticks(double lo, double hi, int count) {
        List<Double> ticks = new ArrayList<>();
        if (!(hi > lo)) {
            ticks.add(lo);
            return ticks;
        }
        double raw = (hi - lo) / Math.max(1, count);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= raw) {
                step = m * magnitude;
                break;
            }
        }
        double first = Math.ceil(lo / step - 1e-9) * step;
        for (double t = first; t <= hi + step * 1e-9; t += step) {
            ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return ticks;
    }

    /** The smallest round number at or above {@code v} (an axis end). */
    static double niceCeil(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * magnitude >= v - 1e-12) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** A chart's plot area and data ranges: maps data to pixels and draws the frame, grid, ticks and labels. */
    record Axes(double left, double top, double width, double height, double xMin, double xMax, double yMin,
                double yMax) {
        double x(double v) {
            return left + (xMax == xMin ? 0.5 : (v - xMin) / (xMax - xMin)) * width;
        }

        double y(double v) {
            return top + height - (yMax == yMin ? 0.5 : (v - yMin) / (yMax - yMin)) * height;
        }

        /** A light band behind x = {@code at}, {@code half} wide on each side, clipped to the plot. */
        void band(Sketch s, double at, double half, int colour) {
            double x0 = Math.max(left, x(at - half));
            double x1 = Math.min(right(), x(at + half));
            if (x1 > x0) {
                s.rect(x0, top, x1 - x0, height, colour, Sketch.NONE, 0);
            }
        }

        double bottom() {
            return top + height;
        }

        double right() {
            return left + width;
        }

        /** Frame, horizontal grid lines at the y ticks, integer x ticks every {@code xStep}, and axis titles. */
        void draw(Sketch s, List<Double> xTicks, List<String> xTickLabels, List<Double> yTicks, String xTitle,
                  String yTitle) {
            for (double t : yTicks) {
                double py = y(t);
                s.line(left, py, right(), py, Sketch.GRID, 1);
                s.text(left - 5, py + 4, format(t), SMALL, Sketch.TEXT, Sketch.Anchor.END, false);
            }
            for (int i = 0; i < xTicks.size(); i++) {
                double px = x(xTicks.get(i));
                s.line(px, bottom(), px, bottom() + 4, Sketch.MUTED, 1);
                s.text(px, bottom() + 16, xTickLabels.get(i), SMALL, Sketch.TEXT, Sketch.Anchor.MIDDLE, false);
            }
            s.rect(left, top, width, height, Sketch.NONE, Sketch.MUTED, 1);
            s.text(left + width / 2, bottom() + 33, xTitle, LABEL, Sketch.TEXT, Sketch.Anchor.MIDDLE, false);
            s.verticalText(left - 42, top + height / 2, yTitle, LABEL, Sketch.TEXT);
        }
    }
}
