package dev.vitlens.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A "group photo" for face tests (the multi-person photos of issue 16 are not in the repository): the committed
 * astronaut portrait's head (photo 140..310 x 30..200) six times, three at 240 px and three at 200 px, on grey,
 * 800x520. {@code main} writes it to a file (for screenshots): {@code GroupPhoto /tmp/group.png}.
 */
public final class GroupPhoto {

    public static final int WIDTH = 800;
    public static final int HEIGHT = 520;

    /** One pasted head: its top-left corner and side in the photo's pixels; the face is about its middle. */
    public record Head(int x, int y, int side) {
        public double centerX() {
            return x + side / 2.0;
        }

        public double centerY() {
            return y + side / 2.0;
        }
    }

    private GroupPhoto() {
    }

    /** The portrait itself (resource {@code /dev/vitlens/camera/astronaut.png}). */
    public static BufferedImage astronaut() {
        try (InputStream in = GroupPhoto.class.getResourceAsStream("/dev/vitlens/camera/astronaut.png")) {
            if (in == null) {
                throw new IllegalStateException("test resource /dev/vitlens/camera/astronaut.png is missing");
            }
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the six heads are, largest first. */
    public static List<Head> heads() {
        List<Head> heads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int side = i < 3 ? 240 : 200;
            heads.add(new Head(15 + (i % 3) * 260, i < 3 ? 10 : 290, side));
        }
        return heads;
    }

    public static BufferedImage image() {
        BufferedImage astronaut = astronaut();
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(new Color(110, 110, 110));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        for (Head h : heads()) {
            g.drawImage(astronaut, h.x(), h.y(), h.x() + h.side(), h.y() + h.side(), 140, 30, 310, 200, null);
        }
        g.dispose();
        return img;
    }

    /** Writes the photo; the format follows the file's extension (png, jpg). */
    public static Path write(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpg" : "png";
        if (!ImageIO.write(image(), format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return file;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GroupPhoto OUTPUT.png");
            System.exit(2);
        }
        System.out.println(write(Path.of(args[0])));
    }
}
