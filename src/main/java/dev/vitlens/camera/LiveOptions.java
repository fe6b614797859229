package dev.vitlens.camera;

/**
 * Tunables of the live pipeline.
 *
 * @param detector           which face detector and its settings ({@link BlazeFaceDetector} by default, or the cascades)
 * @param cropMargin         context around each face box for the classifier: the crop is a square of the box's longer
 *                           side plus this fraction of it on each side, kept inside the frame
 * @param fallbackCenterCrop classify the frame's centre crop when no face is found
 * @param fallbackFraction   centre-crop side as a fraction of the frame's shorter side
 * @param threshold          faces scoring below this are marked not confident
 * @param maxFaces           at most this many faces (largest first) are classified per frame
 * @param render             draw each frame with a {@link LiveFrameRenderer}
 * @param stopOnModelError   stop the pipeline at the first classifier failure instead of reporting it and going on
 */
public record LiveOptions(FaceFinder.Config detector, double cropMargin, boolean fallbackCenterCrop,
                          double fallbackFraction, float threshold, int maxFaces, boolean render,
                          boolean stopOnModelError) {

    public LiveOptions {
        java.util.Objects.requireNonNull(detector, "detector");
        if (cropMargin < 0 || cropMargin > 1) {
            throw new IllegalArgumentException("crop margin must be in [0, 1], got " + cropMargin);
        }
        if (fallbackFraction <= 0 || fallbackFraction > 1) {
            throw new IllegalArgumentException("fallback fraction must be in (0, 1], got " + fallbackFraction);
        }
        if (threshold < 0 || threshold > 1) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        if (maxFaces < 1) {
            throw new IllegalArgumentException("maxFaces must be >= 1, got " + maxFaces);
        }
    }

    public static LiveOptions defaults() {
        return new LiveOptions(BlazeFaceDetector.Settings.defaults(), 0.1, true, 0.7, 0.5f, 8, true, false);
    }

    public LiveOptions withDetector(FaceFinder.Config d) {
        return new LiveOptions(d, cropMargin, fallbackCenterCrop, fallbackFraction, threshold, maxFaces, render, stopOnModelError);
    }

    public LiveOptions withCropMargin(double m) {
        return new LiveOptions(detector, m, fallbackCenterCrop, fallbackFraction, threshold, maxFaces, render, stopOnModelError);
    }

    public LiveOptions withFallback(boolean on) {
        return new LiveOptions(detector, cropMargin, on, fallbackFraction, threshold, maxFaces, render, stopOnModelError);
    }

    public LiveOptions withThreshold(float t) {
        return new LiveOptions(detector, cropMargin, fallbackCenterCrop, fallbackFraction, t, maxFaces, render, stopOnModelError);
    }

    public LiveOptions withRender(boolean on) {
        return new LiveOptions(detector, cropMargin, fallbackCenterCrop, fallbackFraction, threshold, maxFaces, on, stopOnModelError);
    }

    public LiveOptions withStopOnModelError(boolean on) {
        return new LiveOptions(detector, cropMargin, fallbackCenterCrop, fallbackFraction, threshold, maxFaces, render, on);
    }
}
