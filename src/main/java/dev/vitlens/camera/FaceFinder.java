package dev.vitlens.camera;

import java.util.List;
import java.util.function.Consumer;
import org.opencv.core.Mat;

/**
 * Finds faces in a frame: the pipeline's only view of a face detector ({@link BlazeFaceDetector}, the default, or the
 * OpenCV cascades of {@link FaceDetector}). Not thread-safe: use one finder per thread.
 */
public interface FaceFinder extends AutoCloseable {

    /** Which detector to open and how it is tuned. */
    sealed interface Config permits BlazeFaceDetector.Settings, FaceDetector.Settings {

        /** One line for logs and tables. */
        String describe();
    }

    /** Faces in an 8-bit BGR (or grayscale / BGRA) frame, largest first, in frame pixels. */
    List<DetectedFace> find(Mat frame);

    /** One line for logs and status lines, e.g. {@code BlazeFace (min score 0.6)}. */
    String describe();

    @Override
    void close();

    /**
     * Opens the configured detector. When BlazeFace cannot be loaded (model file missing or corrupt, ONNX Runtime
     * unavailable), {@code notice} is told why and the OpenCV cascades ({@link FaceDetector.Settings#live()}) are
     * used instead, so the live view keeps working.
     */
    static FaceFinder open(Config config, Consumer<String> notice) {
        if (config instanceof FaceDetector.Settings cascades) {
            return new FaceDetector(cascades);
        }
        try {
            return BlazeFaceDetector.open((BlazeFaceDetector.Settings) config);
        } catch (BlazeFaceDetector.UnavailableException e) {
            notice.accept("BlazeFace face detector unavailable (" + e.getMessage()
                    + "); using the OpenCV cascades instead");
            return new FaceDetector(FaceDetector.Settings.live());
        }
    }
}
