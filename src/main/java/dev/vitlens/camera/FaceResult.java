package dev.vitlens.camera;

import dev.vitlens.explain.HeatGrid;

/**
 * One classified face in a frame.
 *
 * @param box            face box in frame pixels (without the crop margin)
 * @param label          top label, or {@code null} when classification failed for this frame
 * @param score          probability of {@code label} (NaN when it failed)
 * @param fallback       {@code true} when no face was detected and this is the frame's centre crop
 * @param confident      {@code score >= threshold}
 * @param heatmap        optional explanation from a {@link FaceHeatmapProvider}, else {@code null}
 * @param detectionScore the face detector's confidence in [0, 1]; NaN for the cascades and for the fallback crop
 * @param keypoints      eyes, nose, mouth and ears from the detector, or {@code null} when it gives none
 */
public record FaceResult(Box box, String label, float score, boolean fallback, boolean confident, HeatGrid heatmap,
                         float detectionScore, FaceKeypoints keypoints) {

    /** A face without detector score or keypoints (the cascades, the fallback crop). */
    public FaceResult(Box box, String label, float score, boolean fallback, boolean confident, HeatGrid heatmap) {
        this(box, label, score, fallback, confident, heatmap, Float.NaN, null);
    }
}
