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
 * {@link NonFaceImages}. Each BlazeFace image is run once per letterbox fill (1.0, and 0.8 and 0.6 resized from the
 * 1.0 pass's content as the detector's rescue pass does) keeping its best score,
 * so every threshold and the "rescue" variants (a second pass at a smaller fill when the first finds nothing) come
 * from the same runs. The same runs are decoded once more per threshold with the keypoint check
 * ({@link FaceGeometry.Rule#standard()}) exactly as the detector applies it (non-maximum suppression at that threshold,
 * then the check on each merged detection; the rescue pass when none passes), also split into the first half of
 * every set (even indexes, the half the rule's bounds were read from) and the second half (odd, held out).
 * {@code --second-opinion} prints only the tables of {@link SecondOpinionCurve} (the second-opinion rules by half),
 * {@code --verifier} only those of {@link VerifierCurve} (score and face-verifier probability, held-out images).
 * {@code --features} prints the quantiles of the keypoint measures ({@link FaceGeometry}) for true detections and
 * for detections on the no-face images, {@code --dump-geometry FILE} writes every merged detection as CSV.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.camera.DetectorCurve
 *      [--data ../shared/data/face-mask] [--sample 1] [--cascade-sample 8] [--no-cascades] [--features]
 *      [--dump-geometry FILE] [--second-opinion] [--verifier [--wallpapers LIST]] [--square-input]
 * </pre>
 * A measurement program (no timing): it lives with the tests until the bench source set exists.
 */
public final class DetectorCurve {

    private static final double[] FILLS = {1.0, 0.8, 0.6};
    private static final double[] THRESHOLDS = {0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9};

    private DetectorCurve() {
    }

    private static final FaceGeometry.Rule CHECK = FaceGeometry.Rule.standard();
    /** Detections from this score on feed the --features quantiles (the lowest threshold worth operating at). */
    private static final float FEATURE_MIN_SCORE = 0.5f;

    /**
     * One image: best BlazeFace score per fill (0 when nothing scored above the decoder's floor) and, per fill and
     * threshold, whether a detection passed the keypoint check.
     *
     * @param index the image's index in its set (file order, or order in its no-face group), for the half split
     */
    private record Scores(int index, double[] byFill, boolean[][] checked) {
        boolean detected(int fill, Integer rescueFill, double threshold) {
            return byFill[fill] >= threshold || rescueFill != null && byFill[rescueFill] >= threshold;
        }

        boolean detectedChecked(int fill, Integer rescueFill, int threshold) {
            return checked[fill][threshold] || rescueFill != null && checked[rescueFill][threshold];
        }
    }

    /** Keypoint measures of detections, for --features: true ones on face images, any on no-face images. */
    private record Sample(boolean face, int index, FaceGeometry geometry) {
    }

    private static final List<Sample> SAMPLES = new ArrayList<>();
    /** {@code --square-input}: every pass on the whole 128 px square, as before the input was trimmed. */
    private static boolean squareInput;

    /** The detector's defaults, on the square input when {@code --square-input} asks for it. */
    static BlazeFaceDetector.Settings baseSettings() {
        return BlazeFaceDetector.Settings.defaults().withSquareInput(squareInput);
    }
    private static java.io.PrintWriter dump;

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
        boolean features = false;
        Path dumpFile = null;
        boolean secondOpinion = false;
        boolean verifier = false;
        Path wallpapers = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--sample" -> sample = Integer.parseInt(args[++i]);
                case "--cascade-sample" -> cascadeSample = Integer.parseInt(args[++i]);
                case "--no-cascades" -> cascades = false;
                case "--features" -> features = true;
                case "--dump-geometry" -> dumpFile = Path.of(args[++i]);
                case "--second-opinion" -> secondOpinion = true;
                case "--verifier" -> verifier = true;
                case "--wallpapers" -> wallpapers = Path.of(args[++i]);
                case "--square-input" -> squareInput = true;
                default -> {
                    System.err.println("unknown argument " + args[i] + "\nusage: DetectorCurve [--data DIR]"
                            + " [--sample K] [--cascade-sample K] [--no-cascades] [--features] [--dump-geometry FILE]"
                            + " [--second-opinion] [--verifier [--wallpapers LIST]] [--square-input]");
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

        if (secondOpinion) {
            SecondOpinionCurve.run(with, without, negatives, sample);
            return;
        }
        if (verifier) {
            VerifierCurve.run(with, without, negatives, wallpapers);
            return;
        }
        if (dumpFile != null) {
            dump = new java.io.PrintWriter(Files.newBufferedWriter(dumpFile));
            dump.println("set,index,fill,rank,score,members,support,keypoint_spread,x_min,y_min,x_max,y_max,"
                    + String.join(",", FaceKeypoints.NAMES.stream().map(k -> k + "_x," + k + "_y").toList()) + ","
                    + String.join(",", FaceGeometry.NAMES));
        }
        Map<String, List<Scores>> sets = new LinkedHashMap<>();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(baseSettings().withMinScore(0.1f))) {
            sets.put("with tight", scoreFiles(d, with, sample, false, "with_tight"));
            sets.put("without tight", scoreFiles(d, without, sample, false, "without_tight"));
            sets.put("with framed", scoreFiles(d, with, sample, true, "with_framed"));
            sets.put("without framed", scoreFiles(d, without, sample, true, "without_framed"));
            for (NonFaceImages.Group g : negatives) {
                List<Scores> s = new ArrayList<>();
                for (int i = 0; i < g.images().size(); i++) {
                    s.add(score(d, g.images().get(i), i, null, "no_face_" + shortName("neg " + g.name())));
                }
                sets.put("neg " + g.name(), s);
            }
        } finally {
            if (dump != null) {
                dump.close();
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
        checkedTables(sets, negNames);
        if (features) {
            featureTable();
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

    private static List<Scores> scoreFiles(BlazeFaceDetector d, List<Path> files, int sample, boolean framed,
                                           String set) {
        List<Scores> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i += sample) {
            Mat m = read(files.get(i), framed);
            if (m != null) {
                out.add(score(d, m, i, true, set));
                m.release();
            }
        }
        return out;
    }

    /** @param face true for a face image, null for a no-face image */
    private static Scores score(BlazeFaceDetector d, Mat m, int index, Boolean face, String set) {
        double[] best = new double[FILLS.length];
        boolean[][] checked = new boolean[FILLS.length][THRESHOLDS.length];
        BlazeFaceDetector.Pass whole = null;
        for (int f = 0; f < FILLS.length; f++) {
            // The smaller fills from the fill-1.0 content, as the detector's rescue pass makes them.
            BlazeFaceDetector.Pass pass = f == 0 ? whole = d.run(m, FILLS[f]) : d.rerun(whole, FILLS[f]);
            for (DetectedFace x : d.faces(pass, d.settings().minScore(), null)) {
                best[f] = Math.max(best[f], x.score());
            }
            for (int t = 0; t < THRESHOLDS.length; t++) {
                checked[f][t] = !d.faces(pass, (float) THRESHOLDS[t], CHECK).isEmpty();
            }
            if (FILLS[f] == 0.8) {
                continue; // the operating point's fills are 1.0 and 0.6: only they feed the features
            }
            List<BlazeFaceDecoder.Detection> merged = BlazeFaceDetector.candidates(pass, FEATURE_MIN_SCORE,
                    d.settings().iouThreshold());
            for (int r = 0; r < merged.size(); r++) {
                // On a face image (one face each, mostly) the best detection is the true one.
                if (face == null || r == 0) {
                    SAMPLES.add(new Sample(face != null, index, FaceGeometry.of(merged.get(r))));
                }
            }
            if (dump != null) {
                dump(set, index, FILLS[f], pass, d.settings().iouThreshold());
            }
        }
        return new Scores(index, best, checked);
    }

    /**
     * Every merged detection from score 0.3 of one pass as CSV: its box and keypoints (model-input units), its
     * cluster (members: detections from 0.3 merged into it; support: detections from 0.1 overlapping it by IoU > 0.3;
     * keypoint spread: score-weighted RMS distance of the members' keypoints from the merged ones, in box widths) and
     * its {@link FaceGeometry}.
     */
    private static void dump(String set, int index, double fill, BlazeFaceDetector.Pass pass, double iou) {
        List<BlazeFaceDecoder.Detection> raw = BlazeFaceDecoder.decode(pass.scores8(), pass.boxes8(), pass.scores16(),
                pass.boxes16(), 0.3f);
        List<BlazeFaceDecoder.Detection> low = BlazeFaceDecoder.decode(pass.scores8(), pass.boxes8(), pass.scores16(),
                pass.boxes16(), 0.1f);
        List<BlazeFaceDecoder.Detection> remaining = new ArrayList<>(raw);
        remaining.sort(java.util.Comparator.comparingDouble(BlazeFaceDecoder.Detection::score).reversed());
        List<BlazeFaceDecoder.Detection> merged = BlazeFaceDecoder.weightedNms(raw, iou);
        for (int r = 0; remaining.size() > 0; r++) {
            // The same clusters as weightedNms, in its order.
            BlazeFaceDecoder.Detection best = remaining.get(0);
            List<BlazeFaceDecoder.Detection> members = remaining.stream().filter(x -> x == best || x.iou(best) > iou)
                    .toList();
            remaining.removeAll(members);
            BlazeFaceDecoder.Detection m = merged.get(r);
            double sum = 0;
            double weight = 0;
            for (BlazeFaceDecoder.Detection x : members) {
                for (int k = 0; k < 2 * BlazeFaceDecoder.KEYPOINTS; k++) {
                    double dk = x.keypoints()[k] - m.keypoints()[k];
                    sum += x.score() * dk * dk;
                }
                weight += x.score() * BlazeFaceDecoder.KEYPOINTS;
            }
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%s,%d,%.1f,%d,%.5f,%d,%d,%.5f", set, index,
                    fill, r, m.score(), members.size(), low.stream().filter(x -> x.iou(m) > 0.3).count(),
                    Math.sqrt(sum / weight) / m.width()));
            for (double v : new double[] {m.xMin(), m.yMin(), m.xMax(), m.yMax()}) {
                row.append(String.format(Locale.ROOT, ",%.5f", v));
            }
            for (double v : m.keypoints()) {
                row.append(String.format(Locale.ROOT, ",%.5f", v));
            }
            for (double v : FaceGeometry.of(m).values()) {
                row.append(String.format(Locale.ROOT, ",%.5f", v));
            }
            dump.println(row);
        }
    }

    /** The operating configuration's curve with the keypoint check, on all images and on each half. */
    private static void checkedTables(Map<String, List<Scores>> sets, List<String> negNames) {
        Variant v = VARIANTS.get(3);
        System.out.printf(Locale.ROOT, "%nBlazeFace %s, keypoint check (%s)%n%n", v.name(), CHECK.describe());
        StringBuilder head = new StringBuilder("| threshold | with_mask tight | without_mask tight | with_mask framed"
                + " | without_mask framed |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
        for (String n : negNames) {
            head.append(" no-face: ").append(shortName(n)).append(" |");
            rule.append("---|");
        }
        System.out.println(head.append(" no-face: all |"));
        System.out.println(rule.append("---|"));
        List<Scores> allNeg = negNames.stream().flatMap(n -> sets.get(n).stream()).toList();
        for (int t = 0; t < THRESHOLDS.length; t++) {
            int ti = t;
            Predicate<Scores> hit = s -> s.detectedChecked(v.fill(), v.rescue(), ti);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.2f |", THRESHOLDS[t]));
            for (String k : List.of("with tight", "without tight", "with framed", "without framed")) {
                row.append(' ').append(rate(sets.get(k), hit)).append(" |");
            }
            for (String n : negNames) {
                row.append(' ').append(rate(sets.get(n), hit)).append(" |");
            }
            System.out.println(row.append(' ').append(rate(allNeg, hit)).append(" |"));
        }
        System.out.printf(Locale.ROOT, "%nBy half (first = even indexes, where the check's bounds were read; second = odd,"
                + " held out), %s: without / with the keypoint check%n%n", v.name());
        System.out.println("| threshold | half | with_mask tight | without_mask tight | with_mask framed | no-face: all |");
        System.out.println("|---|---|---|---|---|---|");
        for (int t = 0; t < THRESHOLDS.length; t++) {
            int ti = t;
            double th = THRESHOLDS[t];
            for (int half = 0; half < 2; half++) {
                int h = half;
                Predicate<Scores> in = s -> s.index() % 2 == h;
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.2f | %s |", th,
                        half == 0 ? "first" : "second"));
                for (List<Scores> set : List.of(sets.get("with tight"), sets.get("without tight"),
                        sets.get("with framed"), allNeg)) {
                    List<Scores> part = set.stream().filter(in).toList();
                    row.append(' ').append(rate(part, s -> s.detected(v.fill(), v.rescue(), th))).append(" / ")
                            .append(rate(part, s -> s.detectedChecked(v.fill(), v.rescue(), ti))).append(" |");
                }
                System.out.println(row);
            }
        }
    }

    /** Quantiles of each keypoint measure on the first half, and what share of each group the check rejects. */
    private static void featureTable() {
        double[] qs = {0.0025, 0.005, 0.01, 0.05, 0.5, 0.95, 0.99, 0.995, 0.9975};
        System.out.printf(Locale.ROOT, "%nKeypoint measures of detections scoring >= %.2f at fills 1.0 and 0.6 (first half;"
                + " face images: the best detection; no-face images: every detection)%n%n", FEATURE_MIN_SCORE);
        StringBuilder head = new StringBuilder("| measure | detections |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (double q : qs) {
            head.append(String.format(Locale.ROOT, " q%.2f%% |", 100 * q));
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (int m = 0; m < FaceGeometry.NAMES.length; m++) {
            for (boolean face : new boolean[] {true, false}) {
                int mi = m;
                double[] v = SAMPLES.stream().filter(s -> s.face() == face && s.index() % 2 == 0)
                        .mapToDouble(s -> s.geometry().values()[mi]).sorted().toArray();
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s (%d) |", FaceGeometry.NAMES[m],
                        face ? "face" : "no-face", v.length));
                for (double q : qs) {
                    row.append(String.format(Locale.ROOT, " %.3f |", v.length == 0 ? Double.NaN
                            : v[(int) Math.min(v.length - 1, Math.floor(q * v.length))]));
                }
                System.out.println(row);
            }
        }
        System.out.println();
        for (int half = 0; half < 2; half++) {
            for (boolean face : new boolean[] {true, false}) {
                int h = half;
                List<Sample> part = SAMPLES.stream().filter(s -> s.face() == face && s.index() % 2 == h).toList();
                long rejected = part.stream().filter(s -> !CHECK.accepts(s.geometry())).count();
                System.out.printf(Locale.ROOT, "%s half, %s detections rejected by the keypoint check: %s%n",
                        half == 0 ? "first" : "second", face ? "true" : "no-face", fraction((int) rejected, part.size()));
            }
        }
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

    static String fraction(int k, int n) {
        return String.format(Locale.ROOT, "%.1f%% (%d/%d)", n == 0 ? 0 : 100.0 * k / n, k, n);
    }
}
