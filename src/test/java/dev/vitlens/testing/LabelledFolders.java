package dev.vitlens.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A tiny classifier with Fashion-MNIST-style labels and one-colour images whose top-1 can be worked out by hand, for
 * evaluation tests: TinyModels' logits are the per-channel means of the normalised pixels times fixed weights, so a
 * one-colour image's top-1 follows from its colour ({@link #expectedTop1}).
 */
public final class LabelledFolders {
    public static final List<String> LABELS = List.of("T-shirt/top", "Ankle boot", "Bag", "Sneaker");
    public static final Color ORANGE = new Color(255, 128, 0);   // label 0
    public static final Color RED = new Color(255, 0, 0);        // label 0
    public static final Color MAGENTA = new Color(255, 0, 255);  // label 1
    public static final Color VIOLET = new Color(128, 0, 255);   // label 1
    public static final Color SKY = new Color(0, 128, 255);      // label 2
    public static final Color GREEN = new Color(0, 255, 0);      // label 3

    private LabelledFolders() {
    }

    /** A 28x28 ViT-layout model folder with {@link #LABELS} as its id2label. */
    public static Path writeModel(Path dir) throws IOException {
        TinyModels.writeVitFolder(dir, 28, 7, LABELS.size(), 1, 1);
        String config = Files.readString(dir.resolve("config.json"));
        for (int i = 0; i < LABELS.size(); i++) {
            config = config.replace("\"class" + i + "\"", "\"" + LABELS.get(i) + "\"");
        }
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    /** A 28x28 PNG of one colour, creating its folder. */
    public static Path writeImage(Path file, Color colour) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 28, 28);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** The tiny model's arithmetic by hand: logit_l = sum_c ((v_c / 255 - 0.5) / 0.5) * 2 cos(1.3 l + 2.1 c). */
    public static int expectedTop1(Color c) {
        int[] rgb = {c.getRed(), c.getGreen(), c.getBlue()};
        int best = -1;
        double bestLogit = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < LABELS.size(); l++) {
            double logit = 0;
            for (int ch = 0; ch < 3; ch++) {
                logit += ((rgb[ch] / 255.0 - 0.5) / 0.5) * 2 * Math.cos(1.3 * l + 2.1 * ch);
            }
            if (logit > bestLogit) {
                bestLogit = logit;
                best = l;
            }
        }
        return best;
    }
}
