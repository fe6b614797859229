import java.awt.Graphics2D;
import java.awt.RenderingHints;
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
 *   <li>{@code convert <in.png> <out.ico> <out.icns>}: derives the Windows and macOS icon files
 *       from a PNG. Both formats may embed PNG data (ICO since Vista, ICNS types ic07..ic10), so
 *       no image library beyond ImageIO is needed.</li>
 * </ul>
 */
public final class Icons {

    public static void main(String[] args) throws IOException {
        if (args.length == 4 && args[0].equals("convert")) {
            BufferedImage source = ImageIO.read(Path.of(args[1]).toFile());
            if (source == null) {
                throw new IOException("Not a readable image: " + args[1]);
            }
            Files.write(Path.of(args[2]), ico(source));
            Files.write(Path.of(args[3]), icns(source));
        } else {
            System.err.println("usage: Icons convert <in.png> <out.ico> <out.icns>");
            System.exit(2);
        }
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
