package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

class LetterboxTest {

    @BeforeAll
    static void natives() {
        OpenCvNatives.ensureLoaded();
    }

    @Test
    void aWebcamFrameShrinksLikeAnAreaResize() {
        Mat photo = Imgcodecs.imread("src/test/resources/dev/vitlens/camera/astronaut.png", Imgcodecs.IMREAD_COLOR);
        Mat frame = new Mat();
        Imgproc.resize(photo, frame, new Size(640, 480), 0, 0, Imgproc.INTER_AREA);
        Letterbox box = Letterbox.of(640, 480, 128, 1.0);
        Mat content = new Mat();
        box.resizeContent(frame, content);
        Mat area = new Mat();
        Imgproc.resize(frame, area, new Size(128, 96), 0, 0, Imgproc.INTER_AREA);
        Mat bilinear = new Mat();
        Imgproc.resize(frame, bilinear, new Size(128, 96), 0, 0, Imgproc.INTER_LINEAR);

        double twoStepError = meanAbsDiff(content, area);
        double bilinearError = meanAbsDiff(bilinear, area);
        assertEquals(128, content.cols());
        assertEquals(96, content.rows());
        assertTrue(twoStepError < 1.5, "two-step shrink should stay within 1.5 grey levels of INTER_AREA, was "
                + twoStepError);
        assertTrue(twoStepError < bilinearError / 3, "two-step " + twoStepError + " vs bilinear " + bilinearError);
    }

    @Test
    void theTwoStepShrinkKeepsPositionsWhereScaleXSaysTheyAre() {
        // A bright block on black: its centroid in the content must be its frame centroid times the scale.
        Mat frame = new Mat(480, 640, CvType.CV_8UC3, Scalar.all(0));
        frame.submat(new Rect(300, 200, 20, 10)).setTo(Scalar.all(255));
        Letterbox box = Letterbox.of(640, 480, 128, 1.0);
        Mat content = new Mat();
        box.resizeContent(frame, content, new Mat());
        Mat gray = new Mat();
        Imgproc.cvtColor(content, gray, Imgproc.COLOR_BGR2GRAY);
        gray.convertTo(gray, CvType.CV_64F);
        double sum = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < gray.rows(); y++) {
            for (int x = 0; x < gray.cols(); x++) {
                double v = gray.get(y, x)[0];
                sum += v;
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
            }
        }
        assertEquals(310 * box.scaleX(), sx / sum, 0.05);
        assertEquals(205 * box.scaleY(), sy / sum, 0.05);
    }

    @Test
    void aSmallShrinkAndAnEnlargementResizeInOneStep() {
        Mat frame = new Mat(150, 200, CvType.CV_8UC3, new Scalar(10, 120, 240));
        Mat content = new Mat();
        Letterbox.of(200, 150, 128, 1.0).resizeContent(frame, content);
        assertEquals(new Size(128, 96), content.size());
        Letterbox.of(64, 48, 128, 1.0).resizeContent(new Mat(48, 64, CvType.CV_8UC3, Scalar.all(7)), content);
        assertEquals(new Size(128, 96), content.size());
        assertEquals(7, content.get(50, 60)[0], 0.0);
    }

    /**
     * A trimmed letterbox keeps the square's scale and cuts the input to the content plus the square's border, in
     * whole grid cells, so points map to the frame as they do through the square (less its offset).
     */
    @Test
    void aTrimmedLetterboxCutsThePaddingAndKeepsTheScale() {
        assertEquals(new Letterbox(640, 480, 128, 128, 96, 128, 96, 0, 0), Letterbox.trimmed(640, 480, 128, 1.0, 16));
        assertEquals(new Letterbox(480, 640, 128, 96, 128, 96, 128, 0, 0), Letterbox.trimmed(480, 640, 128, 1.0, 16));
        // 16:9: 128x72 content in whole cells is 128x80, the content centred 4 rows down
        assertEquals(new Letterbox(1280, 720, 128, 128, 80, 128, 72, 0, 4), Letterbox.trimmed(1280, 720, 128, 1.0, 16));
        // fill 0.6: 77x58 content, a border of 51 px in all along the longer side; 58 + 51 rounds up to 112
        Letterbox rescue = Letterbox.trimmed(640, 480, 128, 0.6, 16);
        assertEquals(new Letterbox(640, 480, 128, 128, 112, 77, 58, 25, 27), rescue);
        assertFalse(rescue.square());
        // a square frame has nothing to trim
        assertEquals(Letterbox.of(300, 300, 128, 0.6), Letterbox.trimmed(300, 300, 128, 0.6, 16));
        assertTrue(Letterbox.trimmed(300, 300, 128, 1.0, 16).square());

        Letterbox square = Letterbox.of(1280, 720, 128, 1.0);
        Letterbox trimmed = Letterbox.trimmed(1280, 720, 128, 1.0, 16);
        assertEquals(square.scaleX(), trimmed.scaleX(), 0.0);
        assertEquals(square.scaleY(), trimmed.scaleY(), 0.0);
        assertEquals(square.toFrameY(50 + square.offsetY()), trimmed.toFrameY(50 + trimmed.offsetY()), 1e-9);
        assertEquals(777.0, trimmed.toFrameX(trimmed.toInputX(777.0)), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Letterbox.trimmed(640, 480, 128, 1.0, 48));
    }

    private static double meanAbsDiff(Mat a, Mat b) {
        Mat d = new Mat();
        Core.absdiff(a, b, d);
        Scalar m = Core.mean(d);
        return (m.val[0] + m.val[1] + m.val[2]) / 3;
    }
}
