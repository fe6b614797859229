package dev.vitlens.camera;

/**
 * One face a {@link FaceFinder} found.
 *
 * @param box           in frame pixels, clamped to the frame
 * @param score         the detector's confidence in [0, 1], or NaN for a detector without scores (the cascades)
 * @param keypoints     eyes, nose, mouth and ears in frame pixels, or {@code null} when the detector gives none
 * @param verifierScore the face verifier's probability that this is a face, or NaN when it was not asked (verifier
 *                      off, a detection scoring from {@link FaceVerifier#TRUSTED_SCORE}, or the cascades)
 */
public record DetectedFace(Box box, float score, FaceKeypoints keypoints, float verifierScore) {

    public DetectedFace(Box box, float score, FaceKeypoints keypoints) {
        this(box, score, keypoints, Float.NaN);
    }

    /** A box from a detector without scores or keypoints. */
    public static DetectedFace boxOnly(Box box) {
        return new DetectedFace(box, Float.NaN, null);
    }

    public DetectedFace withVerifierScore(float p) {
        return new DetectedFace(box, score, keypoints, p);
    }
}
