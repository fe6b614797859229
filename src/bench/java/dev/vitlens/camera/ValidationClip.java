package dev.vitlens.camera;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * A 640x480 clip of face images from the {@code deit-mask} validation split (never trained on), each shown for
 * {@link #HOLD_FRAMES} frames, so that a live run can be scored: the label a frame should get is the folder of the
 * image on screen. Each image is scaled to fit 480x480 and centred on mid-grey, a face close to a webcam.
 */
final class ValidationClip {

    /** Frames each image stays on screen: 0.2 s at 30 fps, about what a person in front of a webcam holds still. */
    static final int HOLD_FRAMES = 6;

    private final List<Path> files;
    private final List<String> labels;

    private ValidationClip(List<Path> files, List<String> labels) {
        this.files = files;
        this.labels = labels;
    }

    /** {@code count} images spread evenly over the split's validation list (which lists one class after the other). */
    static ValidationClip load(Path data, Path split, int count) throws IOException {
        if (!Files.isRegularFile(split) || !Files.isDirectory(data)) {
            throw new IOException("--val-clip needs the split list " + split + " and the data set " + data);
        }
        JsonNode val = new ObjectMapper().readTree(split.toFile()).get("val");
        List<String> names = new ArrayList<>();
        val.forEach(n -> names.add(n.asText()));
        int n = Math.min(count, names.size());
        List<Path> files = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = names.get((int) ((long) i * names.size() / n));
            files.add(data.resolve(name));
            labels.add(name.substring(0, name.indexOf('/')));
        }
        return new ValidationClip(files, labels);
    }

    int frameCount() {
        return files.size() * HOLD_FRAMES;
    }

    String describe() {
        long masked = labels.stream().filter("with_mask"::equals).count();
        return String.format(Locale.ROOT, "%d validation images (%d with_mask, %d without_mask), %d frames each",
                files.size(), masked, files.size() - masked, HOLD_FRAMES);
    }

    String expectedLabel(long frameIndex) {
        return labels.get((int) ((frameIndex % frameCount()) / HOLD_FRAMES));
    }

    void write(Path clip, double fps) throws IOException {
        List<Mat> framed = new ArrayList<>();
        try {
            for (Path f : files) {
                Mat img = Imgcodecs.imread(f.toString(), Imgcodecs.IMREAD_COLOR);
                if (img.empty()) {
                    throw new IOException("Cannot read " + f);
                }
                framed.add(framed(img));
                img.release();
            }
            MjpegClips.write(clip, 640, 480, fps, frameCount(), i -> framed.get(i / HOLD_FRAMES).clone());
        } finally {
            framed.forEach(Mat::release);
        }
    }

    private static Mat framed(Mat img) {
        double scale = Math.min(480.0 / img.cols(), 480.0 / img.rows());
        int w = (int) Math.round(img.cols() * scale);
        int h = (int) Math.round(img.rows() * scale);
        Mat frame = new Mat(480, 640, CvType.CV_8UC3, new Scalar(128, 128, 128));
        Mat scaled = new Mat();
        Imgproc.resize(img, scaled, new Size(w, h), 0, 0, scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
        Mat target = frame.submat(new Rect((640 - w) / 2, (480 - h) / 2, w, h));
        scaled.copyTo(target);
        target.release();
        scaled.release();
        return frame;
    }

    /** Counts frames whose main face (the largest box, or the fallback crop) got the label of the image on screen. */
    final class Score {
        private long frames;
        private long right;
        private long detected;
        private long detectedRight;

        void add(FrameResult r) {
            if (r.error() != null) {
                frames++;
                return;
            }
            frames++;
            FaceResult main = r.faces().stream()
                    .max(Comparator.comparingDouble(f -> (double) f.box().width() * f.box().height()))
                    .orElse(null);
            boolean isRight = main != null && expectedLabel(r.frameIndex()).equals(main.label());
            if (isRight) {
                right++;
            }
            if (main != null && !main.fallback()) {
                detected++;
                if (isRight) {
                    detectedRight++;
                }
            }
        }

        String summary() {
            return String.format(Locale.ROOT, "labelled right: %.1f%% of frames (%d/%d); face detected in %.1f%%"
                            + " (%d), right among those %.1f%% (%d/%d); the rest used the centre-crop fallback",
                    pct(right, frames), right, frames, pct(detected, frames), detected, pct(detectedRight, detected),
                    detectedRight, detected);
        }

        private double pct(long a, long b) {
            return b == 0 ? 0 : 100.0 * a / b;
        }
    }
}
