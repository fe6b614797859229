package dev.vitlens.camera;

import java.util.List;

/**
 * What the pipeline found on one frame.
 *
 * @param frameIndex    the frame's index in its source
 * @param width         frame width
 * @param height        frame height
 * @param faces         detected faces (or one fallback entry), largest first
 * @param timings       per-stage milliseconds
 * @param fps           processed frames per second over the last second or so
 * @param droppedFrames frames the source delivered that were replaced by a newer one before being processed (total)
 * @param latencyMs     from capture to the end of processing
 * @param error         a per-frame failure (e.g. the model threw), else {@code null}
 */
public record FrameResult(long frameIndex, int width, int height, List<FaceResult> faces, StageTimings timings,
                          double fps, long droppedFrames, double latencyMs, String error) {
}
