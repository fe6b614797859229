package dev.vitlens.camera;

/** Milliseconds spent per pipeline stage on one frame. */
public record StageTimings(double captureWaitMs, double detectMs, double cropMs, double classifyMs, double drawMs) {

    /** Processing time, excluding the wait for the frame. */
    public double processingMs() {
        return detectMs + cropMs + classifyMs + drawMs;
    }
}
