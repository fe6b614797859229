package dev.vitlens.camera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Measures face-detector recall on the face-mask data set: the fraction of images in {@code with_mask/} and
 * {@code without_mask/} where at least one face is found (the images are mostly single face crops, so a miss is a
 * detector failure). Also reports how often more than one box is found (a rough false-positive signal) and the median
 * detection time per image.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.camera.DetectorRecall [--data ../shared/data/face-mask]
 *      [--sample K] [--configs name,name,...]
 * </pre>
 * {@code --sample K} uses every K-th image (sorted by name); {@code --configs} picks rows of {@link #configs()}.
 */
public final class DetectorRecall {

    private DetectorRecall() {
    }

    /** The configurations compared in docs/face-detection.md, by row name, in table order. */
    public static Map<String, FaceDetector.Settings> configs() {
        FaceDetector.Settings textbook = new FaceDetector.Settings(List.of(Cascade.HAAR_DEFAULT), 1.1, 5, 0.1, 320, 0,
                false, 0.3, 0, 0);
        FaceDetector.Settings base = textbook.withMinNeighbors(3);
        FaceDetector.Settings padded = base.withPadFraction(0.25);
        Map<String, FaceDetector.Settings> m = new LinkedHashMap<>();
        m.put("haar_default mn5 (textbook)", textbook);
        for (Cascade c : Cascade.values()) {
            if (!c.findsEyes()) {
                m.put(c.id() + " mn3", base.withCascades(List.of(c)));
            }
        }
        m.put("haar_default mn3 equalized", base.withEqualize(true));
        m.put("haar_default mn2", base.withMinNeighbors(2));
        m.put("haar_default mn1", base.withMinNeighbors(1));
        m.put("haar_default mn3 sf1.05", base.withScaleFactor(1.05));
        m.put("haar_default mn3 upsample to 192", base.withMinDetectSide(192));
        m.put("haar_default mn3 upsample to 384", base.withMinDetectSide(384));
        m.put("haar_default mn3 pad0.25", padded);
        m.put("lbp mn3 pad0.25", padded.withCascades(List.of(Cascade.LBP)));
        m.put("default+alt2+lbp mn3 pad0.25", padded.withCascades(List.of(Cascade.HAAR_DEFAULT, Cascade.HAAR_ALT2,
                Cascade.LBP)));
        m.put("haar_default+eyes mn3 pad0.25", padded.withCascades(List.of(Cascade.HAAR_DEFAULT, Cascade.HAAR_EYE)));
        m.put("lbp+eyes mn3 pad0.25", padded.withCascades(List.of(Cascade.LBP, Cascade.HAAR_EYE)));
        m.put("lbp+eyes+eyeglasses mn3 pad0.25", padded.withCascades(List.of(Cascade.LBP, Cascade.HAAR_EYE,
                Cascade.HAAR_EYE_GLASSES)));
        m.put("default+lbp+eyes mn2 pad0.25", padded.withCascades(List.of(Cascade.HAAR_DEFAULT, Cascade.LBP,
                Cascade.HAAR_EYE)).withMinNeighbors(2));
        m.put("live preset", FaceDetector.Settings.live());
        m.put("live preset + pad0.25", FaceDetector.Settings.live().withPadFraction(0.25));
        m.put("thorough preset", FaceDetector.Settings.thorough());
        return m;
    }

    /** BlazeFace rows (--detector blazeface): the operating point and its neighbours on the threshold curve. */
    public static Map<String, FaceFinder.Config> blazeFaceConfigs() {
        BlazeFaceDetector.Settings op = BlazeFaceDetector.Settings.defaults();
        Map<String, FaceFinder.Config> m = new LinkedHashMap<>();
        BlazeFaceDetector.Settings detectorOnly = op.withVerifier(0);
        m.put("blazeface operating point (0.50 + verifier 0.90; rescue fill 0.6)", op);
        m.put("blazeface operating point on the square input", op.withSquareInput(true));
        m.put("blazeface 0.50 without verifier on the square input", detectorOnly.withSquareInput(true));
        m.put("blazeface 0.65 without verifier (session-6 default)", detectorOnly.withMinScore(0.65f));
        m.put("blazeface 0.50 rescue fill 0.6 without verifier", detectorOnly);
        m.put("blazeface 0.50 without rescue or verifier", detectorOnly.withRescueFill(0));
        m.put("blazeface 0.70 rescue fill 0.6 without verifier", detectorOnly.withMinScore(0.7f));
        m.put("blazeface 0.65 rescue fill 0.6 keypoint check", detectorOnly.withMinScore(0.65f)
                .withVerification(FaceGeometry.Rule.standard()));
        return m;
    }

    /** Recall of one configuration on one folder. */
    public record Result(int images, int withFace, int withSeveral, double medianMs) {
        public double recall() {
            return images == 0 ? 0 : (double) withFace / images;
        }

        public double severalRate() {
            return images == 0 ? 0 : (double) withSeveral / images;
        }
    }

    public static Result measure(FaceFinder detector, List<Mat> images) {
        int withFace = 0;
        int several = 0;
        double[] ms = new double[images.size()];
        for (int i = 0; i < images.size(); i++) {
            long t = System.nanoTime();
            int n = detector.find(images.get(i)).size();
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (n >= 1) {
                withFace++;
            }
            if (n >= 2) {
                several++;
            }
        }
        Arrays.sort(ms);
        return new Result(images.size(), withFace, several, ms.length == 0 ? 0 : ms[ms.length / 2]);
    }

    public static List<Mat> load(Path folder, int sample) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|bmp)"))
                    .sorted().toList();
        }
        List<Mat> images = new ArrayList<>();
        for (int i = 0; i < files.size(); i += sample) {
            Mat m = Imgcodecs.imread(files.get(i).toString(), Imgcodecs.IMREAD_COLOR);
            if (!m.empty()) {
                images.add(m);
            }
        }
        return images;
    }

    /**
     * Webcam-like frames for the speed column: 640x480 mid-grey canvases with one data-set image scaled to 200x200 in
     * the middle (a face at arm's length), 10 with and 10 without mask.
     */
    static List<Mat> liveFrames(List<Mat> with, List<Mat> without) {
        List<Mat> frames = new ArrayList<>();
        for (List<Mat> set : List.of(with, without)) {
            for (int i = 0; i < Math.min(10, set.size()); i++) {
                Mat frame = new Mat(480, 640, CvType.CV_8UC3, new Scalar(128, 128, 128));
                Mat roi = frame.submat(new Rect(220, 140, 200, 200));
                Imgproc.resize(set.get(i), roi, new Size(200, 200));
                roi.release();
                frames.add(frame);
            }
        }
        return frames;
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of("../shared/data/face-mask");
        int sample = 1;
        List<String> wanted = null;
        boolean blazeFace = false;
        boolean compareLayout = false;
        boolean compareVerifier = false;
        boolean compareInput = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--sample" -> sample = Integer.parseInt(args[++i]);
                case "--configs" -> wanted = Arrays.stream(args[++i].split(",")).map(String::trim).toList();
                case "--detector" -> blazeFace = args[++i].equals("blazeface");
                case "--compare-layout" -> compareLayout = true;
                case "--compare-verifier" -> compareVerifier = true;
                case "--compare-input" -> compareInput = true;
                default -> {
                    System.err.println("Unknown argument " + args[i]
                            + "; usage: DetectorRecall [--data DIR] [--sample K] [--configs name,...]"
                            + " [--detector cascade|blazeface] [--compare-layout] [--compare-verifier] [--compare-input]");
                    System.exit(2);
                }
            }
        }
        Path with = data.resolve("with_mask");
        Path without = data.resolve("without_mask");
        if (!Files.isDirectory(with) || !Files.isDirectory(without)) {
            System.err.println("Face-mask data not found: expected " + with + " and " + without);
            System.exit(1);
        }
        OpenCvNatives.ensureLoaded();
        List<Mat> withImages = load(with, sample);
        List<Mat> withoutImages = load(without, sample);
        System.out.printf(Locale.ROOT, "data: %s, every %d-th image: with_mask %d, without_mask %d; %d CPUs%n", data,
                sample, withImages.size(), withoutImages.size(), Runtime.getRuntime().availableProcessors());
        System.out.println();
        List<Mat> liveFrames = liveFrames(withImages, withoutImages);
        if (compareLayout) {
            compareLayouts(liveFrames);
            return;
        }
        if (compareVerifier) {
            compareVerifier(liveFrames);
            return;
        }
        if (compareInput) {
            compareInput(liveFrames);
            return;
        }
        System.out.println("| config | with_mask recall | without_mask recall | images with >=2 boxes | median ms/image"
                + " | median ms per 640x480 frame |");
        System.out.println("|---|---|---|---|---|---|");
        Map<String, FaceFinder.Config> all = new LinkedHashMap<>(blazeFace ? blazeFaceConfigs() : configs());
        List<String> names = wanted != null ? wanted : new ArrayList<>(all.keySet());
        List<String> stageRows = new ArrayList<>();
        for (String name : names) {
            FaceFinder.Config s = all.get(name);
            if (s == null) {
                System.err.println("Unknown config '" + name + "'; known: " + all.keySet());
                System.exit(2);
            }
            try (FaceFinder d = FaceFinder.open(s, System.err::println)) {
                d.find(withImages.get(0)); // warm-up: first call allocates the detector's scratch buffers
                Result a = measure(d, withImages);
                Result b = measure(d, withoutImages);
                double ms = (a.medianMs() * a.images() + b.medianMs() * b.images()) / (a.images() + b.images());
                Result live = measure(d, liveFrames);
                System.out.printf(Locale.ROOT, "| %s | %.1f%% (%d/%d) | %.1f%% (%d/%d) | %.1f%% | %.2f | %.2f |%n", name,
                        100 * a.recall(), a.withFace(), a.images(), 100 * b.recall(), b.withFace(), b.images(),
                        100.0 * (a.withSeveral() + b.withSeveral()) / (a.images() + b.images()), ms, live.medianMs());
                if (d instanceof BlazeFaceDetector blaze) {
                    stageRows.add(stageRow(name, blaze, liveFrames, STAGE_ROUNDS));
                }
            }
        }
        if (!stageRows.isEmpty()) {
            System.out.printf(Locale.ROOT, "%nBlazeFace per-stage medians on the %d 640x480 frames (x %d rounds; letterbox ="
                    + " resize and conversion into the input tensor, model = ONNX Runtime run and output copy, decode ="
                    + " scores, NMS, verification, mapping; summed over both passes when the rescue pass ran)%n%n",
                    liveFrames.size(), STAGE_ROUNDS);
            System.out.println("| config | letterbox ms | model ms | decode ms | verifier ms on frames that ran it (crops"
                    + " per frame) | whole find() ms | whole find() ms on frames with / without a verifier run | frames"
                    + " with a rescue pass |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            stageRows.forEach(System.out::println);
        }
    }

    private static final int STAGE_ROUNDS = 20;

    /**
     * The default BlazeFace settings with the graph as shipped and as {@link dev.vitlens.onnx.ChannelBlocks} rewrites
     * it, frame by frame in turn (so both see the same machine load), 5 x STAGE_ROUNDS rounds over the frames.
     */
    static void compareLayouts(List<Mat> frames) {
        BlazeFaceDetector.Settings settings = BlazeFaceDetector.Settings.defaults();
        try (BlazeFaceDetector shipped = BlazeFaceDetector.open(settings, false);
             BlazeFaceDetector blocked = BlazeFaceDetector.open(settings, true)) {
            inTurn(frames, new String[] {"as shipped", "blocked layout (ChannelBlocks)"},
                    new BlazeFaceDetector[] {shipped, blocked}, "graph");
        } catch (BlazeFaceDetector.UnavailableException e) {
            System.err.println("BlazeFace unavailable: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * The operating point (score 0.50 and the face verifier) against the detector alone at 0.65 (the operating point
     * before the verifier), frame by frame in turn as {@link #compareLayouts} does.
     */
    static void compareVerifier(List<Mat> frames) {
        BlazeFaceDetector.Settings op = BlazeFaceDetector.Settings.defaults();
        try (BlazeFaceDetector alone = BlazeFaceDetector.open(op.withVerifier(0).withMinScore(0.65f));
             BlazeFaceDetector verified = BlazeFaceDetector.open(op)) {
            inTurn(frames, new String[] {"detector alone, score 0.65", "operating point: " + op.describe()},
                    new BlazeFaceDetector[] {alone, verified}, "detector");
        } catch (BlazeFaceDetector.UnavailableException e) {
            System.err.println("BlazeFace unavailable: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * The operating point on the whole 128 px square (as before the input was trimmed) against the trimmed input
     * (the default: 128x96 for these 640x480 frames), frame by frame in turn as {@link #compareLayouts} does.
     */
    static void compareInput(List<Mat> frames) {
        BlazeFaceDetector.Settings op = BlazeFaceDetector.Settings.defaults();
        try (BlazeFaceDetector square = BlazeFaceDetector.open(op.withSquareInput(true));
             BlazeFaceDetector trimmed = BlazeFaceDetector.open(op)) {
            inTurn(frames, new String[] {"square 128x128 input", "trimmed input (default)"},
                    new BlazeFaceDetector[] {square, trimmed}, "input");
        } catch (BlazeFaceDetector.UnavailableException e) {
            System.err.println("BlazeFace unavailable: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void inTurn(List<Mat> frames, String[] names, BlazeFaceDetector[] ds, String what) {
        int n = frames.size() * STAGE_ROUNDS * 5;
        double[][][] t = new double[2][5][n];   // detector, stage (letterbox, model, decode, verifier, whole), sample
        int[] found = new int[2];
        for (BlazeFaceDetector d : ds) {
            d.find(frames.get(0));   // warm-up
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                long t0 = System.nanoTime();
                int faces = ds[k].find(frames.get(i % frames.size())).size();
                t[k][4][i] = (System.nanoTime() - t0) / 1e6;
                BlazeFaceDetector.StageTimes s = ds[k].lastStageTimes();
                t[k][0][i] = s.letterboxNanos() / 1e6;
                t[k][1][i] = s.modelNanos() / 1e6;
                t[k][2][i] = s.decodeNanos() / 1e6;
                t[k][3][i] = s.verifierNanos() / 1e6;
                found[k] += faces;
            }
        }
        System.out.printf(Locale.ROOT, "%d frames x %d rounds, in turn, medians in ms%n%n", frames.size(),
                n / frames.size());
        System.out.println("| " + what + " | letterbox | model | decode | verifier | whole find() | faces found |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int k = 0; k < 2; k++) {
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %d |%n", names[k], median(t[k][0]),
                    median(t[k][1]), median(t[k][2]), median(t[k][3]), median(t[k][4]), found[k]);
        }
        System.out.printf(Locale.ROOT, "%nmodel time ratio second / first: %.3f; whole find(): %.3f%n",
                median(t[1][1]) / median(t[0][1]), median(t[1][4]) / median(t[0][4]));
    }

    /** Where a BlazeFace find() spends its time: median of each stage over {@code rounds} passes over the frames. */
    static String stageRow(String name, BlazeFaceDetector d, List<Mat> frames, int rounds) {
        int n = frames.size() * rounds;
        double[] letterbox = new double[n];
        double[] model = new double[n];
        double[] decode = new double[n];
        double[] whole = new double[n];
        List<Double> verifyWhenAsked = new ArrayList<>();
        List<Double> wholeWhenAsked = new ArrayList<>();
        List<Double> wholeOtherwise = new ArrayList<>();
        int rescued = 0;
        long crops = 0;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            d.find(frames.get(i % frames.size()));
            whole[i] = (System.nanoTime() - t) / 1e6;
            BlazeFaceDetector.StageTimes s = d.lastStageTimes();
            letterbox[i] = s.letterboxNanos() / 1e6;
            model[i] = s.modelNanos() / 1e6;
            decode[i] = s.decodeNanos() / 1e6;
            if (s.verifiedCrops() > 0) {
                verifyWhenAsked.add(s.verifierNanos() / 1e6);
                wholeWhenAsked.add(whole[i]);
            } else {
                wholeOtherwise.add(whole[i]);
            }
            crops += s.verifiedCrops();
            rescued += s.passes() > 1 ? 1 : 0;
        }
        return String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %s (%.2f) | %.3f | %s / %s | %.1f%% |", name,
                median(letterbox), median(model), median(decode), medianOrDash(verifyWhenAsked), (double) crops / n,
                median(whole), medianOrDash(wholeWhenAsked), medianOrDash(wholeOtherwise), 100.0 * rescued / n);
    }

    private static String medianOrDash(List<Double> v) {
        return v.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f",
                median(v.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[s.length / 2];
    }
}
