package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.inference.TensorLedger;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** The face verifier's crop geometry, its model contract, and what the bundled model says about known crops. */
class FaceVerifierTest {

    @BeforeAll
    static void natives() {
        OpenCvNatives.ensureLoaded();
    }

    /** A frame whose every pixel differs from its neighbours, so a shifted crop cannot pass for the right one. */
    private static Mat pattern(int w, int h) {
        Mat m = new Mat(h, w, CvType.CV_8UC3);
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                px[i] = (byte) (x * 7 + y);
                px[i + 1] = (byte) (y * 5 + x * 3);
                px[i + 2] = (byte) (x * y);
            }
        }
        m.put(0, 0, px);
        return m;
    }

    private static byte[] bytes(Mat m) {
        byte[] b = new byte[(int) m.total() * m.channels()];
        m.get(0, 0, b);
        return b;
    }

    @Test
    void aSquareInsideTheFrameAtTheCropSizeIsCopiedExactly() {
        Mat frame = pattern(100, 80);
        Mat out = new Mat();
        FaceVerifier.cut(frame, new FaceVerifier.Square(20, 30, FaceVerifier.SIZE), out);
        Mat region = frame.submat(new Rect(20, 30, FaceVerifier.SIZE, FaceVerifier.SIZE)).clone();
        assertEquals(CvType.CV_8UC3, out.type());
        assertArrayEquals(bytes(region), bytes(out));
    }

    @Test
    void whatLiesOutsideTheFrameIsMidGrey() {
        Mat frame = pattern(100, 80);
        Mat out = new Mat();
        // Half of the square hangs off the left edge.
        FaceVerifier.cut(frame, new FaceVerifier.Square(-16, 10, FaceVerifier.SIZE), out);
        byte[] got = bytes(out);
        byte[] inside = bytes(frame.submat(new Rect(0, 10, 16, FaceVerifier.SIZE)).clone());
        for (int y = 0; y < FaceVerifier.SIZE; y++) {
            for (int x = 0; x < FaceVerifier.SIZE; x++) {
                for (int c = 0; c < 3; c++) {
                    int v = got[(y * FaceVerifier.SIZE + x) * 3 + c] & 0xff;
                    int expected = x < 16 ? 128 : inside[(y * 16 + (x - 16)) * 3 + c] & 0xff;
                    assertEquals(expected, v, "pixel " + x + "," + y + " channel " + c);
                }
            }
        }
        // Entirely outside: all grey.
        FaceVerifier.cut(frame, new FaceVerifier.Square(500, 500, 40), out);
        for (byte b : bytes(out)) {
            assertEquals(128, b & 0xff);
        }
    }

    @Test
    void greyAndBgraFramesGiveThreeChannelCrops() {
        Mat bgr = pattern(64, 64);
        Mat grey = new Mat();
        Imgproc.cvtColor(bgr, grey, Imgproc.COLOR_BGR2GRAY);
        Mat bgra = new Mat();
        Imgproc.cvtColor(bgr, bgra, Imgproc.COLOR_BGR2BGRA);
        Mat a = new Mat();
        Mat b = new Mat();
        FaceVerifier.cut(grey, new FaceVerifier.Square(8, 8, 48), a);
        FaceVerifier.cut(bgra, new FaceVerifier.Square(8, 8, 48), b);
        assertEquals(CvType.CV_8UC3, a.type());
        Mat expected = new Mat();
        FaceVerifier.cut(bgr, new FaceVerifier.Square(8, 8, 48), expected);
        assertArrayEquals(bytes(expected), bytes(b), "BGRA drops alpha");
    }

    @Test
    void theCropIsCentredOnTheBoxAndSpansContextTimesItsLongerSideInFramePixels() {
        Letterbox box = Letterbox.of(640, 480, 128, 1.0);   // 5 frame pixels per input pixel, 16 px of padding on top
        // A box from input (32, 40) to (64, 60): frame x 160..320, y (40-16)*5=120 .. (60-16)*5=220.
        BlazeFaceDecoder.Detection d = new BlazeFaceDecoder.Detection(0.9f, 32 / 128.0, 40 / 128.0, 64 / 128.0,
                60 / 128.0, new double[12]);
        FaceVerifier.Square s = FaceVerifier.Square.around(d, box);
        assertEquals(FaceVerifier.CONTEXT * 160, s.side(), 1e-9);
        assertEquals(240, s.x0() + s.side() / 2, 1e-9);
        assertEquals(170, s.y0() + s.side() / 2, 1e-9);
        FaceVerifier.Square shifted = FaceVerifier.Square.around(d, box, FaceVerifier.CONTEXT, 0.5, 0.1, -0.1);
        assertEquals(FaceVerifier.CONTEXT * 80, shifted.side(), 1e-9);
        assertEquals(240 + 0.1 * shifted.side(), shifted.x0() + shifted.side() / 2, 1e-9);
        assertEquals(170 - 0.1 * shifted.side(), shifted.y0() + shifted.side() / 2, 1e-9);
    }

    /**
     * The detector cuts the verifier's crop from its 128 px copy of the frame: on a smooth frame (the astronaut,
     * blurred, so that resampling the copy loses little) the same square cut from the frame itself differs less than
     * half as much as the square moved a tenth of its side either way (a mapping error would show as a shift).
     */
    @Test
    void theCropFromTheDetectorsContentMatchesTheCropFromTheFrame() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        Imgproc.GaussianBlur(frame, frame, new org.opencv.core.Size(41, 41), 0);
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withVerifier(0))) {
            assertThrows(IllegalStateException.class, () -> d.cutFromContent(new FaceVerifier.Square(0, 0, 10), new Mat()));
            BlazeFaceDetector.Pass pass = d.run(frame, 1.0);
            FaceVerifier.Square s = new FaceVerifier.Square(TestFrames.FACE_CENTER_X - 120, TestFrames.FACE_CENTER_Y - 100, 240);
            Mat fromContent = new Mat();
            d.cutFromContent(s, fromContent);
            double same = meanDifference(fromContent, frame, s);
            for (double[] shift : new double[][] {{24, 0}, {-24, 0}, {0, 24}, {0, -24}}) {
                FaceVerifier.Square off = new FaceVerifier.Square(s.x0() + shift[0], s.y0() + shift[1], s.side());
                double shifted = meanDifference(fromContent, frame, off);
                assertTrue(same < shifted / 2, "same square " + same + ", shifted by " + shift[0] + "," + shift[1]
                        + ": " + shifted);
            }
            // The rescue pass is resized from the same content, so the crop stays the same after it.
            d.rerun(pass, 0.6);
            Mat again = new Mat();
            d.cutFromContent(s, again);
            assertArrayEquals(bytes(fromContent), bytes(again));
        } finally {
            frame.release();
        }
    }

    private static double meanDifference(Mat crop, Mat frame, FaceVerifier.Square s) {
        Mat fromFrame = new Mat();
        FaceVerifier.cut(frame, s, fromFrame);
        Mat diff = new Mat();
        Core.absdiff(crop, fromFrame, diff);
        Scalar m = Core.mean(diff);
        return (m.val[0] + m.val[1] + m.val[2]) / 3;
    }

    @Test
    void aFileThatIsNotAVerifierIsRefusedWithAClearMessage() throws Exception {
        BlazeFaceDetector.UnavailableException garbage = assertThrows(BlazeFaceDetector.UnavailableException.class,
                () -> FaceVerifier.open("garbage.onnx", new byte[] {1, 2, 3, 4}));
        assertTrue(garbage.getMessage() != null && !garbage.getMessage().isBlank());
        byte[] detector;
        try (InputStream in = BlazeFaceDetector.class.getResourceAsStream(BlazeFaceDetector.RESOURCE)) {
            detector = in.readAllBytes();
        }
        BlazeFaceDetector.UnavailableException wrong = assertThrows(BlazeFaceDetector.UnavailableException.class,
                () -> FaceVerifier.open("detector.onnx", detector));
        assertTrue(wrong.getMessage().contains("crops") || wrong.getMessage().contains("input"), wrong.getMessage());
    }

    @Test
    void theBundledModelAcceptsTheAstronautsFaceAndRejectsNoiseAndFlatGrey() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        TensorLedger.Snapshot before = TensorLedger.snapshot();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults());
             FaceVerifier v = FaceVerifier.open()) {
            BlazeFaceDetector.Pass pass = d.run(frame, 1.0);
            List<BlazeFaceDecoder.Detection> ds = BlazeFaceDetector.candidates(pass, 0.65f, 0.3);
            assertEquals(1, ds.size());
            Mat face = new Mat();
            d.cutFromContent(FaceVerifier.Square.around(ds.get(0), pass.letterbox()), face);
            Mat noise = new Mat(FaceVerifier.SIZE, FaceVerifier.SIZE, CvType.CV_8UC3);
            Core.randu(noise, 0, 256);
            Mat grey = TestFrames.blankFrame(FaceVerifier.SIZE, FaceVerifier.SIZE, 128);
            List<Mat> crops = new ArrayList<>(List.of(face, noise, grey));
            float[] p = v.scores(crops);
            assertTrue(p[0] > 0.9f, "the astronaut's face: " + p[0]);
            assertTrue(p[1] < 0.1f, "noise: " + p[1]);
            assertTrue(p[2] < 0.1f, "flat grey: " + p[2]);
            // One at a time gives the same numbers as the batch.
            for (int i = 0; i < crops.size(); i++) {
                assertEquals(p[i], v.scores(List.of(crops.get(i)))[0], 1e-5f, "crop " + i);
            }
            assertEquals(0, v.scores(List.of()).length);
            assertThrows(IllegalArgumentException.class, () -> v.scores(List.of(frame)));
        } finally {
            frame.release();
        }
        assertEquals(before.open(), TensorLedger.snapshot().open(), "every tensor and result is closed");
    }

    @Test
    void theDetectorWithTheVerifierStillFindsTheAstronautAndNothingInNoise() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        Mat noise = new Mat(480, 640, CvType.CV_8UC3);
        Core.randu(noise, 0, 256);
        BlazeFaceDetector.Settings s = BlazeFaceDetector.Settings.defaults().withVerifier(0.5f);
        assertTrue(s.describe().contains("verifier 0.50"), s.describe());
        try (BlazeFaceDetector d = BlazeFaceDetector.open(s)) {
            List<DetectedFace> faces = d.find(frame);
            assertEquals(1, faces.size(), faces.toString());
            assertTrue(FaceDetectorTest.isAstronautFace(faces.get(0).box()), faces.toString());
            assertTrue(d.find(noise).isEmpty());
        } finally {
            frame.release();
            noise.release();
        }
        assertThrows(IllegalArgumentException.class, () -> BlazeFaceDetector.Settings.defaults().withVerifier(1f));
        assertThrows(IllegalArgumentException.class, () -> BlazeFaceDetector.Settings.defaults().withVerifier(-0.1f));
    }
}
