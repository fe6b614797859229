package dev.vitlens.camera;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

/**
 * Finds faces with one or more OpenCV cascades. Detection runs on a grayscale copy scaled so its width is at most
 * {@link Settings#detectWidth()} (speed) and its shorter side at least {@link Settings#minDetectSide()} (small crops);
 * boxes are scaled back to frame pixels. With several cascades the boxes are merged (union, then suppression of
 * overlapping boxes). Not thread-safe: OpenCV cascades keep per-call scratch state, so use one detector per thread.
 */
public final class FaceDetector implements AutoCloseable {

    /**
     * @param cascades        cascades to run; their boxes are merged
     * @param scaleFactor     image-pyramid step of detectMultiScale (smaller finds more, slower)
     * @param minNeighbors    overlapping hits a detection needs (smaller finds more, more false positives)
     * @param minFaceFraction smallest face as a fraction of the detection image's shorter side
     * @param detectWidth     frames wider than this are downscaled to it before detection; 0 disables downscaling
     * @param minDetectSide   images whose shorter side is below this are upscaled to it; 0 disables upscaling
     * @param equalize        histogram-equalize the grayscale image first
     * @param overlapIou      boxes overlapping a larger kept box by more than this IoU are dropped
     * @param padFraction     border added on each side (fraction of the side, edge pixels replicated) so that faces
     *                        filling the whole image, as in tight crops, still fit a cascade window with context
     */
    public record Settings(List<Cascade> cascades, double scaleFactor, int minNeighbors, double minFaceFraction,
                           int detectWidth, int minDetectSide, boolean equalize, double overlapIou, double padFraction) {

        public Settings {
            cascades = List.copyOf(cascades);
            if (cascades.isEmpty()) {
                throw new IllegalArgumentException("at least one cascade is needed");
            }
            if (scaleFactor <= 1.0) {
                throw new IllegalArgumentException("scaleFactor must be > 1, got " + scaleFactor);
            }
        }

        /** The live default, chosen from the recall/speed table in docs/face-detection.md. */
        public static Settings live() {
            return new Settings(List.of(Cascade.HAAR_ALT2), 1.1, 3, 0.1, 320, 0, true, 0.3, 0);
        }

        public Settings withCascades(List<Cascade> c) {
            return new Settings(c, scaleFactor, minNeighbors, minFaceFraction, detectWidth, minDetectSide, equalize, overlapIou, padFraction);
        }

        public Settings withScaleFactor(double s) {
            return new Settings(cascades, s, minNeighbors, minFaceFraction, detectWidth, minDetectSide, equalize, overlapIou, padFraction);
        }

        public Settings withMinNeighbors(int n) {
            return new Settings(cascades, scaleFactor, n, minFaceFraction, detectWidth, minDetectSide, equalize, overlapIou, padFraction);
        }

        public Settings withMinFaceFraction(double f) {
            return new Settings(cascades, scaleFactor, minNeighbors, f, detectWidth, minDetectSide, equalize, overlapIou, padFraction);
        }

        public Settings withDetectWidth(int w) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, w, minDetectSide, equalize, overlapIou, padFraction);
        }

        public Settings withMinDetectSide(int s) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, detectWidth, s, equalize, overlapIou, padFraction);
        }

        public Settings withEqualize(boolean e) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, detectWidth, minDetectSide, e, overlapIou, padFraction);
        }

        public Settings withPadFraction(double p) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, detectWidth, minDetectSide, equalize, overlapIou, p);
        }

        public String describe() {
            return "cascades=" + cascades.stream().map(Cascade::id).toList() + " scaleFactor=" + scaleFactor
                    + " minNeighbors=" + minNeighbors + " minFace=" + minFaceFraction + " detectWidth=" + detectWidth
                    + " minDetectSide=" + minDetectSide + " equalize=" + equalize + " pad=" + padFraction;
        }
    }

    private final Settings settings;
    private final List<CascadeClassifier> classifiers = new ArrayList<>();
    private final List<CascadeClassifier> eyeClassifiers = new ArrayList<>();
    private final Mat gray = new Mat();
    private final Mat scaled = new Mat();
    private final Mat padded = new Mat();

    public FaceDetector(Settings settings) {
        OpenCvNatives.ensureLoaded();
        this.settings = settings;
        for (Cascade c : settings.cascades()) {
            CascadeClassifier cc = new CascadeClassifier();
            if (!cc.load(c.file().toString()) || cc.empty()) {
                throw new IllegalStateException("OpenCV could not load face cascade " + c.resourceName()
                        + " (extracted to " + c.file() + ")");
            }
            (c.findsEyes() ? eyeClassifiers : classifiers).add(cc);
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Faces in a BGR (or grayscale) frame, largest first, in frame pixels. */
    public List<Box> detect(Mat frame) {
        int w = frame.cols();
        int h = frame.rows();
        if (w == 0 || h == 0) {
            return List.of();
        }
        if (frame.channels() == 1) {
            frame.copyTo(gray);
        } else {
            Imgproc.cvtColor(frame, gray, frame.channels() == 4 ? Imgproc.COLOR_BGRA2GRAY : Imgproc.COLOR_BGR2GRAY);
        }
        double scale = 1.0;
        if (settings.detectWidth() > 0 && w > settings.detectWidth()) {
            scale = (double) settings.detectWidth() / w;
        }
        if (settings.minDetectSide() > 0 && Math.min(w, h) * scale < settings.minDetectSide()) {
            scale = (double) settings.minDetectSide() / Math.min(w, h);
        }
        Mat input = gray;
        if (scale != 1.0) {
            Imgproc.resize(gray, scaled, new Size(Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))),
                    0, 0, scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
            input = scaled;
        }
        if (settings.equalize()) {
            Imgproc.equalizeHist(input, input);
        }
        int minSide = Math.max(12, (int) Math.round(Math.min(input.cols(), input.rows()) * settings.minFaceFraction()));
        int padX = 0;
        int padY = 0;
        if (settings.padFraction() > 0) {
            padX = (int) Math.round(input.cols() * settings.padFraction());
            padY = (int) Math.round(input.rows() * settings.padFraction());
            Core.copyMakeBorder(input, padded, padY, padY, padX, padX, Core.BORDER_REPLICATE);
            input = padded;
        }
        List<Box> found = new ArrayList<>();
        MatOfRect hits = new MatOfRect();
        try {
            for (CascadeClassifier cc : classifiers) {
                cc.detectMultiScale(input, hits, settings.scaleFactor(), settings.minNeighbors(), 0,
                        new Size(minSide, minSide), new Size());
                for (Rect r : hits.toArray()) {
                    found.add(new Box((int) Math.round((r.x - padX) / scale), (int) Math.round((r.y - padY) / scale),
                            (int) Math.round(r.width / scale), (int) Math.round(r.height / scale)).clamp(w, h));
                }
            }
            // Eye pairs only when no face cascade fired: they rescue masked faces but cost time and add false hits.
            if (found.isEmpty()) {
                for (CascadeClassifier cc : eyeClassifiers) {
                    cc.detectMultiScale(input, hits, settings.scaleFactor(), settings.minNeighbors(), 0,
                            new Size(Math.max(8, minSide / 6), Math.max(8, minSide / 6)), new Size());
                    for (Box face : facesFromEyes(hits.toArray())) {
                        found.add(new Box((int) Math.round((face.x() - padX) / scale),
                                (int) Math.round((face.y() - padY) / scale), (int) Math.round(face.width() / scale),
                                (int) Math.round(face.height() / scale)).clamp(w, h));
                    }
                }
            }
        } finally {
            hits.release();
        }
        return suppressOverlaps(found, settings.overlapIou());
    }

    /**
     * Face boxes implied by pairs of eye detections: two eyes of similar size, side by side, with a plausible gap. In a
     * cascade-style square face box the eye centres sit about 40% of the width apart and 38% of the height down.
     */
    static List<Box> facesFromEyes(Rect[] eyes) {
        List<Box> faces = new ArrayList<>();
        for (int i = 0; i < eyes.length; i++) {
            for (int j = i + 1; j < eyes.length; j++) {
                Rect a = eyes[i].x <= eyes[j].x ? eyes[i] : eyes[j];
                Rect b = a == eyes[i] ? eyes[j] : eyes[i];
                double size = (a.width + b.width) / 2.0;
                double ax = a.x + a.width / 2.0;
                double ay = a.y + a.height / 2.0;
                double bx = b.x + b.width / 2.0;
                double by = b.y + b.height / 2.0;
                double dx = bx - ax;
                boolean similar = Math.max(a.width, b.width) <= 1.6 * Math.min(a.width, b.width);
                boolean level = Math.abs(by - ay) <= 0.5 * size;
                boolean apart = dx >= 1.2 * size && dx <= 3.5 * size;
                if (similar && level && apart) {
                    int side = (int) Math.round(dx / 0.4);
                    int cx = (int) Math.round((ax + bx) / 2);
                    int top = (int) Math.round((ay + by) / 2 - 0.38 * side);
                    faces.add(new Box(cx - side / 2, top, side, side));
                }
            }
        }
        return faces;
    }

    /**
     * Greedy suppression, largest box first: a box is dropped when it overlaps a kept one by more than {@code iou}, or
     * lies mostly (over 70%) inside it (cascades often add a second box on part of the same face).
     */
    static List<Box> suppressOverlaps(List<Box> boxes, double iou) {
        List<Box> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.comparingInt(Box::area).reversed());
        List<Box> kept = new ArrayList<>();
        for (Box b : sorted) {
            if (b.area() == 0) {
                continue;
            }
            boolean overlaps = false;
            for (Box k : kept) {
                int inter = b.intersectionArea(k);
                if (b.iou(k) > iou || inter > 0.7 * Math.min(b.area(), k.area())) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                kept.add(b);
            }
        }
        return kept;
    }

    @Override
    public void close() {
        gray.release();
        scaled.release();
        padded.release();
    }
}
