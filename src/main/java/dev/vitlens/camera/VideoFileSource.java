package dev.vitlens.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

/**
 * An MJPEG AVI clip played as a virtual camera: frames are released at the clip's native frame rate (or as fast as
 * they decode when unpaced), optionally looping. OpenCV's bundled build reads MJPEG AVI without FFmpeg codecs; XviD
 * or H.264 files do not open.
 */
public final class VideoFileSource implements FrameSource {

    /** Used when a clip does not declare a usable frame rate. */
    static final double DEFAULT_FPS = 30.0;

    private final Path file;
    private final boolean loop;
    private final boolean paced;
    private VideoCapture capture;
    private double fps;
    private int width;
    private int height;
    private long frameCount;
    private long framesRead;
    private long startNanos;

    /** A clip paced at its native frame rate. */
    public VideoFileSource(Path file, boolean loop) {
        this(file, loop, true);
    }

    /**
     * @param paced {@code true} to release frames at the clip's frame rate like a camera; {@code false} to decode as
     *              fast as possible (throughput benchmarks)
     */
    public VideoFileSource(Path file, boolean loop, boolean paced) {
        this.file = file;
        this.loop = loop;
        this.paced = paced;
    }

    @Override
    public synchronized void open() throws FrameSourceException {
        if (capture != null) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new FrameSourceException(FrameSourceException.Kind.NOT_FOUND, "Video file not found: " + file);
        }
        OpenCvNatives.ensureLoaded();
        VideoCapture vc = new VideoCapture(file.toString(), Videoio.CAP_ANY);
        if (!vc.isOpened()) {
            vc.release();
            throw new FrameSourceException(FrameSourceException.Kind.UNREADABLE,
                    "Cannot decode video " + file + " (only MJPEG AVI is supported)");
        }
        double declared = vc.get(Videoio.CAP_PROP_FPS);
        fps = declared > 0 && declared < 1000 ? declared : DEFAULT_FPS;
        width = (int) vc.get(Videoio.CAP_PROP_FRAME_WIDTH);
        height = (int) vc.get(Videoio.CAP_PROP_FRAME_HEIGHT);
        frameCount = (long) vc.get(Videoio.CAP_PROP_FRAME_COUNT);
        capture = vc;
        framesRead = 0;
        startNanos = System.nanoTime();
    }

    @Override
    public Frame read() throws FrameSourceException {
        Mat m = new Mat();
        long index;
        synchronized (this) {
            if (capture == null) {
                m.release();
                throw new FrameSourceException(FrameSourceException.Kind.NOT_OPEN, describe() + " is not open");
            }
            boolean ok = capture.read(m) && !m.empty();
            if (!ok && loop && framesRead > 0) {
                // Rewind by reopening: seeking MJPEG AVI to frame 0 is not reliable across OpenCV backends.
                capture.release();
                capture = new VideoCapture(file.toString(), Videoio.CAP_ANY);
                ok = capture.isOpened() && capture.read(m) && !m.empty();
            }
            if (!ok) {
                m.release();
                throw new FrameSourceException(FrameSourceException.Kind.END_OF_STREAM,
                        "End of video " + file.getFileName() + " after " + framesRead + " frames");
            }
            if (framesRead == 0) {
                startNanos = System.nanoTime(); // pace from the first read, not from open(): a model may load in between
            }
            index = framesRead++;
        }
        if (paced) {
            long due = startNanos + (long) (index * 1e9 / fps);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return new Frame(index, System.nanoTime(), m);
    }

    @Override
    public synchronized boolean isOpen() {
        return capture != null;
    }

    /** The clip's declared frame rate (valid once open). */
    public synchronized double fps() {
        return fps;
    }

    /** Frames the container declares (valid once open; 0 if unknown). */
    public synchronized long frameCount() {
        return frameCount;
    }

    @Override
    public synchronized String describe() {
        String base = "video " + file.getFileName();
        if (capture == null) {
            return base + (loop ? " (loop)" : "");
        }
        return base + " (" + width + "x" + height + " @ " + Math.round(fps * 100) / 100.0 + " fps, " + frameCount
                + " frames" + (loop ? ", loop" : "") + (paced ? "" : ", unpaced") + ")";
    }

    @Override
    public synchronized void close() {
        if (capture != null) {
            capture.release();
            capture = null;
        }
    }
}
