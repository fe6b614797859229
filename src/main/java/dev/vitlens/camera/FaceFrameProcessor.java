package dev.vitlens.camera;

import dev.vitlens.explain.HeatGrid;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

/**
 * The per-frame work of the live pipeline, on the caller's thread: detect faces, crop a square with a margin around
 * each, classify all crops in one call, optionally explain and draw. Not thread-safe (it owns the detector and the
 * render buffers).
 */
public final class FaceFrameProcessor implements AutoCloseable {

    private static final long FPS_WINDOW_NANOS = 1_000_000_000L;

    private final FaceFinder detector;
    /** Why the configured detector could not be used (the cascades stand in), else {@code null}. */
    private final String detectorNotice;
    private final FaceClassifier classifier;
    private final FaceHeatmapProvider heatmaps;
    private final LiveOptions options;
    private final ArrayDeque<Long> finishTimes = new ArrayDeque<>();
    /** Two render targets used alternately, so the UI can still show one while the next frame is drawn. */
    private final LiveFrameRenderer[] renderers = new LiveFrameRenderer[2];
    private int nextRenderer;
    private LiveFrameRenderer lastRendered;

    /**
     * @param classifier the model; {@code null} to only detect (faces then carry no label)
     * @param heatmaps   optional per-face explanation, {@code null} for none
     */
    public FaceFrameProcessor(FaceClassifier classifier, FaceHeatmapProvider heatmaps, LiveOptions options) {
        String[] notice = {null};
        this.detector = FaceFinder.open(options.detector(), n -> notice[0] = n);
        this.detectorNotice = notice[0];
        this.classifier = classifier;
        this.heatmaps = heatmaps;
        this.options = options;
    }

    /** Why the configured detector was replaced by the cascades (e.g. its model file is corrupt), else {@code null}. */
    public String detectorNotice() {
        return detectorNotice;
    }

    /** The detector in use, for logs. */
    public String detectorDescription() {
        return detector.describe();
    }

    /** The renderer that holds the most recently drawn frame, or {@code null} when rendering is off. */
    public LiveFrameRenderer lastRendered() {
        return lastRendered;
    }

    /**
     * Processes one frame (the caller keeps ownership of it).
     *
     * @param captureWaitMs how long the caller waited for this frame, reported in the timings
     */
    public FrameResult process(Frame frame, double captureWaitMs, long droppedFrames) {
        Mat bgr = frame.bgr();
        int w = bgr.cols();
        int h = bgr.rows();
        long t0 = System.nanoTime();
        String detectorError = null;
        List<DetectedFace> found;
        try {
            found = detector.find(bgr);
        } catch (RuntimeException e) {
            found = List.of(); // the centre crop below still gets classified
            detectorError = "Detector failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        if (found.size() > options.maxFaces()) {
            found = found.subList(0, options.maxFaces());
        }
        boolean fallback = false;
        // The centre crop is only worth anything with a model to classify it.
        if (found.isEmpty() && options.fallbackCenterCrop() && classifier != null) {
            found = List.of(DetectedFace.boxOnly(Box.centerSquare(w, h, options.fallbackFraction())));
            fallback = true;
        }
        long t1 = System.nanoTime();
        List<BufferedImage> crops = new ArrayList<>(found.size());
        for (DetectedFace f : found) {
            // The fallback crop is already generous; faces get a square with context, like the training crops.
            crops.add(toImage(bgr, fallback ? f.box() : faceCrop(f.box(), options.cropMargin(), w, h)));
        }
        String error = null;
        Object prepared = null;
        if (classifier instanceof FaceClassifier.Staged<?> staged && !crops.isEmpty()) {
            try {
                prepared = staged.prepare(crops);
            } catch (Exception | LinkageError e) {
                error = modelError(e);
            }
        }
        long t2 = System.nanoTime();
        List<FaceLabel> labels = null;
        if (classifier != null && !crops.isEmpty() && error == null) {
            try {
                labels = prepared != null ? inferPrepared((FaceClassifier.Staged<?>) classifier, prepared, crops.size())
                        : classifier.classify(crops);
                if (labels == null || labels.size() != crops.size()) {
                    throw new IllegalStateException("classifier returned " + (labels == null ? "null" : labels.size())
                            + " labels for " + crops.size() + " crops");
                }
            } catch (Exception | LinkageError e) {
                labels = null;
                error = modelError(e);
            }
        }
        List<HeatGrid> maps = null;
        if (heatmaps != null && labels != null) {
            try {
                maps = heatmaps.heatmaps(crops, labels);
            } catch (Exception | LinkageError e) {
                error = "Heatmap failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        if (error == null) {
            error = detectorError;
        }
        long t3 = System.nanoTime();
        List<FaceResult> faces = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            FaceLabel l = labels == null ? null : labels.get(i);
            float score = l == null ? Float.NaN : l.score();
            HeatGrid hm = maps != null && i < maps.size() ? maps.get(i) : null;
            DetectedFace d = found.get(i);
            faces.add(new FaceResult(d.box(), l == null ? null : l.label(), score, fallback,
                    l != null && score >= options.threshold(), hm, d.score(), d.keypoints()));
        }
        double fps = updateFps(System.nanoTime());
        if (options.render()) {
            LiveFrameRenderer r = renderer(w, h);
            r.render(bgr, faces, error != null ? error
                    : String.format(Locale.ROOT, "%.1f fps  %d face%s%s", fps, faces.size(), faces.size() == 1 ? "" : "s",
                    detectorNotice == null ? "" : "  (BlazeFace unavailable: cascades)"));
            lastRendered = r;
        }
        long t4 = System.nanoTime();
        StageTimings timings = new StageTimings(captureWaitMs, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3));
        return new FrameResult(frame.index(), w, h, List.copyOf(faces), timings, fps, droppedFrames,
                ms(t4 - frame.capturedNanos()), error);
    }

    @SuppressWarnings("unchecked")
    private static <P> List<FaceLabel> inferPrepared(FaceClassifier.Staged<P> staged, Object prepared, int count)
            throws Exception {
        return staged.infer((P) prepared, count);
    }

    private static String modelError(Throwable e) {
        return "Model failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private LiveFrameRenderer renderer(int w, int h) {
        LiveFrameRenderer r = renderers[nextRenderer];
        if (r == null || r.width() != w || r.height() != h) {
            r = new LiveFrameRenderer(w, h);
            renderers[nextRenderer] = r;
        }
        nextRenderer ^= 1;
        return r;
    }

    private double updateFps(long now) {
        finishTimes.addLast(now);
        while (finishTimes.size() > 2 && now - finishTimes.peekFirst() > FPS_WINDOW_NANOS) {
            finishTimes.removeFirst();
        }
        if (finishTimes.size() < 2) {
            return 0;
        }
        return (finishTimes.size() - 1) * 1e9 / (now - finishTimes.peekFirst());
    }

    /** The classifier's crop of a face: a square around the box with {@code margin} per side, kept inside the frame. */
    static Box faceCrop(Box face, double margin, int frameWidth, int frameHeight) {
        return face.squareAround(margin, frameWidth, frameHeight);
    }

    /** Copies a region of a BGR frame into an RGB BufferedImage (TYPE_3BYTE_BGR stores BGR bytes, so one bulk copy). */
    static BufferedImage toImage(Mat bgr, Box b) {
        BufferedImage img = new BufferedImage(Math.max(1, b.width()), Math.max(1, b.height()), BufferedImage.TYPE_3BYTE_BGR);
        if (b.width() == 0 || b.height() == 0) {
            return img;
        }
        byte[] target = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        Mat roi = bgr.submat(new Rect(b.x(), b.y(), b.width(), b.height()));
        try {
            if (roi.isContinuous()) {
                roi.get(0, 0, target);
            } else {
                int rowBytes = b.width() * 3;
                byte[] row = new byte[rowBytes];
                for (int y = 0; y < b.height(); y++) {
                    roi.get(y, 0, row);
                    System.arraycopy(row, 0, target, y * rowBytes, rowBytes);
                }
            }
        } finally {
            roi.release();
        }
        return img;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    @Override
    public void close() {
        detector.close();
    }
}
