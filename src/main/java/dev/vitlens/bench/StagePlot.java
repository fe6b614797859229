package dev.vitlens.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the per-stage breakdown of a {@link BenchReport} with Java2D: one panel per model, one horizontal bar per
 * stage (median) with a p95 tick, on a log-scale millisecond axis (stages span four orders of magnitude).
 * {@code ReplotReport} (bench source set) redraws a plot from a saved JSON report.
 */
public final class StagePlot {
    private static final int WIDTH = 1000;
    private static final int ROW = 22;
    private static final int LABEL_W = 300;
    private static final int MARGIN = 20;
    private static final Color BAR = new Color(0x3b75af);
    private static final Color BAR_OURS = new Color(0xef8636);

    private StagePlot() {
    }

    public static void write(BenchReport report, Path png) throws IOException {
        int rowsTotal = 0;
        for (ModelResult m : report.models()) {
            rowsTotal += rows(m) + 2;
        }
        int height = MARGIN * 2 + 40 + rowsTotal * ROW + 30;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            double lo = 0.001;
            double hi = 1;
            for (ModelResult m : report.models()) {
                for (Stats s : m.stages().values()) {
                    hi = Math.max(hi, s.p95Ms());
                }
            }
            double logLo = Math.floor(Math.log10(lo));
            double logHi = Math.ceil(Math.log10(hi));
            int x0 = MARGIN + LABEL_W;
            int x1 = WIDTH - MARGIN;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString("ViTLens stage medians (bar) and p95 (tick), ms, log scale — " + report.cpu() + ", "
                    + report.cores() + " cores", MARGIN, MARGIN + 14);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int y = MARGIN + 40;
            int plotTop = y;
            for (ModelResult m : report.models()) {
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
                g.drawString(String.format(Locale.ROOT, "%s (%dx%d, %d layers, %d tokens)", m.id(), m.inputWidth(),
                        m.inputHeight(), m.layers(), m.tokens()), MARGIN, y + 15);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                y += ROW;
                for (String[] stage : TextReport.STAGES) {
                    Stats s = m.stages().get(stage[0]);
                    if (s == null) {
                        continue;
                    }
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(stage[1], MARGIN + 10, y + 15);
                    int xm = xOf(s.medianMs(), logLo, logHi, x0, x1);
                    int xp = xOf(s.p95Ms(), logLo, logHi, x0, x1);
                    g.setColor(stage[0].equals("end_to_end") || stage[0].equals("bare_ort") ? BAR_OURS : BAR);
                    g.fillRect(x0, y + 4, Math.max(1, xm - x0), ROW - 8);
                    g.setColor(Color.BLACK);
                    g.drawLine(xp, y + 3, xp, y + ROW - 3);
                    String label = BenchCommand.fmt(s.medianMs());
                    FontMetrics fm = g.getFontMetrics();
                    int lx = xm + 4;
                    if (lx + fm.stringWidth(label) > x1) {
                        lx = xm - fm.stringWidth(label) - 4;
                        g.setColor(Color.WHITE);
                    }
                    g.drawString(label, lx, y + 15);
                    y += ROW;
                }
                y += ROW;
            }
            g.setColor(new Color(0, 0, 0, 60));
            g.setStroke(new BasicStroke(1f));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (double d = logLo; d <= logHi; d++) {
                int x = xOf(Math.pow(10, d), logLo, logHi, x0, x1);
                g.setColor(new Color(0, 0, 0, 50));
                g.drawLine(x, plotTop, x, y - ROW);
                g.setColor(Color.BLACK);
                String t = d >= 0 ? String.format(Locale.ROOT, "%.0f", Math.pow(10, d))
                        : String.format(Locale.ROOT, "%." + (int) -d + "f", Math.pow(10, d));
                g.drawString(t, x - g.getFontMetrics().stringWidth(t) / 2, y - ROW + 14);
            }
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(img, "png", png.toFile());
    }

    private static int rows(ModelResult m) {
        int n = 0;
        for (String[] stage : TextReport.STAGES) {
            if (m.stages().containsKey(stage[0])) {
                n++;
            }
        }
        return n;
    }

    private static int xOf(double ms, double logLo, double logHi, int x0, int x1) {
        double v = Math.log10(Math.max(ms, Math.pow(10, logLo)));
        return (int) Math.round(x0 + (v - logLo) / (logHi - logLo) * (x1 - x0));
    }
}
