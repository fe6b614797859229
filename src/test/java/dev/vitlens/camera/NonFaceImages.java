package dev.vitlens.camera;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Images without faces, for false-positive rates (none ship with the face-mask data): Fashion-MNIST test images
 * upscaled, crops of the astronaut photo away from her face, and synthetic noise, gradients and shapes. Seeded, so
 * every run measures the same set.
 */
final class NonFaceImages {

    /** Debian's dataset-fashion-mnist. */
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");

    /** A named group of images. */
    record Group(String name, List<Mat> images) {
    }

    private NonFaceImages() {
    }

    /** All groups; Fashion-MNIST is left out (with a note on stderr) when the Debian package is not installed. */
    static List<Group> all(int fashion, int crops, int synthetic) throws IOException {
        List<Group> groups = new ArrayList<>();
        if (Files.isRegularFile(FASHION_MNIST)) {
            groups.add(new Group("Fashion-MNIST test images 0.." + (fashion - 1) + ", 28 px upscaled to 224 px (bicubic)",
                    fashionMnist(FASHION_MNIST, fashion, 224)));
        } else {
            System.err.println("note: " + FASHION_MNIST + " not found (apt install dataset-fashion-mnist); skipped");
        }
        groups.add(new Group("astronaut.png crops away from the face (64-256 px, scaled to 224)", astronautCrops(crops)));
        groups.add(new Group("synthetic 640x480: noise, blurred noise, gradients, shapes", synthetic(synthetic, 7)));
        return groups;
    }

    /** The first {@code count} images of a Fashion-MNIST image file, upscaled to {@code size} px (bicubic), as BGR. */
    static List<Mat> fashionMnist(Path file, int count, int size) throws IOException {
        List<Mat> out = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            byte[] header = in.readNBytes(16);
            int magic = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            if (magic != 2051) {
                throw new IOException("not a Fashion-MNIST image file: " + file);
            }
            for (int i = 0; i < count; i++) {
                byte[] px = in.readNBytes(28 * 28);
                if (px.length < 28 * 28) {
                    break;
                }
                Mat gray = new Mat(28, 28, CvType.CV_8UC1);
                gray.put(0, 0, px);
                Mat big = new Mat();
                Imgproc.resize(gray, big, new Size(size, size), 0, 0, Imgproc.INTER_CUBIC);
                Mat bgr = new Mat();
                Imgproc.cvtColor(big, bgr, Imgproc.COLOR_GRAY2BGR);
                gray.release();
                big.release();
                out.add(bgr);
            }
        }
        return out;
    }

    /** Random squares of the photo that do not touch the face (photo pixels 140..310 x 30..230 are avoided). */
    static List<Mat> astronautCrops(int count) {
        Mat photo = TestFrames.astronaut();
        Box face = new Box(140, 30, 170, 200);
        Random rnd = new Random(16);
        List<Mat> out = new ArrayList<>();
        int attempts = 0;
        while (out.size() < count && attempts++ < 100_000) {
            int side = 64 + rnd.nextInt(193);
            int x = rnd.nextInt(512 - side + 1);
            int y = rnd.nextInt(512 - side + 1);
            if (new Box(x, y, side, side).intersectionArea(face) > 0) {
                continue;
            }
            Mat crop = photo.submat(new Rect(x, y, side, side));
            Mat scaled = new Mat();
            Imgproc.resize(crop, scaled, new Size(224, 224), 0, 0, Imgproc.INTER_LINEAR);
            crop.release();
            out.add(scaled);
        }
        photo.release();
        return out;
    }

    /** @param seed 7 for the measured set; the face verifier's training images use another */
    static List<Mat> synthetic(int count, long seed) {
        Random rnd = new Random(seed);
        List<Mat> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Mat m = new Mat(480, 640, CvType.CV_8UC3);
            switch (i % 4) {
                case 0 -> Core.randu(m, 0, 256);
                case 1 -> {
                    Core.randu(m, 0, 256);
                    int k = 2 * (2 + rnd.nextInt(12)) + 1;
                    Imgproc.GaussianBlur(m, m, new Size(k, k), 0);
                }
                case 2 -> {
                    double[] a = {rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
                    double[] b = {rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
                    boolean vertical = rnd.nextBoolean();
                    int n = vertical ? 480 : 640;
                    for (int j = 0; j < n; j++) {
                        double t = (double) j / (n - 1);
                        Scalar c = new Scalar(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2]));
                        Rect r = vertical ? new Rect(0, j, 640, 1) : new Rect(j, 0, 1, 480);
                        Imgproc.rectangle(m, r, c, -1);
                    }
                }
                default -> {
                    m.setTo(new Scalar(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)));
                    for (int s = 0; s < 12; s++) {
                        Scalar c = new Scalar(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256));
                        Point p = new Point(rnd.nextInt(640), rnd.nextInt(480));
                        if (rnd.nextBoolean()) {
                            Imgproc.circle(m, p, 10 + rnd.nextInt(80), c, -1);
                        } else {
                            Imgproc.rectangle(m, p, new Point(p.x + 20 + rnd.nextInt(150), p.y + 20 + rnd.nextInt(150)), c, -1);
                        }
                    }
                }
            }
            out.add(m);
        }
        return out;
    }
}
