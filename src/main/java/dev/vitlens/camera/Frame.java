package dev.vitlens.camera;

import org.opencv.core.Mat;

/**
 * One captured frame: 8-bit BGR pixels in an OpenCV {@link Mat}. The frame owns the Mat's native memory; close it
 * when done (frames dropped by the latest-frame-wins handoff are closed there).
 *
 * @param index         0-based position in the source's stream (a looping clip keeps counting)
 * @param capturedNanos {@link System#nanoTime()} when the source delivered it
 * @param bgr           the pixels, CV_8UC3
 */
public record Frame(long index, long capturedNanos, Mat bgr) implements AutoCloseable {

    public int width() {
        return bgr.cols();
    }

    public int height() {
        return bgr.rows();
    }

    @Override
    public void close() {
        bgr.release();
    }
}
