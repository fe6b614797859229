package dev.vitlens.bench;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.output.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** The PNG each model is benchmarked on: a sample shipped with the model, else a deterministic synthetic photo. */
final class BenchImages {
    static final int SYNTHETIC_WIDTH = 320;
    static final int SYNTHETIC_HEIGHT = 240;

    private BenchImages() {
    }

    static Path forModel(ModelInfo info, Path workDir) throws IOException {
        // Bundled models list samples relative to the repository (models/<id>/../../assets/...), others relative
        // to their folder; try both, then the working directory.
        Path dir = info.dir().toAbsolutePath();
        Path repo = dir.getParent() != null && dir.getParent().getParent() != null ? dir.getParent().getParent() : dir;
        for (String sample : info.meta().samples()) {
            if (!sample.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
                continue;
            }
            for (Path base : new Path[] {dir, repo, Path.of("").toAbsolutePath()}) {
                Path candidate = base.resolve(sample).normalize();
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        return synthetic(workDir);
    }

    /**
     * A 320x240 RGB PNG (smooth gradients plus seeded noise, so it neither compresses to nothing nor is pure
     * noise), written once into the cache.
     */
    static Path synthetic(Path workDir) throws IOException {
        Path file = workDir.resolve("synthetic-" + SYNTHETIC_WIDTH + "x" + SYNTHETIC_HEIGHT + ".png");
        if (Files.isRegularFile(file)) {
            return file;
        }
        BufferedImage img = new BufferedImage(SYNTHETIC_WIDTH, SYNTHETIC_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < SYNTHETIC_HEIGHT; y++) {
            for (int x = 0; x < SYNTHETIC_WIDTH; x++) {
                int r = clamp(x * 255 / SYNTHETIC_WIDTH + random.nextInt(31) - 15);
                int g = clamp(y * 255 / SYNTHETIC_HEIGHT + random.nextInt(31) - 15);
                int b = clamp(128 + (int) (100 * Math.sin((x + y) / 17.0)) + random.nextInt(31) - 15);
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
        return file;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
