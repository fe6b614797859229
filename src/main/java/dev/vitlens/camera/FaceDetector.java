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
public final class FaceDetector implements FaceFinder {

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
     * @param eyeDetectWidth  the eye-pair stage downscales frames wider than this (0: same image as the face cascades);
     *                        eye cascades need eyes of 20 px or more, so they need more pixels than face cascades
     */
    public record Settings(List<Cascade> cascades, double scaleFactor, int minNeighbors, double minFaceFraction,
                           int detectWidth, int minDetectSide, boolean equalize, double overlapIou, double padFraction,
                           int eyeDetectWidth) implements FaceFinder.Config {

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
            return new Settings(List.of(Cascade.LBP, Cascade.HAAR_EYE), 1.1, 3, 0.15, 320, 0, false, 0.3, 0, 480);
        }

        /**
         * For images that are tight face crops (data sets, folders of portraits): more cascades and a padded border,
         * higher recall at about twice the cost. See docs/face-detection.md.
         */
        public static Settings thorough() {
            return new Settings(List.of(Cascade.HAAR_DEFAULT, Cascade.LBP, Cascade.HAAR_EYE), 1.1, 3, 0.2, 320, 0, false,
                    0.3, 0.25, 640);
        }

        public Settings withCascades(List<Cascade> c) {
            return new Settings(c, scaleFactor, minNeighbors, minFaceFraction, detectWidth, minDetectSide, equalize, overlapIou, padFraction, eyeDetectWidth);
        }

        public Settings withScaleFactor(double s) {
            return new Settings(cascades, s, minNeighbors, minFaceFraction, detectWidth, minDetectSide, equalize, overlapIou, padFraction, eyeDetectWidth);
        }

        public Settings withMinNeighbors(int n) {
            return new Settings(cascades, scaleFactor, n, minFaceFraction, detectWidth, minDetectSide, equalize, overlapIou, padFraction, eyeDetectWidth);
        }

        public Settings withMinFaceFraction(double f) {
            return new Settings(cascades, scaleFactor, minNeighbors, f, detectWidth, minDetectSide, equalize, overlapIou, padFraction, eyeDetectWidth);
        }

        public Settings withDetectWidth(int w) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, w, minDetectSide, equalize, overlapIou, padFraction, eyeDetectWidth);
        }

        public Settings withMinDetectSide(int s) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, detectWidth, s, equalize, overlapIou, padFraction, eyeDetectWidth);
        }

        public Settings withEqualize(boolean e) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, detectWidth, minDetectSide, e, overlapIou, padFraction, eyeDetectWidth);
        }

        public Settings withPadFraction(double p) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, detectWidth, minDetectSide, equalize, overlapIou, p, eyeDetectWidth);
        }

        public Settings withEyeDetectWidth(int ew) {
            return new Settings(cascades, scaleFactor, minNeighbors, minFaceFraction, detectWidth, minDetectSide, equalize,
                    overlapIou, padFraction, ew);
        }

        @Override
        public String describe() {
            return "cascades=" + cascades.stream().map(Cascade::id).toList() + " scaleFactor=" + scaleFactor
                    + " minNeighbors=" + minNeighbors + " minFace=" + minFaceFraction + " detectWidth=" + detectWidth
                    + " minDetectSide=" + minDetectSide + " equalize=" + equalize + " pad=" + padFraction
                    + (cascades.stream().anyMatch(Cascade::findsEyes) ? " eyeDetectWidth=" + eyeDetectWidth : "");
        }
    }

    private final Settings settings;
    private final List<CascadeClassifier> classifiers = new ArrayList<>();
    private final List<CascadeClassifier> eyeClassifiers = new ArrayList<>();
    private final Mat gray = new Mat();
    private final Mat scaled = new Mat();
    private final Mat padded = new Mat();
    private final Mat eyeScaled = new Mat();
    private final Mat eyePadded = new Mat();

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

    /** The cascades give boxes only: no score, no keypoints. */
    @Override
    public List<DetectedFace> find(Mat frame) {
        return detect(frame).stream().map(DetectedFace::boxOnly).toList();
    }

    @Override
    public String describe() {
        return "OpenCV cascades (" + settings.describe() + ")";
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
        List<Box> found = new ArrayList<>();
        MatOfRect hits = new MatOfRect();
        try {
            if (!classifiers.isEmpty()) {
                DetectionImage in = prepare(settings.detectWidth(), scaled, padded);
                for (CascadeClassifier cc : classifiers) {
                    cc.detectMultiScale(in.image(), hits, settings.scaleFactor(), settings.minNeighbors(), 0,
                            new Size(in.minFace(), in.minFace()), new Size());
                    for (Rect r : hits.toArray()) {
                        Box b = new Box(r.x, r.y, r.width, r.height);
                        if (in.mostlyInsideImage(b)) {
                            found.add(in.toFrame(b, w, h));
                        }
                    }
                }
            }
            // Eye pairs only when no face cascade fired: they rescue masked faces but cost time and add false hits.
            if (found.isEmpty() && !eyeClassifiers.isEmpty()) {
                int width = settings.eyeDetectWidth() > 0 ? settings.eyeDetectWidth() : settings.detectWidth();
                DetectionImage in = prepare(width, eyeScaled, eyePadded);
                // An eye is about a fifth of the face's width; eyes larger than a third of the image are no eyes.
                int minEye = Math.max(8, in.minFace() / 5);
                int maxEye = Math.max(minEye + 1, Math.min(in.image().cols(), in.image().rows()) / 3);
                for (CascadeClassifier cc : eyeClassifiers) {
                    cc.detectMultiScale(in.image(), hits, settings.scaleFactor(), settings.minNeighbors(), 0,
                            new Size(minEye, minEye), new Size(maxEye, maxEye));
                    for (Box face : facesFromEyes(hits.toArray())) {
                        if (in.mostlyInsideImage(face)) {
                            found.add(in.toFrame(face, w, h));
                        }
                    }
                }
            }
        } finally {
            hits.release();
        }
        return suppressOverlaps(found, settings.overlapIou());
    }

    /** A grayscale image ready for a cascade, and how to map its boxes back to the frame. */
    private record DetectionImage(Mat image, double scale, int padX, int padY, int minFace) {
        /** At least 60% of the box lies on the real image, not on the replicated border (which breeds false hits). */
        boolean mostlyInsideImage(Box b) {
            if (padX == 0 && padY == 0) {
                return true;
            }
            Box real = new Box(padX, padY, image.cols() - 2 * padX, image.rows() - 2 * padY);
            return b.intersectionArea(real) >= 0.6 * b.area();
        }

        Box toFrame(Box b, int frameWidth, int frameHeight) {
            return new Box((int) Math.round((b.x() - padX) / scale), (int) Math.round((b.y() - padY) / scale),
                    (int) Math.round(b.width() / scale), (int) Math.round(b.height() / scale)).clamp(frameWidth, frameHeight);
        }
    }

    /** Scales {@link #gray} (down to {@code maxWidth}, up to the minimum side), equalizes and pads it. */
    private DetectionImage prepare(int maxWidth, Mat scaledBuffer, Mat paddedBuffer) {
        int w = gray.cols();
        int h = gray.rows();
        double scale = 1.0;
        if (maxWidth > 0 && w > maxWidth) {
            scale = (double) maxWidth / w;
        }
        if (settings.minDetectSide() > 0 && Math.min(w, h) * scale < settings.minDetectSide()) {
            scale = (double) settings.minDetectSide() / Math.min(w, h);
        }
        Mat input = scaledBuffer;
        if (scale != 1.0) {
            Imgproc.resize(gray, scaledBuffer, new Size(Math.max(1, Math.round(w * scale)),
                    Math.max(1, Math.round(h * scale))), 0, 0, scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
        } else {
            gray.copyTo(scaledBuffer);
        }
        if (settings.equalize()) {
            Imgproc.equalizeHist(input, input);
        }
        int minFace = Math.max(12, (int) Math.round(Math.min(input.cols(), input.rows()) * settings.minFaceFraction()));
        int padX = 0;
        int padY = 0;
        if (settings.padFraction() > 0) {
            padX = (int) Math.round(input.cols() * settings.padFraction());
            padY = (int) Math.round(input.rows() * settings.padFraction());
            Core.copyMakeBorder(input, paddedBuffer, padY, padY, padX, padX, Core.BORDER_REPLICATE);
            input = paddedBuffer;
        }
        return new DetectionImage(input, scale, padX, padY, minFace);
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
     * lies mostly (over 70%) inside a kept box of comparable size (at most 2.5 times its area; cascades often add a
     * second box on part of the same face). A much larger box around a face is more likely a false hit than the same
     * face, so it does not hide the smaller one.
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
                boolean comparable = k.area() <= 2.5 * b.area();
                if (b.iou(k) > iou || comparable && inter > 0.7 * b.area()) {
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
        eyeScaled.release();
        eyePadded.release();
    }
}
