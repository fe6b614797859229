package dev.vitlens.camera;

import dev.vitlens.explain.HeatGrid;

/**
 * One classified face in a frame.
 *
 * @param box       face box in frame pixels (without the crop margin)
 * @param label     top label, or {@code null} when classification failed for this frame
 * @param score     probability of {@code label} (NaN when it failed)
 * @param fallback  {@code true} when no face was detected and this is the frame's centre crop
 * @param confident {@code score >= threshold}
 * @param heatmap   optional explanation from a {@link FaceHeatmapProvider}, else {@code null}
 */
public record FaceResult(Box box, String label, float score, boolean fallback, boolean confident, HeatGrid heatmap) {
}
