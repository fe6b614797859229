import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Icon tool for the installers, run as a single-file program ({@code java installer/tools/Icons.java ...})
 * so it needs nothing but the JDK that jpackage already requires, on every OS.
 *
 * <ul>
 *   <li>{@code draw <out.png>}: draws the ViTLens icon (a 4x4 grid of image patches under a lens
 *       whose glass shows an attention-style heat spot), 256x256.</li>
 *   <li>{@code convert <in.png> <out.ico> <out.icns>}: derives the Windows and macOS icon files
 *       from a PNG. Both formats may embed PNG data (ICO since Vista, ICNS types ic07..ic10), so
 *       no image library beyond ImageIO is needed.</li>
 * </ul>
 */
public final class Icons {

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("draw")) {
            ImageIO.write(draw(256), "png", Path.of(args[1]).toFile());
        } else if (args.length == 4 && args[0].equals("convert")) {
            BufferedImage source = ImageIO.read(Path.of(args[1]).toFile());
            if (source == null) {
                throw new IOException("Not a readable image: " + args[1]);
            }
            Files.write(Path.of(args[2]), ico(source));
            Files.write(Path.of(args[3]), icns(source));
        } else {
            System.err.println("usage: Icons draw <out.png> | Icons convert <in.png> <out.ico> <out.icns>");
            System.exit(2);
        }
    }

    static BufferedImage draw(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        double s = size / 256.0;

        // Rounded tile background.
        g.setPaint(new GradientPaint(0, 0, new Color(0x1E2A4A), size, size, new Color(0x0F1629)));
        g.fill(new RoundRectangle2D.Double(8 * s, 8 * s, 240 * s, 240 * s, 56 * s, 56 * s));

        // 4x4 patch grid: the image cut into patches, as a ViT sees it.
        Color[] palette = {new Color(0x3B5BA9), new Color(0x4C73C7), new Color(0x2F4A8A), new Color(0x5A86D9)};
        double origin = 36 * s, cell = 46 * s, gap = 4 * s;
        for (int row = 0; row < 4; row++) {
            for (int col = 0; col < 4; col++) {
                g.setColor(palette[(row * 3 + col) % palette.length]);
                g.fill(new RoundRectangle2D.Double(origin + col * cell + gap / 2, origin + row * cell + gap / 2,
                        cell - gap, cell - gap, 8 * s, 8 * s));
            }
        }

        // Lens: glass with a warm heat spot (attention rollout), a ring, and a handle.
        double cx = 116 * s, cy = 112 * s, r = 58 * s;
        Ellipse2D glass = new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
        g.setColor(new Color(255, 255, 255, 60));
        g.fill(glass);
        g.setClip(glass);
        for (int i = 12; i >= 1; i--) {
            double hr = r * i / 12.0 * 0.85;
            float t = i / 12f;
            g.setColor(new Color(1f, 0.25f + 0.6f * (1 - t), 0.1f, 0.10f + 0.08f * (1 - t)));
            g.fill(new Ellipse2D.Double(cx + 8 * s - hr, cy - 6 * s - hr, 2 * hr, 2 * hr));
        }
        g.setClip(null);
        g.setColor(new Color(0xF2F4F8));
        g.setStroke(new BasicStroke((float) (12 * s)));
        g.draw(glass);
        g.setStroke(new BasicStroke((float) (22 * s), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        double d = r / Math.sqrt(2);
        g.draw(new Line2D.Double(cx + d + 8 * s, cy + d + 8 * s, 212 * s, 208 * s));
        g.dispose();
        return image;
    }

    static byte[] png(BufferedImage source, int size) throws IOException {
        BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(source, 0, 0, size, size, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(scaled, "png", out);
        return out.toByteArray();
    }

    /** ICO with PNG-compressed entries (little-endian directory; width/height byte 0 means 256). */
    static byte[] ico(BufferedImage source) throws IOException {
        int[] sizes = {16, 24, 32, 48, 64, 128, 256};
        List<byte[]> images = new ArrayList<>();
        for (int size : sizes) {
            images.add(png(source, size));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writeLe16(bytes, 0);
        writeLe16(bytes, 1);
        writeLe16(bytes, sizes.length);
        int offset = 6 + 16 * sizes.length;
        for (int i = 0; i < sizes.length; i++) {
            bytes.write(sizes[i] >= 256 ? 0 : sizes[i]);
            bytes.write(sizes[i] >= 256 ? 0 : sizes[i]);
            bytes.write(0);
            bytes.write(0);
            writeLe16(bytes, 1);
            writeLe16(bytes, 32);
            writeLe32(bytes, images.get(i).length);
            writeLe32(bytes, offset);
            offset += images.get(i).length;
        }
        for (byte[] image : images) {
            bytes.write(image);
        }
        return bytes.toByteArray();
    }

    /** ICNS with PNG entries: ic07 (128), ic08 (256), ic09 (512); big-endian lengths include headers. */
    static byte[] icns(BufferedImage source) throws IOException {
        String[] types = {"ic07", "ic08", "ic09"};
        int[] sizes = {128, 256, 512};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        for (int i = 0; i < types.length; i++) {
            byte[] image = png(source, sizes[i]);
            out.writeBytes(types[i]);
            out.writeInt(image.length + 8);
            out.write(image);
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(file);
        header.writeBytes("icns");
        header.writeInt(body.size() + 8);
        header.write(body.toByteArray());
        return file.toByteArray();
    }

    private static void writeLe16(ByteArrayOutputStream out, int value) {
        out.write(value & 0xFF);
        out.write((value >>> 8) & 0xFF);
    }

    private static void writeLe32(ByteArrayOutputStream out, int value) {
        writeLe16(out, value & 0xFFFF);
        writeLe16(out, value >>> 16);
    }
}
