package dev.vitlens.camera;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Writes the face verifier's data set (models/recipes/face_verifier.py trains on it): every merged BlazeFace
 * detection from score {@value #FLOOR} in each image, both passes the detector makes (fill 1.0, then the rescue pass at
 * 0.6 from the same content), cut by {@link BlazeFaceDetector#cutFromContent} exactly as the detector will cut it.
 * <ul>
 *   <li>faces: the face-mask images, tight and framed (as {@link DetectorCurve} reads them); the best detection of
 *       each pass is a face (one face per image, mostly), the others are written with label -1 (unknown) and are
 *       used only to measure. Even file indexes are the training half, odd ones are held out;</li>
 *   <li>training non-faces: Fashion-MNIST training images (not the test images {@link NonFaceImages} measures on),
 *       random crops of the even-numbered wallpapers of the list, and synthetic images of another seed; each
 *       detection is a non-face, and two random squares per image are added as easy non-faces;</li>
 *   <li>held-out non-faces: {@link NonFaceImages#all} (what docs/face-detection.md measures false positives on; the
 *       astronaut photo never appears in training) and crops of the odd-numbered wallpapers.</li>
 * </ul>
 * Training rows also get {@value #JITTERS} extra crops, scaled and shifted a little. Output: {@code crops.u8} (N
 * crops of 32x32x3 BGR bytes) and {@code crops.csv} (one row per crop).
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.camera.VerifierCrops \
 *      --data ../shared/data/face-mask --wallpapers LIST --out DIR [--fashion-train 4000]
 * </pre>
 * LIST holds one image path per line (models/recipes/face_verifier.py --list-wallpapers writes it from Debian's
 * wallpaper packages).
 */
public final class VerifierCrops {

    static final float FLOOR = 0.3f;
    static final int JITTERS = 3;
    static final int WALLPAPER_CROPS = 40;
    static final Path FASHION_TRAIN = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    private final BlazeFaceDetector detector;
    private final OutputStream pixels;
    private final PrintWriter rows;
    private final Mat crop = new Mat();
    private final byte[] buffer = new byte[FaceVerifier.SIZE * FaceVerifier.SIZE * 3];
    private final Random jitter = new Random(1616);
    private int written;

    private VerifierCrops(BlazeFaceDetector detector, OutputStream pixels, PrintWriter rows) {
        this.detector = detector;
        this.pixels = pixels;
        this.rows = rows;
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of("../shared/data/face-mask");
        Path wallpapers = null;
        Path out = null;
        int fashionTrain = 4000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--wallpapers" -> wallpapers = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--fashion-train" -> fashionTrain = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: VerifierCrops --data DIR --wallpapers LIST --out DIR [--fashion-train N]");
                    System.exit(2);
                }
            }
        }
        if (out == null || wallpapers == null || !Files.isDirectory(data.resolve("with_mask"))) {
            System.err.println("need --out, --wallpapers and the face-mask data (" + data + ")");
            System.exit(2);
        }
        OpenCvNatives.ensureLoaded();
        Files.createDirectories(out);
        List<Path> walls = Files.readAllLines(wallpapers).stream().filter(s -> !s.isBlank()).map(Path::of).toList();
        // On the square input, as when the shipped verifier's crops were cut (session 7), so they are reproduced
        // exactly; the trimmed input finds nearly the same detections (docs/face-detection.md, "Trimmed input").
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withSquareInput(true));
             OutputStream px = new BufferedOutputStream(Files.newOutputStream(out.resolve("crops.u8")), 1 << 20);
             PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("crops.csv")))) {
            csv.println("set,split,image,pass,rank,score,label,jitter");
            VerifierCrops v = new VerifierCrops(d, px, csv);
            for (String cls : List.of("with_mask", "without_mask")) {
                List<Path> files = DetectorCurve.files(data.resolve(cls));
                for (boolean framed : new boolean[] {false, true}) {
                    String set = cls.replace("_mask", "") + (framed ? "_framed" : "_tight");
                    for (int i = 0; i < files.size(); i++) {
                        Mat m = DetectorCurve.read(files.get(i), framed);
                        if (m != null) {
                            v.image(m, set, i % 2 == 0 ? "train" : "eval", i, true, false);
                            m.release();
                        }
                    }
                    System.err.println(set + ": " + v.written + " crops so far");
                }
            }
            int index = 0;
            for (Mat m : NonFaceImages.fashionMnist(FASHION_TRAIN, fashionTrain, 224)) {
                v.image(m, "fashion_train", "train", index++, false, true);
                m.release();
            }
            index = 0;
            for (Mat m : NonFaceImages.synthetic(200, 70)) {
                v.image(m, "synthetic_train", "train", index++, false, true);
                m.release();
            }
            for (int w = 0; w < walls.size(); w++) {
                boolean train = w % 2 == 0;
                List<Mat> crops = wallpaperCrops(walls.get(w), WALLPAPER_CROPS, w);
                for (int c = 0; c < crops.size(); c++) {
                    v.image(crops.get(c), train ? "wallpaper_train" : "wallpaper_eval", train ? "train" : "eval",
                            w * WALLPAPER_CROPS + c, false, train);
                    crops.get(c).release();
                }
            }
            System.err.println("training non-faces done: " + v.written + " crops so far");
            for (NonFaceImages.Group g : NonFaceImages.all(300, 100, 100)) {
                String set = g.name().startsWith("Fashion") ? "fashion_test" : g.name().startsWith("astronaut")
                        ? "astronaut" : "synthetic_test";
                for (int i = 0; i < g.images().size(); i++) {
                    v.image(g.images().get(i), set, "eval", i, false, false);
                    g.images().get(i).release();
                }
            }
            System.err.println("done: " + v.written + " crops in " + out);
        }
    }

    /**
     * Writes one image's detections.
     *
     * @param face   a face image (best detection per pass = face) or a non-face image (every detection = non-face)
     * @param extras training row: add jittered crops, and (non-faces) random squares
     */
    private void image(Mat m, String set, String split, int index, boolean face, boolean extras) throws IOException {
        BlazeFaceDetector.Pass whole = detector.run(m, 1.0);
        passCrops(m, whole, set, split, index, 0, face, split.equals("train"));
        passCrops(m, detector.rerun(whole, 0.6), set, split, index, 1, face, split.equals("train"));
        if (!face && extras) {
            Random r = new Random(index * 31L + set.hashCode());
            for (int k = 0; k < 2; k++) {
                double side = (0.1 + 0.6 * r.nextDouble()) * Math.min(m.cols(), m.rows());
                FaceVerifier.Square s = new FaceVerifier.Square(r.nextDouble() * (m.cols() - side),
                        r.nextDouble() * (m.rows() - side), side);
                write(m, s, set + "_random", split, index, -1, -1, 0, 0, 0);
            }
        }
    }

    private void passCrops(Mat m, BlazeFaceDetector.Pass pass, String set, String split, int index, int passNo,
                           boolean face, boolean jitterToo) throws IOException {
        List<BlazeFaceDecoder.Detection> ds = BlazeFaceDetector.candidates(pass, FLOOR,
                detector.settings().iouThreshold());
        for (int rank = 0; rank < ds.size(); rank++) {
            BlazeFaceDecoder.Detection d = ds.get(rank);
            int label = face ? (rank == 0 ? 1 : -1) : 0;
            write(m, FaceVerifier.Square.around(d, pass.letterbox()), set, split, index, passNo, rank, d.score(),
                    label, 0);
            if (jitterToo && label >= 0) {
                for (int j = 1; j <= JITTERS; j++) {
                    double scale = 0.85 + 0.3 * jitter.nextDouble();
                    double sx = (jitter.nextDouble() - 0.5) * 0.12;
                    double sy = (jitter.nextDouble() - 0.5) * 0.12;
                    write(m, FaceVerifier.Square.around(d, pass.letterbox(), FaceVerifier.CONTEXT, scale, sx, sy), set,
                            split, index, passNo, rank, d.score(), label, j);
                }
            }
        }
    }

    private void write(Mat m, FaceVerifier.Square s, String set, String split, int index, int pass, int rank,
                       float score, int label, int jitterNo) throws IOException {
        detector.cutFromContent(s, crop);
        crop.get(0, 0, buffer);
        pixels.write(buffer);
        rows.printf(Locale.ROOT, "%s,%s,%d,%d,%d,%.5f,%d,%d%n", set, split, index, pass, rank, score, label, jitterNo);
        written++;
    }

    /** Random crops (8% to all of the shorter side, aspect 1 to 4:3) of a wallpaper, each fitted into 320 px. */
    static List<Mat> wallpaperCrops(Path file, int count, int seed) {
        Mat full = Imgcodecs.imread(file.toString(), Imgcodecs.IMREAD_COLOR);
        List<Mat> out = new ArrayList<>();
        if (full.empty()) {
            System.err.println("note: cannot read " + file + "; skipped");
            full.release();
            return out;
        }
        Random r = new Random(seed);
        int shorter = Math.min(full.cols(), full.rows());
        for (int i = 0; i < count; i++) {
            int h = (int) Math.max(16, (0.08 + 0.92 * r.nextDouble()) * shorter);
            int w = (int) Math.min(full.cols(), h * (1 + r.nextDouble() / 3));
            int x = r.nextInt(full.cols() - w + 1);
            int y = r.nextInt(full.rows() - h + 1);
            Mat part = full.submat(new Rect(x, y, w, h));
            double k = 320.0 / Math.max(w, h);
            Mat scaled = new Mat();
            Imgproc.resize(part, scaled, new Size(Math.max(1, Math.round(w * k)), Math.max(1, Math.round(h * k))), 0, 0,
                    k < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
            part.release();
            out.add(scaled);
        }
        full.release();
        return out;
    }
}
