package dev.vitlens.camera;

/**
 * One face a {@link FaceFinder} found.
 *
 * @param box       in frame pixels, clamped to the frame
 * @param score     the detector's confidence in [0, 1], or NaN for a detector without scores (the cascades)
 * @param keypoints eyes, nose, mouth and ears in frame pixels, or {@code null} when the detector gives none
 */
public record DetectedFace(Box box, float score, FaceKeypoints keypoints) {

    /** A box from a detector without scores or keypoints. */
    public static DetectedFace boxOnly(Box box) {
        return new DetectedFace(box, Float.NaN, null);
    }
}
