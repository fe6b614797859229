package dev.vitlens.faces;

import dev.vitlens.camera.Box;
import dev.vitlens.camera.FaceKeypoints;
import dev.vitlens.engine.Prediction;
import dev.vitlens.imaging.RgbImage;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One face found in a photo and classified, everything in the photo's pixels.
 *
 * @param box           the detector's face box, clamped to the photo
 * @param detectorScore the detector's confidence in [0, 1], or NaN for a detector without scores (the cascades)
 * @param verifierScore the face verifier's probability for this face, or NaN when it was not asked (off, a detection
 *                      the detector is sure of, or the cascades)
 * @param keypoints     eyes, nose, mouth and ears, or null when the detector gives none
 * @param cropBox       the square the classifier saw: the box's longer side plus the crop margin on each side, kept
 *                      inside the photo
 * @param crop          the pixels of {@code cropBox}, as the classifier got them (an explanation runs on these)
 * @param top           the classifier's top labels for {@code crop}, best first
 */
public record PhotoFace(Box box, float detectorScore, float verifierScore, FaceKeypoints keypoints, Box cropBox,
                        RgbImage crop, List<Prediction> top) {

    public PhotoFace {
        Objects.requireNonNull(box);
        Objects.requireNonNull(cropBox);
        Objects.requireNonNull(crop);
        top = List.copyOf(top);
    }

    /** Whether the detector gives a confidence (BlazeFace does, the cascades do not). */
    public boolean hasDetectorScore() {
        return !Float.isNaN(detectorScore);
    }

    /**
     * Why the face was kept, in one line ({@code "detector 0.68, verifier 0.99"}; {@code "detector 0.91"} when the
     * verifier was not asked), or empty for a detector without scores.
     */
    public String scores() {
        if (!hasDetectorScore()) {
            return "";
        }
        String detector = String.format(Locale.ROOT, "detector %.2f", detectorScore);
        return Float.isNaN(verifierScore) ? detector
                : detector + String.format(Locale.ROOT, ", verifier %.2f", verifierScore);
    }

    /** The best label, or null when the classifier gave none. */
    public Prediction best() {
        return top.isEmpty() ? null : top.get(0);
    }
}
