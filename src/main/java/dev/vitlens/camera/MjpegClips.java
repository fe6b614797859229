package dev.vitlens.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.videoio.VideoWriter;

/** Writes MJPEG AVI clips (the one video format OpenCV's bundled build both writes and reads everywhere). */
public final class MjpegClips {

    private MjpegClips() {
    }

    /**
     * Writes {@code frameCount} frames of {@code width x height} at {@code fps}; {@code frames} returns the BGR frame
     * for each index (it is resized if its size differs, and released after writing).
     */
    public static void write(Path file, int width, int height, double fps, int frameCount, IntFunction<Mat> frames) {
        OpenCvNatives.ensureLoaded();
        if (Files.exists(file)) {
            throw new IllegalArgumentException("Refusing to overwrite existing file " + file);
        }
        VideoWriter writer = new VideoWriter(file.toString(), VideoWriter.fourcc('M', 'J', 'P', 'G'), fps,
                new Size(width, height), true);
        if (!writer.isOpened()) {
            writer.release();
            throw new IllegalStateException("OpenCV cannot write an MJPEG AVI to " + file);
        }
        try {
            Mat resized = new Mat();
            for (int i = 0; i < frameCount; i++) {
                Mat frame = frames.apply(i);
                try {
                    if (frame.cols() != width || frame.rows() != height) {
                        org.opencv.imgproc.Imgproc.resize(frame, resized, new Size(width, height));
                        writer.write(resized);
                    } else {
                        writer.write(frame);
                    }
                } finally {
                    frame.release();
                }
            }
            resized.release();
        } finally {
            writer.release();
        }
    }
}
