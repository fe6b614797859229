package dev.vitlens.camera;

/**
 * Where live frames come from: a camera, an MJPEG clip played as a virtual camera, or a folder of images.
 * A source is used from one thread at a time (the capture thread). After {@link #close()} it may be opened again.
 */
public interface FrameSource extends AutoCloseable {

    /** Opens the source; fails fast with a specific {@link FrameSourceException.Kind}. Opening an open source is a no-op. */
    void open() throws FrameSourceException;

    /**
     * Blocks until the next frame is due and returns it. Cameras return what the driver delivers; clips and folders
     * are paced at their own rate. Throws {@code END_OF_STREAM} at the end of a non-looping clip, {@code DISCONNECTED}
     * when a camera stops delivering.
     */
    Frame read() throws FrameSourceException;

    boolean isOpen();

    /**
     * A live source (a camera, a clip played as a virtual camera) delivers at its own pace whether or not the frames
     * are taken, so the pipeline keeps only the newest and drops stale ones. A source that is not live (a folder of
     * images) waits for the pipeline instead, so every frame is processed exactly once.
     */
    default boolean isLive() {
        return true;
    }

    /** Human-readable description, e.g. {@code camera 0 (640x480 requested)}. */
    String describe();

    /** Releases the device or file; safe to call more than once. */
    @Override
    void close();
}
