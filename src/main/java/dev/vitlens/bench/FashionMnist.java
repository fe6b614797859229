package dev.vitlens.bench;

import dev.vitlens.imaging.RgbImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The Fashion-MNIST test set from its idx gz files (images become RGB with three equal channels, like PIL's convert). */
final class FashionMnist {
    static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    record Sample(RgbImage image, int label) {
    }

    private FashionMnist() {
    }

    static boolean available(Path dir) {
        return Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"))
                && Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    static List<Sample> testSet(Path dir, int limit) throws IOException {
        return read(dir, "t10k", limit);
    }

    /** The first {@code limit} of the 60,000 training images (few-shot measurements draw their shots here). */
    static List<Sample> trainSet(Path dir, int limit) throws IOException {
        return read(dir, "train", limit);
    }

    private static List<Sample> read(Path dir, String split, int limit) throws IOException {
        try (DataInputStream images = open(dir.resolve(split + "-images-idx3-ubyte.gz"));
             DataInputStream labels = open(dir.resolve(split + "-labels-idx1-ubyte.gz"))) {
            if (images.readInt() != 2051 || labels.readInt() != 2049) {
                throw new IOException("not idx files in " + dir);
            }
            int n = images.readInt();
            int rows = images.readInt();
            int cols = images.readInt();
            if (labels.readInt() != n) {
                throw new IOException("image and label counts differ in " + dir);
            }
            int count = Math.min(n, limit);
            List<Sample> out = new ArrayList<>(count);
            byte[] gray = new byte[rows * cols];
            for (int i = 0; i < count; i++) {
                images.readFully(gray);
                byte[] rgb = new byte[gray.length * 3];
                for (int p = 0; p < gray.length; p++) {
                    rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = gray[p];
                }
                out.add(new Sample(new RgbImage(cols, rows, rgb), labels.readUnsignedByte()));
            }
            return out;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }
}
