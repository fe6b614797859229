// Draws assets/icons/vitlens.png: java assets/icons/MakeIcon.java assets/icons/vitlens.png
import java.awt.*;
import java.awt.geom.*;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

public class MakeIcon {
    public static void main(String[] a) throws Exception {
        int s = 256;
        BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(0x24, 0x29, 0x4f), s, s, new Color(0x0d, 0x11, 0x17)));
        g.fill(new RoundRectangle2D.Double(8, 8, s - 16, s - 16, 56, 56));
        // 4x4 patch grid coloured like an attention heatmap (viridis-ish), brightest near the centre-left.
        Color[] ramp = {new Color(0x44, 0x01, 0x54), new Color(0x3b, 0x52, 0x8b), new Color(0x21, 0x90, 0x8d),
                new Color(0x5d, 0xc8, 0x63), new Color(0xfd, 0xe7, 0x25)};
        double[][] heat = {{0.1, 0.2, 0.3, 0.1}, {0.3, 0.9, 0.7, 0.2}, {0.2, 1.0, 0.6, 0.3}, {0.1, 0.4, 0.2, 0.1}};
        int grid = 152, x0 = 40, y0 = 40, cell = grid / 4;
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                int idx = (int) Math.round(heat[r][c] * (ramp.length - 1));
                g.setColor(ramp[idx]);
                g.fill(new RoundRectangle2D.Double(x0 + c * cell + 3, y0 + r * cell + 3, cell - 6, cell - 6, 8, 8));
            }
        }
        // The lens: a ring over the grid with a handle.
        g.setStroke(new BasicStroke(16, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(new Color(255, 255, 255, 235));
        g.draw(new Ellipse2D.Double(84, 84, 104, 104));
        g.draw(new Line2D.Double(176, 176, 220, 220));
        g.dispose();
        ImageIO.write(img, "png", new File(a[0]));
    }
}
