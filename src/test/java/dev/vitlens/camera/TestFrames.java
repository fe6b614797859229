package dev.vitlens.camera;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Test frames and clips built in code from the committed astronaut photo (NASA, public domain). */
final class TestFrames {

    /** Where the astronaut's face is in {@link #astronautFrame()} (measured by eye on the 512x512 photo, +64 px x offset). */
    static final int FACE_CENTER_X = 64 + 225;
    static final int FACE_CENTER_Y = 115;

    private TestFrames() {
    }

    static Mat astronaut() {
        OpenCvNatives.ensureLoaded();
        try (InputStream in = TestFrames.class.getResourceAsStream("astronaut.png")) {
            Mat m = Imgcodecs.imdecode(new MatOfByte(in.readAllBytes()), Imgcodecs.IMREAD_COLOR);
            if (m.empty()) {
                throw new IllegalStateException("astronaut.png did not decode");
            }
            return m;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 640x480: the top 480 rows of the 512x512 astronaut, centred on a dark background. */
    static Mat astronautFrame() {
        Mat a = astronaut();
        Mat frame = new Mat(480, 640, CvType.CV_8UC3, new Scalar(30, 30, 30));
        Mat roi = frame.submat(new Rect(64, 0, 512, 480));
        a.submat(new Rect(0, 0, 512, 480)).copyTo(roi);
        roi.release();
        a.release();
        return frame;
    }

    /** 640x480 close-up: the photo scaled 1.6x so the face is about 160 px wide, centred at {@link #CLOSE_UP_FACE}. */
    static Mat closeUpFrame() {
        Mat a = astronaut();
        Mat big = new Mat();
        Imgproc.resize(a, big, new org.opencv.core.Size(819, 819));
        Mat frame = big.submat(new Rect(40, 0, 640, 480)).clone();
        big.release();
        a.release();
        return frame;
    }

    /** Face centre in {@link #closeUpFrame()}: (225, 115) in the photo, times 1.6, minus the 40 px crop. */
    static final Point CLOSE_UP_FACE = new Point(225 * 1.6 - 40, 115 * 1.6);

    static Mat blankFrame(int width, int height, int gray) {
        OpenCvNatives.ensureLoaded();
        return new Mat(height, width, CvType.CV_8UC3, new Scalar(gray, gray, gray));
    }

    /** Stamps the frame number in a corner so every frame differs. */
    static Mat numbered(Mat base, int index) {
        Mat m = base.clone();
        Imgproc.putText(m, Integer.toString(index), new Point(8, 470), Imgproc.FONT_HERSHEY_SIMPLEX, 1.0,
                new Scalar(255, 255, 255), 2);
        return m;
    }

    static Path astronautClip(Path dir, int frames, double fps) {
        Path clip = dir.resolve("astronaut-" + frames + "-" + (int) fps + ".avi");
        Mat base = astronautFrame();
        MjpegClips.write(clip, 640, 480, fps, frames, i -> numbered(base, i));
        base.release();
        return clip;
    }

    static Path blankClip(Path dir, int frames, double fps) {
        Path clip = dir.resolve("blank-" + frames + "-" + (int) fps + ".avi");
        Mat base = blankFrame(640, 480, 128);
        MjpegClips.write(clip, 640, 480, fps, frames, i -> base.clone());
        base.release();
        return clip;
    }
}
