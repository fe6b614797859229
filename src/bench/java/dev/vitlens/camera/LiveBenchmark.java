package dev.vitlens.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import java.util.concurrent.TimeUnit;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * End-to-end live benchmark: plays a generated 640x480 MJPEG clip as a virtual camera (paced at {@code --fps}, default
 * 30) through capture, detection, crop, classification and drawing, and prints the achieved FPS, frames dropped by
 * latest-frame-wins, and per-stage medians and 95th percentiles. The first 10 frames are warm-up and not counted.
 *
 * <pre>
 * java -cp ... dev.vitlens.camera.LiveBenchmark [--image src/test/resources/dev/vitlens/camera/astronaut.png]
 *      [--frames 300] [--fps 30]
 * </pre>
 * Without {@code --model} the classify stage is skipped and the numbers are detection-only. Detector overrides:
 * {@code --cascades lbp,haar_eye --pad 0.25 --min-face 0.2 --min-neighbors 3 --detect-width 320}.
 */
public final class LiveBenchmark {

    private static final int WARMUP_FRAMES = 10;

    private LiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // ONNX Runtime's first initialisation overflows the default 1 MB thread stack: run on a 16 MB one.
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                benchmark(args);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "vitlens-live-bench", LivePipeline.THREAD_STACK_BYTES);
        t.start();
        t.join();
        if (failure[0] != null) {
            System.err.println("LiveBenchmark failed: " + failure[0]);
            System.exit(1);
        }
    }

    private static void benchmark(String[] args) throws Exception {
        Path image = Path.of("src/test/resources/dev/vitlens/camera/astronaut.png");
        int frames = 300;
        double fps = 30;
        String model = null;
        Device device = Device.CPU;
        FaceDetector.Settings detector = FaceDetector.Settings.live();
        boolean blazeFace = true; // the live default; the cascade options below apply with --detector cascade
        int threads = 0;          // the classifier's intra-op threads; 0 = the live default (1)
        int valImages = 0;        // > 0: a clip of this many validation face images instead of one --image
        Path data = Path.of("../shared/data/face-mask");
        Path split = Path.of("models/deit-mask/split.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--image" -> image = Path.of(args[++i]);
                case "--frames" -> frames = Integer.parseInt(args[++i]);
                case "--fps" -> fps = Double.parseDouble(args[++i]);
                case "--model" -> model = args[++i];
                case "--detector" -> blazeFace = args[++i].equals("blazeface");
                case "--device" -> device = Device.parse(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--val-clip" -> valImages = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--split" -> split = Path.of(args[++i]);
                case "--cascades" -> detector = detector.withCascades(
                        Arrays.stream(args[++i].split(",")).map(Cascade::fromId).toList());
                case "--pad" -> detector = detector.withPadFraction(Double.parseDouble(args[++i]));
                case "--min-face" -> detector = detector.withMinFaceFraction(Double.parseDouble(args[++i]));
                case "--min-neighbors" -> detector = detector.withMinNeighbors(Integer.parseInt(args[++i]));
                case "--detect-width" -> detector = detector.withDetectWidth(Integer.parseInt(args[++i]));
                case "--eye-width" -> detector = detector.withEyeDetectWidth(Integer.parseInt(args[++i]));
                case "--cv-threads" -> {
                    OpenCvNatives.ensureLoaded();
                    org.opencv.core.Core.setNumThreads(Integer.parseInt(args[++i]));
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + "\nusage: LiveBenchmark [--image FILE]"
                            + " [--frames N] [--fps F] [--model ID|DIR] [--device cpu|auto|cuda] [--threads N]"
                            + " [--val-clip N [--data DIR] [--split FILE]]"
                            + " [--detector blazeface|cascade]"
                            + " [--cascades lbp,haar_eye] [--pad F] [--min-face F] [--min-neighbors N]"
                            + " [--detect-width W] [--eye-width W] [--cv-threads N]");
                    System.exit(2);
                }
            }
        }
        LiveOptions options = LiveOptions.defaults().withDetector(blazeFace ? BlazeFaceDetector.Settings.defaults()
                : detector);
        System.out.println("detector: " + options.detector().describe());
        if (model == null) {
            if (run(image, frames, fps, null, options) == null) {
                System.exit(1);
            }
            return;
        }
        ModelInfo info = ModelCatalog.standard().resolve(model).require();
        ValidationClip valClip = null;
        if (valImages > 0) {
            valClip = ValidationClip.load(data, split, valImages);
            frames = Math.max(frames, valClip.frameCount());
        }
        RunnerOptions runner = threads > 0 ? RunnerOptions.on(device).withThreads(threads, 1)
                : ModelFaceClassifier.liveOptions(device);
        try (ModelFaceClassifier classifier = ModelFaceClassifier.open(info, runner)) {
            System.out.println("model: " + info.id() + " (" + info.dir() + ") on " + classifier.runner().device().id()
                    + ", " + runner.intraOpThreads() + " intra-op thread(s)");
            LiveStats stats = valClip == null ? run(image, frames, fps, classifier, options)
                    : run(valClip, frames, fps, classifier, options);
            if (stats == null) {
                System.exit(1);
            }
        }
    }

    /**
     * Runs one pass and prints the report.
     *
     * @param classifier the model, or {@code null} for detection only
     * @return the collected statistics, or {@code null} when the image could not be read
     */
    public static LiveStats run(Path image, int frames, double fps, FaceClassifier classifier, LiveOptions options)
            throws Exception {
        OpenCvNatives.ensureLoaded();
        Mat face = Imgcodecs.imread(image.toString(), Imgcodecs.IMREAD_COLOR);
        if (face.empty()) {
            System.err.println("Cannot read image " + image.toAbsolutePath());
            return null;
        }
        Path dir = Files.createTempDirectory("vitlens-live-bench");
        Path clip = dir.resolve("bench-640x480.avi");
        Mat base = frameWithFace(face);
        MjpegClips.write(clip, 640, 480, fps, 150, i -> {
            Mat m = base.clone();
            Imgproc.putText(m, "frame " + i, new Point(10, 470), Imgproc.FONT_HERSHEY_SIMPLEX, 0.8,
                    new Scalar(255, 255, 255), 2);
            return m;
        });
        base.release();
        try {
            return play(clip, image.getFileName().toString(), frames, fps, classifier, options, null);
        } finally {
            Files.deleteIfExists(clip);
            Files.deleteIfExists(dir);
        }
    }

    /** Plays a clip of validation face images, each held for {@link ValidationClip#HOLD_FRAMES} frames. */
    static LiveStats run(ValidationClip valClip, int frames, double fps, FaceClassifier classifier, LiveOptions options)
            throws Exception {
        OpenCvNatives.ensureLoaded();
        Path dir = Files.createTempDirectory("vitlens-live-bench");
        Path clip = dir.resolve("val-640x480.avi");
        try {
            valClip.write(clip, fps);
            return play(clip, valClip.describe(), frames, fps, classifier, options, valClip);
        } finally {
            Files.deleteIfExists(clip);
            Files.deleteIfExists(dir);
        }
    }

    private static LiveStats play(Path clip, String clipName, int frames, double fps, FaceClassifier classifier,
                                  LiveOptions options, ValidationClip truth) throws Exception {
        System.out.printf(Locale.ROOT, "Live benchmark: %s; 640x480 MJPEG clip from %s played at %.0f fps (loop);"
                + " %d frames after %d warm-up; %d CPUs%n", classifier == null ? "detection only, no classifier"
                : "with classifier", clipName, fps, frames, WARMUP_FRAMES,
                Runtime.getRuntime().availableProcessors());
        System.out.println("detector: " + options.detector().describe());
        LiveStats stats = new LiveStats();
        ValidationClip.Score score = truth == null ? null : truth.new Score();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] cpu = new long[4]; // processing-thread CPU ns and process CPU ns, at the start and the end of the window
        try {
            LivePipeline[] holder = new LivePipeline[1];
            int[] seen = new int[1];
            LivePipeline p = new LivePipeline(new VideoFileSource(clip, true, true), classifier, null, options,
                    (result, rendered) -> {
                        if (seen[0] == WARMUP_FRAMES) {
                            cpu[0] = threads.getCurrentThreadCpuTime();
                            cpu[1] = processCpuNanos();
                        }
                        if (++seen[0] > WARMUP_FRAMES) {
                            stats.add(result);
                            if (score != null) {
                                score.add(result);
                            }
                            if (stats.frames() == frames) {
                                cpu[2] = threads.getCurrentThreadCpuTime();
                                cpu[3] = processCpuNanos();
                            }
                            if (stats.frames() == frames) {
                                holder[0].stop();
                            }
                        }
                    });
            holder[0] = p;
            p.start();
            if (!p.awaitStopped(30, TimeUnit.MINUTES)) {
                p.stop();
            }
            if (p.stopCause() != null) {
                System.out.println("stopped early: " + p.stopCause().getMessage());
            }
        } finally {
            Files.deleteIfExists(clip);
        }
        System.out.println(stats.headline());
        if (score != null) {
            System.out.println(score.summary());
        }
        System.out.print(stats.table());
        System.out.printf(Locale.ROOT, "processing capacity (1000 / median processing ms): %.1f FPS%n",
                1000 / stats.percentile("processing", 0.5));
        if (cpu[2] > 0) {
            double threadMs = (cpu[2] - cpu[0]) / 1e6 / stats.frames();
            System.out.printf(Locale.ROOT, "CPU time per processed frame: processing thread %.2f ms (excludes OpenCV worker"
                    + " threads unless --cv-threads 1), whole process %.2f ms (includes decoding every clip frame);"
                    + " capacity on an otherwise idle core = 1000 / processing-thread CPU ms = %.1f FPS%n", threadMs,
                    (cpu[3] - cpu[1]) / 1e6 / stats.frames(), 1000 / threadMs);
        }
        rendererCost();
        return stats;
    }

    /** Times the renderer alone on a 640x480 frame: the BGR to ARGB copy, and the overlay with two labelled faces. */
    static void rendererCost() {
        Mat frame = new Mat(480, 640, org.opencv.core.CvType.CV_8UC3, new Scalar(90, 120, 150));
        LiveFrameRenderer r = new LiveFrameRenderer(640, 480);
        java.util.List<FaceResult> faces = java.util.List.of(
                new FaceResult(new Box(100, 100, 160, 160), "with_mask", 0.97f, false, true, null),
                new FaceResult(new Box(380, 120, 150, 150), "without_mask", 0.88f, false, true, null));
        int n = 500;
        double[] copy = new double[n];
        double[] overlay = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            r.copyFrame(frame);
            long t1 = System.nanoTime();
            r.drawOverlay(faces, "30.0 fps  2 faces");
            long t2 = System.nanoTime();
            copy[i] = (t1 - t0) / 1e6;
            overlay[i] = (t2 - t1) / 1e6;
        }
        frame.release();
        // The first half is JIT warm-up.
        double[] c = java.util.Arrays.copyOfRange(copy, n / 2, n);
        double[] o = java.util.Arrays.copyOfRange(overlay, n / 2, n);
        java.util.Arrays.sort(c);
        java.util.Arrays.sort(o);
        System.out.printf(Locale.ROOT, "renderer alone, 640x480, %d frames after %d warm-up: BGR->ARGB copy median %.3f ms"
                + " (p95 %.3f), overlay of 2 labelled boxes median %.3f ms (p95 %.3f)%n", n / 2, n / 2,
                c[c.length / 2], c[(int) (c.length * 0.95)], o[o.length / 2], o[(int) (o.length * 0.95)]);
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /**
     * The image scaled to cover 640x480 and cropped (centred horizontally, top-aligned so a portrait keeps its face):
     * the astronaut's face ends up about 125 px wide, a face at arm's length from a webcam.
     */
    static Mat frameWithFace(Mat image) {
        double scale = Math.max(640.0 / image.cols(), 480.0 / image.rows());
        Mat scaled = new Mat();
        Imgproc.resize(image, scaled, new Size(Math.ceil(image.cols() * scale), Math.ceil(image.rows() * scale)), 0, 0,
                scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
        Mat frame = scaled.submat(new Rect((scaled.cols() - 640) / 2, 0, 640, 480)).clone();
        scaled.release();
        return frame;
    }
}
