package dev.vitlens.camera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Recall / false-positive curve of BlazeFace by score threshold, next to the cascade presets (one point each: they
 * have no score). Recall is measured on the face-mask images as they are ("tight": mostly face crops) and "framed"
 * (each image scaled to 200x200 on a grey 640x480 canvas, a face at arm's length from a webcam); false positives on
 * {@link NonFaceImages}. Each BlazeFace image is run once per letterbox fill (1.0, 0.8, 0.6) keeping its best score,
 * so every threshold and the "rescue" variants (a second pass at a smaller fill when the first finds nothing) come
 * from the same runs.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.camera.DetectorCurve
 *      [--data ../shared/data/face-mask] [--sample 1] [--cascade-sample 8] [--no-cascades]
 * </pre>
 * A measurement program (no timing): it lives with the tests until the bench source set exists.
 */
public final class DetectorCurve {

    private static final double[] FILLS = {1.0, 0.8, 0.6};
    private static final double[] THRESHOLDS = {0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9};

    private DetectorCurve() {
    }

    /** Best BlazeFace score per fill for one image (0 when nothing scored above the decoder's floor). */
    private record Scores(double[] byFill) {
        boolean detected(int fill, Integer rescueFill, double threshold) {
            return byFill[fill] >= threshold || rescueFill != null && byFill[rescueFill] >= threshold;
        }
    }

    /** A BlazeFace variant: main fill and optional rescue fill (indexes into {@link #FILLS}). */
    private record Variant(String name, int fill, Integer rescue) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("fill 1.0", 0, null),
            new Variant("fill 0.8", 1, null),
            new Variant("fill 0.6", 2, null),
            new Variant("fill 1.0, rescue 0.6", 0, 2),
            new Variant("fill 1.0, rescue 0.8", 0, 1));

    public static void main(String[] args) throws Exception {
        Path data = Path.of("../shared/data/face-mask");
        int sample = 1;
        int cascadeSample = 8;
        boolean cascades = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--sample" -> sample = Integer.parseInt(args[++i]);
                case "--cascade-sample" -> cascadeSample = Integer.parseInt(args[++i]);
                case "--no-cascades" -> cascades = false;
                default -> {
                    System.err.println("unknown argument " + args[i] + "\nusage: DetectorCurve [--data DIR]"
                            + " [--sample K] [--cascade-sample K] [--no-cascades]");
                    System.exit(2);
                }
            }
        }
        if (!Files.isDirectory(data.resolve("with_mask")) || !Files.isDirectory(data.resolve("without_mask"))) {
            System.err.println("Face-mask data not found in " + data);
            System.exit(1);
        }
        OpenCvNatives.ensureLoaded();
        List<Path> with = files(data.resolve("with_mask"));
        List<Path> without = files(data.resolve("without_mask"));
        List<NonFaceImages.Group> negatives = NonFaceImages.all(300, 100, 100);
        System.out.printf(Locale.ROOT, "data %s: with_mask %d, without_mask %d images (every %d-th); negatives:%n", data,
                (with.size() + sample - 1) / sample, (without.size() + sample - 1) / sample, sample);
        negatives.forEach(g -> System.out.printf(Locale.ROOT, "  %d %s%n", g.images().size(), g.name()));

        Map<String, List<Scores>> sets = new LinkedHashMap<>();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withMinScore(0.1f))) {
            sets.put("with tight", scoreFiles(d, with, sample, false));
            sets.put("without tight", scoreFiles(d, without, sample, false));
            sets.put("with framed", scoreFiles(d, with, sample, true));
            sets.put("without framed", scoreFiles(d, without, sample, true));
            for (NonFaceImages.Group g : negatives) {
                List<Scores> s = new ArrayList<>();
                for (Mat m : g.images()) {
                    s.add(score(d, m));
                }
                sets.put("neg " + g.name(), s);
            }
        }
        List<String> negNames = sets.keySet().stream().filter(k -> k.startsWith("neg ")).toList();
        for (Variant v : VARIANTS) {
            System.out.printf(Locale.ROOT, "%nBlazeFace %s%n%n", v.name());
            StringBuilder head = new StringBuilder("| threshold | with_mask tight | without_mask tight | with_mask framed"
                    + " | without_mask framed |");
            StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
            for (String n : negNames) {
                head.append(" no-face: ").append(shortName(n)).append(" |");
                rule.append("---|");
            }
            head.append(" no-face: all |");
            rule.append("---|");
            System.out.println(head);
            System.out.println(rule);
            for (double t : THRESHOLDS) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.2f |", t));
                for (String k : List.of("with tight", "without tight", "with framed", "without framed")) {
                    row.append(' ').append(rate(sets.get(k), s -> s.detected(v.fill(), v.rescue(), t))).append(" |");
                }
                List<Scores> allNeg = new ArrayList<>();
                for (String n : negNames) {
                    allNeg.addAll(sets.get(n));
                    row.append(' ').append(rate(sets.get(n), s -> s.detected(v.fill(), v.rescue(), t))).append(" |");
                }
                row.append(' ').append(rate(allNeg, s -> s.detected(v.fill(), v.rescue(), t))).append(" |");
                System.out.println(row);
            }
        }
        if (cascades) {
            System.out.printf(Locale.ROOT, "%nCascades (every %d-th face-mask image; all negatives)%n%n", cascadeSample);
            System.out.println("| preset | with_mask tight | without_mask tight | with_mask framed | without_mask framed"
                    + " | no-face: all |");
            System.out.println("|---|---|---|---|---|---|");
            for (Map.Entry<String, FaceDetector.Settings> c : Map.of("live preset", FaceDetector.Settings.live(),
                    "thorough preset", FaceDetector.Settings.thorough()).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).toList()) {
                try (FaceDetector d = new FaceDetector(c.getValue())) {
                    List<Mat> neg = negatives.stream().flatMap(g -> g.images().stream()).toList();
                    int fp = 0;
                    for (Mat m : neg) {
                        fp += d.detect(m).isEmpty() ? 0 : 1;
                    }
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", c.getKey(),
                            cascadeRate(d, with, cascadeSample, false), cascadeRate(d, without, cascadeSample, false),
                            cascadeRate(d, with, cascadeSample, true), cascadeRate(d, without, cascadeSample, true),
                            fraction(fp, neg.size()));
                }
            }
        }
    }

    private static String shortName(String negKey) {
        String n = negKey.substring(4);
        return n.startsWith("Fashion") ? "Fashion-MNIST" : n.startsWith("astronaut") ? "photo crops" : "synthetic";
    }

    static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|bmp)"))
                    .sorted().toList();
        }
    }

    private static List<Scores> scoreFiles(BlazeFaceDetector d, List<Path> files, int sample, boolean framed) {
        List<Scores> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i += sample) {
            Mat m = read(files.get(i), framed);
            if (m != null) {
                out.add(score(d, m));
                m.release();
            }
        }
        return out;
    }

    private static Scores score(BlazeFaceDetector d, Mat m) {
        double[] best = new double[FILLS.length];
        for (int f = 0; f < FILLS.length; f++) {
            for (DetectedFace face : d.detect(m, FILLS[f])) {
                best[f] = Math.max(best[f], face.score());
            }
        }
        return new Scores(best);
    }

    /** The image, or (framed) the image scaled to 200x200 on a mid-grey 640x480 canvas; {@code null} if unreadable. */
    static Mat read(Path file, boolean framed) {
        Mat m = Imgcodecs.imread(file.toString(), Imgcodecs.IMREAD_COLOR);
        if (m.empty()) {
            m.release();
            return null;
        }
        if (!framed) {
            return m;
        }
        Mat frame = new Mat(480, 640, CvType.CV_8UC3, new Scalar(128, 128, 128));
        Mat roi = frame.submat(new Rect(220, 140, 200, 200));
        Imgproc.resize(m, roi, new Size(200, 200), 0, 0, Imgproc.INTER_AREA);
        roi.release();
        m.release();
        return frame;
    }

    private static String cascadeRate(FaceDetector d, List<Path> files, int sample, boolean framed) {
        int n = 0;
        int hit = 0;
        for (int i = 0; i < files.size(); i += sample) {
            Mat m = read(files.get(i), framed);
            if (m != null) {
                n++;
                hit += d.detect(m).isEmpty() ? 0 : 1;
                m.release();
            }
        }
        return fraction(hit, n);
    }

    private static String rate(List<Scores> s, Predicate<Scores> detected) {
        return fraction((int) s.stream().filter(detected).count(), s.size());
    }

    private static String fraction(int k, int n) {
        return String.format(Locale.ROOT, "%.1f%% (%d/%d)", n == 0 ? 0 : 100.0 * k / n, k, n);
    }
}
