package dev.vitlens.faces;

import dev.vitlens.camera.BlazeFaceDetector;
import dev.vitlens.camera.Box;
import dev.vitlens.camera.DetectedFace;
import dev.vitlens.camera.FaceFinder;
import dev.vitlens.camera.LiveOptions;
import dev.vitlens.camera.OpenCvNatives;
import dev.vitlens.engine.Classification;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * Faces in a photo, each classified: finds every face with the live pipeline's detector, crops the same square
 * around each (the box's longer side plus the crop margin, shifted to stay inside the photo) and classifies all crops
 * of a photo in one batch. Used by {@code vitlens classify --faces} and the workbench's face mode, so both see the
 * same faces and labels. Boxes are in the photo's pixels. Not thread-safe (the detector reuses buffers): use one per
 * thread, or call it from one worker.
 */
public final class PhotoFaces implements AutoCloseable {

    private final FaceFinder finder;
    private final double cropMargin;

    private PhotoFaces(FaceFinder finder, double cropMargin) {
        this.finder = finder;
        this.cropMargin = cropMargin;
    }

    /**
     * Opens the detector. When BlazeFace cannot be loaded, {@code notice} is told why and the OpenCV cascades are
     * used instead (as in the live view).
     *
     * @throws IllegalStateException when OpenCV's native library cannot be loaded on this platform
     */
    public static PhotoFaces open(FaceFinder.Config detector, Consumer<String> notice) {
        OpenCvNatives.ensureLoaded();
        return new PhotoFaces(FaceFinder.open(detector, notice), LiveOptions.defaults().cropMargin());
    }

    /** The default detector: BlazeFace at its documented operating point for photos. */
    public static PhotoFaces open(Consumer<String> notice) {
        return open(BlazeFaceDetector.Settings.forPhotos(), notice);
    }

    /** The detector in one line, e.g. {@code BlazeFace (min score 0.65)}. */
    public String describe() {
        return finder.describe();
    }

    /** Every face in the photo, largest first, each classified with its top {@code k}; empty when none is found. */
    public List<PhotoFace> classify(RgbImage photo, ModelSession classifier, int k) throws InferenceException {
        List<DetectedFace> found = detect(photo);
        if (found.isEmpty()) {
            return List.of();
        }
        List<Box> squares = new ArrayList<>(found.size());
        List<RgbImage> crops = new ArrayList<>(found.size());
        for (DetectedFace f : found) {
            Box square = f.box().squareAround(cropMargin, photo.width(), photo.height());
            squares.add(square);
            crops.add(crop(photo, square));
        }
        List<Classification> labels = classifier.classifyBatch(crops, k);
        List<PhotoFace> out = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            DetectedFace f = found.get(i);
            out.add(new PhotoFace(f.box(), f.score(), f.verifierScore(), f.keypoints(), squares.get(i), crops.get(i),
                    labels.get(i).top()));
        }
        return out;
    }

    private List<DetectedFace> detect(RgbImage photo) {
        Mat bgr = toBgr(photo);
        try {
            return finder.find(bgr);
        } finally {
            bgr.release();
        }
    }

    static Mat toBgr(RgbImage image) {
        Mat rgb = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        rgb.put(0, 0, image.pixels());
        Mat bgr = new Mat();
        Imgproc.cvtColor(rgb, bgr, Imgproc.COLOR_RGB2BGR);
        rgb.release();
        return bgr;
    }

    /** The pixels of {@code b} (inside the image), as a new image. */
    public static RgbImage crop(RgbImage image, Box b) {
        int w = Math.max(1, b.width());
        int h = Math.max(1, b.height());
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h && b.y() + y < image.height(); y++) {
            System.arraycopy(image.pixels(), ((b.y() + y) * image.width() + b.x()) * 3, px, y * w * 3,
                    Math.min(w, image.width() - b.x()) * 3);
        }
        return new RgbImage(w, h, px);
    }

    @Override
    public void close() {
        finder.close();
    }
}
