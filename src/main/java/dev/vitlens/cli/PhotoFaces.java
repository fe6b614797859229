package dev.vitlens.cli;

import dev.vitlens.camera.Box;
import dev.vitlens.camera.DetectedFace;
import dev.vitlens.camera.FaceFinder;
import dev.vitlens.camera.FaceKeypoints;
import dev.vitlens.camera.LiveOptions;
import dev.vitlens.camera.OpenCvNatives;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.engine.Classification;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * {@code classify --faces}: finds every face in a photo and classifies each face crop (all crops of a photo in one
 * batch), with the same detector and the same square crop as the live pipeline. Boxes are in the photo's pixels (as
 * decoded, EXIF orientation applied). Not thread-safe (the detector reuses buffers).
 */
final class PhotoFaces implements AutoCloseable {

    /** One face: where, how sure the detector is (NaN for the cascades), its keypoints (or null), the top labels. */
    record Face(Box box, float detectorScore, FaceKeypoints keypoints, List<Prediction> top) {
    }

    private final FaceFinder finder;
    private final double cropMargin;

    PhotoFaces(FaceFinder.Config detector, Consumer<String> notice) {
        OpenCvNatives.ensureLoaded();
        this.finder = FaceFinder.open(detector, notice);
        this.cropMargin = LiveOptions.defaults().cropMargin();
    }

    String describe() {
        return finder.describe();
    }

    /** Every face in the photo, largest first, each classified; an empty list when none is found. */
    List<Face> classify(RgbImage photo, ModelSession classifier, int k) throws InferenceException {
        Mat bgr = toBgr(photo);
        List<DetectedFace> found;
        try {
            found = finder.find(bgr);
        } finally {
            bgr.release();
        }
        if (found.isEmpty()) {
            return List.of();
        }
        List<RgbImage> crops = new ArrayList<>(found.size());
        for (DetectedFace f : found) {
            crops.add(crop(photo, f.box().squareAround(cropMargin, photo.width(), photo.height())));
        }
        List<Classification> labels = classifier.classifyBatch(crops, k);
        List<Face> out = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            DetectedFace f = found.get(i);
            out.add(new Face(f.box(), f.score(), f.keypoints(), labels.get(i).top()));
        }
        return out;
    }

    static Mat toBgr(RgbImage image) {
        Mat rgb = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        rgb.put(0, 0, image.pixels());
        Mat bgr = new Mat();
        Imgproc.cvtColor(rgb, bgr, Imgproc.COLOR_RGB2BGR);
        rgb.release();
        return bgr;
    }

    static RgbImage crop(RgbImage image, Box b) {
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
