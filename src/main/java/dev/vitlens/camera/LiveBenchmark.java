package dev.vitlens.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.opencv.core.CvType;
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
 * Without a classifier (this entry point) the classify stage is skipped and the numbers are detection-only.
 */
public final class LiveBenchmark {

    private static final int WARMUP_FRAMES = 10;

    private LiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of("src/test/resources/dev/vitlens/camera/astronaut.png");
        int frames = 300;
        double fps = 30;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--image" -> image = Path.of(args[++i]);
                case "--frames" -> frames = Integer.parseInt(args[++i]);
                case "--fps" -> fps = Double.parseDouble(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "\nusage: LiveBenchmark [--image FILE] [--frames N] [--fps F]");
                    System.exit(2);
                }
            }
        }
        LiveStats stats = run(image, frames, fps, null, LiveOptions.defaults());
        if (stats == null) {
            System.exit(1);
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
        System.out.printf(Locale.ROOT, "Live benchmark: %s; 640x480 MJPEG clip from %s played at %.0f fps (loop);"
                + " %d frames after %d warm-up; %d CPUs%n", classifier == null ? "detection only, no classifier"
                : "with classifier", image.getFileName(), fps, frames, WARMUP_FRAMES,
                Runtime.getRuntime().availableProcessors());
        System.out.println("detector: " + options.detector().describe());
        LiveStats stats = new LiveStats();
        try {
            LivePipeline[] holder = new LivePipeline[1];
            int[] seen = new int[1];
            LivePipeline p = new LivePipeline(new VideoFileSource(clip, true, true), classifier, null, options,
                    (result, rendered) -> {
                        if (++seen[0] > WARMUP_FRAMES) {
                            stats.add(result);
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
            Files.deleteIfExists(dir);
        }
        System.out.println(stats.headline());
        System.out.print(stats.table());
        System.out.printf(Locale.ROOT, "processing capacity (1000 / median processing ms): %.1f FPS%n",
                1000 / stats.percentile("processing", 0.5));
        return stats;
    }

    /** The image scaled to 320 px high, placed in a 640x480 grey frame (a face at webcam distance). */
    static Mat frameWithFace(Mat image) {
        Mat frame = new Mat(480, 640, CvType.CV_8UC3, new Scalar(90, 90, 90));
        int h = 320;
        int w = Math.min(600, (int) Math.round(image.cols() * (double) h / image.rows()));
        Mat roi = frame.submat(new Rect((640 - w) / 2, 60, w, h));
        Imgproc.resize(image, roi, new Size(w, h));
        roi.release();
        return frame;
    }
}
