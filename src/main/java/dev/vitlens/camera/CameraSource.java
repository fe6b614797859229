package dev.vitlens.camera;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

/** A webcam through OpenCV's {@link VideoCapture}. */
public final class CameraSource implements FrameSource {

    /** Consecutive failed reads after which a camera counts as disconnected. */
    static final int FAILED_READS_BEFORE_DISCONNECT = 10;
    /** Failed first reads before an opened camera counts as busy (held by another application). */
    static final int FIRST_READ_ATTEMPTS = 20;

    private final int index;
    private final int requestedWidth;
    private final int requestedHeight;
    /** Opens a device; replaced in tests to simulate busy and unplugged cameras. */
    private final IntFunction<VideoCapture> opener;
    private VideoCapture capture;
    private long framesRead;
    private Mat firstFrame;

    /**
     * @param index           device index (0 = first camera)
     * @param requestedWidth  requested capture width, or 0 for the driver's default
     * @param requestedHeight requested capture height, or 0 for the driver's default
     */
    public CameraSource(int index, int requestedWidth, int requestedHeight) {
        this(index, requestedWidth, requestedHeight, VideoCapture::new);
    }

    CameraSource(int index, int requestedWidth, int requestedHeight, IntFunction<VideoCapture> opener) {
        this.opener = opener;
        if (index < 0) {
            throw new IllegalArgumentException("camera index must be >= 0, got " + index);
        }
        this.index = index;
        this.requestedWidth = requestedWidth;
        this.requestedHeight = requestedHeight;
    }

    /** Indexes in {@code 0..maxIndex} that open as cameras, for a device picker. Each probe opens and releases the device. */
    public static List<Integer> listCameras(int maxIndex) {
        OpenCvNatives.ensureLoaded();
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i <= maxIndex; i++) {
            VideoCapture probe = new VideoCapture(i);
            try {
                if (probe.isOpened()) {
                    found.add(i);
                }
            } finally {
                probe.release();
            }
        }
        return found;
    }

    @Override
    public synchronized void open() throws FrameSourceException {
        if (capture != null) {
            return;
        }
        OpenCvNatives.ensureLoaded();
        VideoCapture vc = opener.apply(index);
        if (!vc.isOpened()) {
            vc.release();
            throw new FrameSourceException(FrameSourceException.Kind.NOT_FOUND,
                    "No camera at index " + index + " (is one connected, and is camera access allowed?)");
        }
        if (requestedWidth > 0 && requestedHeight > 0) {
            vc.set(Videoio.CAP_PROP_FRAME_WIDTH, requestedWidth);
            vc.set(Videoio.CAP_PROP_FRAME_HEIGHT, requestedHeight);
        }
        // Keep the driver queue short so the newest frame is what we read (not every backend honours this).
        vc.set(Videoio.CAP_PROP_BUFFERSIZE, 1);
        // A camera held by another application often opens but never delivers: probe the first frame here.
        Mat first = new Mat();
        for (int attempt = 0; attempt < FIRST_READ_ATTEMPTS; attempt++) {
            if (vc.read(first) && !first.empty()) {
                firstFrame = first;
                capture = vc;
                framesRead = 0;
                return;
            }
            sleepQuietly(50);
        }
        first.release();
        vc.release();
        throw new FrameSourceException(FrameSourceException.Kind.BUSY,
                "Camera " + index + " opened but delivers no frames; it may be in use by another application");
    }

    @Override
    public synchronized Frame read() throws FrameSourceException {
        if (capture == null) {
            throw new FrameSourceException(FrameSourceException.Kind.NOT_OPEN, describe() + " is not open");
        }
        if (firstFrame != null) {
            Mat m = firstFrame;
            firstFrame = null;
            return new Frame(framesRead++, System.nanoTime(), m);
        }
        Mat m = new Mat();
        for (int failures = 0; failures < FAILED_READS_BEFORE_DISCONNECT; failures++) {
            if (capture.read(m) && !m.empty()) {
                return new Frame(framesRead++, System.nanoTime(), m);
            }
            sleepQuietly(20);
        }
        m.release();
        close();
        throw new FrameSourceException(FrameSourceException.Kind.DISCONNECTED,
                "Camera " + index + " disconnected: no frame in " + FAILED_READS_BEFORE_DISCONNECT + " reads");
    }

    @Override
    public synchronized boolean isOpen() {
        return capture != null;
    }

    @Override
    public String describe() {
        String size = requestedWidth > 0 && requestedHeight > 0 ? requestedWidth + "x" + requestedHeight + " requested"
                : "default size";
        return "camera " + index + " (" + size + ")";
    }

    @Override
    public synchronized void close() {
        if (firstFrame != null) {
            firstFrame.release();
            firstFrame = null;
        }
        if (capture != null) {
            capture.release();
            capture = null;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
