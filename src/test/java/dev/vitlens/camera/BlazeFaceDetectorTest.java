package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.inference.TensorLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** BlazeFace with the bundled model on frames built from the astronaut photo. */
class BlazeFaceDetectorTest {

    @TempDir
    Path dir;

    private static BlazeFaceDetector open() throws Exception {
        return BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults());
    }

    @Test
    void findsTheAstronautWithKeypointsInPlace() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        TensorLedger.Snapshot before = TensorLedger.snapshot();
        try (BlazeFaceDetector d = open()) {
            List<DetectedFace> faces = d.find(frame);
            assertEquals(1, faces.size(), faces.toString());
            DetectedFace f = faces.get(0);
            assertTrue(FaceDetectorTest.isAstronautFace(f.box()), f.toString());
            assertTrue(f.score() >= 0.5f && f.score() <= 1f, f.toString());
            FaceKeypoints k = f.keypoints();
            assertNotNull(k);
            // Unmirrored photo: the person's right eye is on the image's left; eyes above the nose, nose above the mouth.
            assertTrue(k.rightEye().x() < k.leftEye().x(), k.toString());
            assertTrue(Math.max(k.rightEye().y(), k.leftEye().y()) < k.noseTip().y(), k.toString());
            assertTrue(k.noseTip().y() < k.mouth().y(), k.toString());
            for (FaceKeypoints.Point p : List.of(k.rightEye(), k.leftEye(), k.noseTip(), k.mouth())) {
                assertTrue(p.x() > f.box().x() && p.x() < f.box().x() + f.box().width()
                        && p.y() > f.box().y() && p.y() < f.box().y() + f.box().height(), p + " outside " + f.box());
            }
        } finally {
            frame.release();
        }
        TensorLedger.Snapshot after = TensorLedger.snapshot();
        assertEquals(before.open(), after.open(), "every input tensor and result is closed");
        assertTrue(after.created() > before.created());
    }

    /**
     * The input tensor written by OpenCV into the tensor's own memory equals the definition, computed here pixel by
     * pixel: the letterboxed frame as RGB (v / 127.5) - 1 with 0 padding, for BGR, grayscale and BGRA frames, and
     * after a pass at another fill (whose larger padding must not leak into the next pass).
     */
    @Test
    void inputTensorIsTheLetterboxedFrameInRgbScaledToMinusOneOne() throws Exception {
        Mat bgr = TestFrames.astronautFrame();
        Mat gray = new Mat();
        Imgproc.cvtColor(bgr, gray, Imgproc.COLOR_BGR2GRAY);
        Mat bgra = new Mat();
        Imgproc.cvtColor(bgr, bgra, Imgproc.COLOR_BGR2BGRA);
        Mat portrait = bgr.submat(new Rect(100, 0, 250, 480)).clone();
        try (BlazeFaceDetector d = open()) {
            for (double fill : new double[] {1.0, 0.6, 1.0}) {
                for (Mat m : List.of(bgr, gray, bgra, portrait)) {
                    for (Letterbox box : List.of(Letterbox.of(m.cols(), m.rows(), 128, fill),
                            d.letterbox(m.cols(), m.rows(), fill))) {
                        java.nio.FloatBuffer in = d.toInput(m, box);
                        float[] actual = new float[in.remaining()];
                        in.duplicate().get(actual);
                        float[] expected = expectedInput(m, box);
                        assertEquals(expected.length, actual.length, box.toString());
                        for (int i = 0; i < expected.length; i++) {
                            assertEquals(expected[i], actual[i], 1e-6, "value " + i + " of " + box + ", "
                                    + m.channels() + " channels");
                        }
                    }
                }
            }
        } finally {
            for (Mat m : List.of(bgr, gray, bgra, portrait)) {
                m.release();
            }
        }
    }

    /**
     * The rescue pass resizes the first pass's 128 px content instead of the frame: its input is close to the frame's
     * own resize at that fill, and a face it finds maps back to the same frame box.
     */
    @Test
    void theRescuePassFromTheFirstContentMatchesResizingTheFrame() throws Exception {
        // A tight crop of the astronaut's head: the face fills the frame, the rescue pass's case.
        Mat photo = TestFrames.astronaut();
        Mat tight = photo.submat(new Rect(150, 40, 150, 180)).clone();
        Letterbox whole = Letterbox.of(150, 180, 128, 1.0);
        Letterbox small = Letterbox.of(150, 180, 128, 0.6);
        try (BlazeFaceDetector d = open()) {
            float[] fromFrame = new float[128 * 128 * 3];
            d.toInput(tight, small).get(fromFrame);
            d.toInput(tight, whole);
            float[] fromContent = new float[128 * 128 * 3];
            d.toSmallerInput(small).get(fromContent);
            double sum = 0;
            double max = 0;
            for (int i = 0; i < fromFrame.length; i++) {
                double diff = Math.abs(fromFrame[i] - fromContent[i]);
                sum += diff;
                max = Math.max(max, diff);
            }
            assertTrue(sum / fromFrame.length < 0.01 && max < 0.2, "mean " + sum / fromFrame.length + ", max " + max);

            List<DetectedFace> direct = d.faces(d.run(tight, 0.6), 0.5f, null);
            BlazeFaceDetector.Pass first = d.run(tight, 1.0);
            BlazeFaceDetector.Pass rescue = d.rerun(first, 0.6);
            assertEquals(small, rescue.letterbox());
            List<DetectedFace> rescued = d.faces(rescue, 0.5f, null);
            assertEquals(1, direct.size(), direct.toString());
            assertEquals(1, rescued.size(), rescued.toString());
            Box x = direct.get(0).box();
            Box y = rescued.get(0).box();
            assertTrue(Math.abs(x.x() - y.x()) <= 3 && Math.abs(x.y() - y.y()) <= 3 && Math.abs(x.width() - y.width()) <= 3
                    && Math.abs(x.height() - y.height()) <= 3, x + " vs " + y);
            // Once another frame has been letterboxed, the first content is gone.
            d.run(photo, 1.0);
            assertThrows(IllegalStateException.class, () -> d.rerun(first, 0.6));
        } finally {
            photo.release();
            tight.release();
        }
    }

    private static float[] expectedInput(Mat frame, Letterbox box) {
        // As the detector did before its input was written by OpenCV: BGR at full size, resized, converted in Java.
        Mat three = new Mat();
        if (frame.channels() == 3) {
            frame.copyTo(three);
        } else {
            Imgproc.cvtColor(frame, three, frame.channels() == 1 ? Imgproc.COLOR_GRAY2BGR : Imgproc.COLOR_BGRA2BGR);
        }
        Mat content = new Mat();
        box.resizeContent(three, content);
        byte[] px = new byte[box.contentWidth() * box.contentHeight() * 3];
        content.get(0, 0, px);
        float[] out = new float[box.inputWidth() * box.inputHeight() * 3];
        for (int y = 0; y < box.contentHeight(); y++) {
            for (int x = 0; x < box.contentWidth(); x++) {
                int s = (y * box.contentWidth() + x) * 3;
                int t = ((y + box.offsetY()) * box.inputWidth() + x + box.offsetX()) * 3;
                for (int c = 0; c < 3; c++) {
                    out[t + c] = (px[s + 2 - c] & 0xff) / 127.5f - 1f;
                }
            }
        }
        three.release();
        content.release();
        return out;
    }

    /**
     * The default detector runs a 640x480 frame on a 128x96 input (the square's padding trimmed): it finds the
     * astronaut where the detector on the whole square does, with the same keypoints within a pixel or two and
     * nearly the same score, on the landscape frame and on a portrait cut of it.
     */
    @Test
    void theTrimmedInputFindsWhatTheSquareInputFinds() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        Mat portrait = frame.submat(new Rect(100, 0, 300, 400)).clone();
        try (BlazeFaceDetector trimmed = open();
             BlazeFaceDetector square = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults()
                     .withSquareInput(true))) {
            assertTrue(trimmed.trimsInput());
            assertFalse(square.trimsInput());
            assertEquals(new Letterbox(640, 480, 128, 128, 96, 128, 96, 0, 0), trimmed.letterbox(640, 480, 1.0));
            assertEquals(Letterbox.of(640, 480, 128, 1.0), square.letterbox(640, 480, 1.0));
            for (Mat m : List.of(frame, portrait)) {
                List<DetectedFace> a = trimmed.find(m);
                List<DetectedFace> b = square.find(m);
                assertEquals(1, a.size(), a.toString());
                assertEquals(1, b.size(), b.toString());
                Box x = a.get(0).box();
                Box y = b.get(0).box();
                assertTrue(x.iou(y) > 0.9, x + " vs " + y);
                assertEquals(b.get(0).score(), a.get(0).score(), 0.05, a + " vs " + b);
                FaceKeypoints.Point p = a.get(0).keypoints().noseTip();
                FaceKeypoints.Point q = b.get(0).keypoints().noseTip();
                assertTrue(Math.hypot(p.x() - q.x(), p.y() - q.y()) < 3, p + " vs " + q);
            }
        } finally {
            frame.release();
            portrait.release();
        }
    }

    /** The original file (its zero padding made by ConstantOfShape) cannot be freed, so it runs on the square. */
    @Test
    void aGraphWhoseSizeCannotBeFreedRunsOnTheSquare() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        try (BlazeFaceDetector plain = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults(), false)) {
            assertFalse(plain.trimsInput());
            assertTrue(plain.letterbox(640, 480, 1.0).square());
            assertEquals(1, plain.find(frame).size());
        } finally {
            frame.release();
        }
    }

    @Test
    void blankAndNoiseFramesHaveNoFace() throws Exception {
        Mat blank = TestFrames.blankFrame(640, 480, 128);
        Mat noise = new Mat(480, 640, org.opencv.core.CvType.CV_8UC3);
        org.opencv.core.Core.randu(noise, 0, 255);
        try (BlazeFaceDetector d = open()) {
            assertEquals(List.of(), d.find(blank));
            assertEquals(List.of(), d.find(noise));
            assertEquals(List.of(), d.find(new Mat()));
        } finally {
            blank.release();
            noise.release();
        }
    }

    @Test
    void findsTheAstronautWithHerMouthAndNoseCovered() throws Exception {
        Mat frame = TestFrames.closeUpFrame();
        // The same light-blue "surgical mask" the cascade test uses, over nose, mouth and chin.
        Imgproc.rectangle(frame, new Point(168 * 1.6 - 40, 122 * 1.6), new Point(284 * 1.6 - 40, 178 * 1.6),
                new Scalar(225, 205, 170), -1);
        try (BlazeFaceDetector d = open()) {
            List<DetectedFace> faces = d.find(frame);
            assertTrue(faces.stream().anyMatch(b -> Math.abs(b.box().centerX() - TestFrames.CLOSE_UP_FACE.x) < 50
                    && Math.abs(b.box().centerY() - TestFrames.CLOSE_UP_FACE.y) < 50 && b.box().width() > 100
                    && b.box().width() < 260), faces.toString());
        } finally {
            frame.release();
        }
    }

    /** The astronaut's head (photo pixels 140..310 x 30..200), pasted at the given boxes of a grey 640x480 frame. */
    static Mat group(List<Rect> heads) {
        Mat photo = TestFrames.astronaut();
        Mat head = photo.submat(new Rect(140, 30, 170, 170));
        Mat frame = TestFrames.blankFrame(640, 480, 110);
        for (Rect r : heads) {
            Mat roi = frame.submat(r);
            Imgproc.resize(head, roi, roi.size(), 0, 0, Imgproc.INTER_AREA);
            roi.release();
        }
        head.release();
        photo.release();
        return frame;
    }

    static List<Rect> sixHeads() {
        List<Rect> heads = new ArrayList<>();
        for (int row = 0; row < 2; row++) {
            for (int col = 0; col < 3; col++) {
                heads.add(new Rect(12 + col * 210, 25 + row * 225, 195, 195));
            }
        }
        return heads;
    }

    @Test
    void findsEveryFaceOfAGroup() throws Exception {
        List<Rect> heads = sixHeads();
        Mat frame = group(heads);
        try (BlazeFaceDetector d = open()) {
            List<DetectedFace> faces = d.find(frame);
            assertEquals(heads.size(), faces.size(), faces.toString());
            for (Rect r : heads) {
                // The face sits at about (85, 85) of each 170 px head crop.
                int cx = r.x + r.width / 2;
                int cy = r.y + r.height / 2;
                assertEquals(1, faces.stream().filter(f -> Math.abs(f.box().centerX() - cx) < 30
                        && Math.abs(f.box().centerY() - cy) < 40).count(), "face of head " + r + ": " + faces);
            }
            for (int i = 1; i < faces.size(); i++) {
                assertTrue(faces.get(i - 1).box().area() >= faces.get(i).box().area(), "largest first");
            }
        } finally {
            frame.release();
        }
    }

    /**
     * Fifty faces in one frame and a face of 24 px (issue 19): the short-range model sees them at 10-12 px in its
     * 128 px input, below what it was trained for, so it may miss them; it must return quickly, and every box it
     * does return must be on a face, inside the frame.
     */
    @Test
    void fiftyFacesAndATinyFaceReturnQuicklyWithBoxesOnlyOnFaces() throws Exception {
        List<Rect> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add(new Rect(2 + (i % 10) * 63, 3 + (i / 10) * 95, 60, 60));
        }
        List<Rect> tiny = List.of(new Rect(300, 220, 24, 24));
        for (List<Rect> heads : List.of(fifty, tiny)) {
            Mat frame = group(heads);
            try (BlazeFaceDetector d = open()) {
                long start = System.nanoTime();
                List<DetectedFace> faces = d.find(frame);
                double ms = (System.nanoTime() - start) / 1e6;
                assertTrue(ms < 5000, "one frame took " + ms + " ms");
                assertTrue(faces.size() <= heads.size(), faces.toString());
                for (DetectedFace f : faces) {
                    assertTrue(f.box().x() >= 0 && f.box().y() >= 0 && f.box().x() + f.box().width() <= 640
                            && f.box().y() + f.box().height() <= 480, "inside the frame: " + f);
                    assertTrue(heads.stream().anyMatch(r -> r.contains(new org.opencv.core.Point(f.box().centerX(),
                            f.box().centerY()))), "a box on a face: " + f);
                }
                System.out.printf("%d heads of %d px: %d found in %.1f ms%n", heads.size(), heads.get(0).width,
                        faces.size(), ms);
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void withTheKeypointCheckRealFacesAreStillFound() throws Exception {
        BlazeFaceDetector.Settings checked = BlazeFaceDetector.Settings.defaults()
                .withVerification(FaceGeometry.Rule.standard());
        assertTrue(checked.describe().contains("keypoint check"), checked.describe());
        Mat frame = TestFrames.astronautFrame();
        Mat six = group(sixHeads());
        try (BlazeFaceDetector d = BlazeFaceDetector.open(checked)) {
            List<DetectedFace> faces = d.find(frame);
            assertEquals(1, faces.size(), faces.toString());
            assertTrue(FaceDetectorTest.isAstronautFace(faces.get(0).box()), faces.toString());
            assertEquals(1, d.lastStageTimes().passes(), "found in the first pass");
            assertEquals(6, d.find(six).size());
        } finally {
            frame.release();
            six.release();
        }
    }

    @Test
    void aPassWhoseDetectionsAreAllRejectedCountsAsNothingFoundSoTheRescuePassRuns() throws Exception {
        // A rule no face can meet (eyes two box widths apart).
        FaceGeometry.Rule impossible = new FaceGeometry.Rule(2, 3, 45, 0.85, 0.2, 1.2, 0.45, 0.25, 1.1, 1.5, 0.1);
        Mat frame = TestFrames.astronautFrame();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults()
                .withVerification(impossible))) {
            assertEquals(List.of(), d.find(frame));
            BlazeFaceDetector.StageTimes t = d.lastStageTimes();
            assertEquals(2, t.passes(), "the rescue pass ran");
            assertTrue(t.letterboxNanos() > 0 && t.modelNanos() > 0 && t.decodeNanos() > 0, t.toString());
        } finally {
            frame.release();
        }
    }

    /** Raw model outputs with two confident anchors: a face-like keypoint layout and the same with the eyes swapped. */
    @Test
    void theKeypointCheckDropsOnlyTheImplausibleDetectionOfAPass() throws Exception {
        float[] scores8 = new float[BlazeFaceDecoder.STRIDE8_ANCHORS];
        float[] scores16 = new float[BlazeFaceDecoder.STRIDE16_ANCHORS];
        java.util.Arrays.fill(scores8, -100f);
        java.util.Arrays.fill(scores16, -100f);
        float[] boxes8 = new float[BlazeFaceDecoder.STRIDE8_ANCHORS * 16];
        float[] boxes16 = new float[BlazeFaceDecoder.STRIDE16_ANCHORS * 16];
        // Stride-16 anchors of row 3, columns 2 and 6: centres (40, 56) and (104, 56) in input pixels. A 40 px box;
        // eyes 16 px apart, nose 10 px and mouth 18 px below them, ears 36 px apart (offsets from the anchor centre).
        float[] face = {0, 0, 40, 40, -8, -6, 8, -6, 0, 4, 0, 12, -18, -2, 18, -2};
        float[] swapped = {0, 0, 40, 40, 8, -6, -8, -6, 0, 4, 0, 12, -18, -2, 18, -2};
        int plausible = (8 * 3 + 2) * 6;
        int implausible = (8 * 3 + 6) * 6;
        scores16[plausible] = 5f;
        scores16[implausible] = 5f;
        System.arraycopy(face, 0, boxes16, plausible * 16, 16);
        System.arraycopy(swapped, 0, boxes16, implausible * 16, 16);
        BlazeFaceDetector.Pass pass = new BlazeFaceDetector.Pass(Letterbox.of(128, 128, 128, 1.0), scores8, boxes8,
                scores16, boxes16);
        try (BlazeFaceDetector d = open()) {
            assertEquals(2, d.faces(pass, 0.5f, null).size());
            List<DetectedFace> kept = d.faces(pass, 0.5f, FaceGeometry.Rule.standard());
            assertEquals(List.of(new Box(20, 36, 40, 40)), kept.stream().map(DetectedFace::box).toList());
        }
    }

    @Test
    void faceCutByTheFrameBorderIsFoundAndClamped() throws Exception {
        // The photo pasted so that a fifth of the face (photo x 178..272) lies left of the frame.
        Mat photo = TestFrames.astronaut();
        Mat frame = TestFrames.blankFrame(640, 480, 110);
        photo.submat(new Rect(196, 0, 316, 480)).copyTo(frame.submat(new Rect(0, 0, 316, 480)));
        try (BlazeFaceDetector d = open()) {
            List<DetectedFace> faces = d.find(frame);
            assertEquals(1, faces.size(), faces.toString());
            Box b = faces.get(0).box();
            assertEquals(0, b.x(), "box clamped at the left border: " + b);
            assertTrue(b.width() > 50 && b.width() < 100 && b.y() > 40 && b.y() < 130, b.toString());
            Box crop = b.squareAround(0.2, 640, 480);
            assertEquals(crop.width(), crop.height(), "the crop stays square at the border: " + crop);
            assertEquals(0, crop.x());
        } finally {
            frame.release();
            photo.release();
        }
    }

    @Test
    void grayscaleAndPortraitFramesWork() throws Exception {
        Mat photo = TestFrames.astronaut();
        Mat gray = new Mat();
        Imgproc.cvtColor(photo, gray, Imgproc.COLOR_BGR2GRAY);
        Mat portrait = photo.submat(new Rect(100, 0, 250, 512)).clone();
        try (BlazeFaceDetector d = open()) {
            List<DetectedFace> g = d.find(gray);
            assertTrue(g.stream().anyMatch(f -> Math.abs(f.box().centerX() - 225) < 35
                    && Math.abs(f.box().centerY() - 125) < 35), g.toString());
            List<DetectedFace> p = d.find(portrait);
            assertTrue(p.stream().anyMatch(f -> Math.abs(f.box().centerX() - 125) < 35
                    && Math.abs(f.box().centerY() - 125) < 35), p.toString());
        } finally {
            photo.release();
            gray.release();
            portrait.release();
        }
    }

    @Test
    void missingOrCorruptModelFileIsUnavailableAndTheCascadesStandIn() throws Exception {
        Path corrupt = dir.resolve("corrupt.onnx");
        byte[] real = BlazeFaceDetector.class.getResourceAsStream(BlazeFaceDetector.RESOURCE).readAllBytes();
        Files.write(corrupt, java.util.Arrays.copyOf(real, real.length / 3)); // truncated download
        Path garbage = dir.resolve("garbage.onnx");
        Files.writeString(garbage, "not a model");
        Path missing = dir.resolve("none.onnx");
        for (Path p : List.of(corrupt, garbage, missing)) {
            BlazeFaceDetector.Settings s = BlazeFaceDetector.Settings.defaults().withModelFile(p);
            BlazeFaceDetector.UnavailableException e = assertThrows(BlazeFaceDetector.UnavailableException.class,
                    () -> BlazeFaceDetector.open(s));
            assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
            List<String> notices = new ArrayList<>();
            try (FaceFinder f = FaceFinder.open(s, notices::add)) {
                assertInstanceOf(FaceDetector.class, f);
                assertEquals(1, notices.size());
                assertTrue(notices.get(0).contains("BlazeFace face detector unavailable")
                        && notices.get(0).contains("cascades"), notices.get(0));
            }
        }
        List<String> none = new ArrayList<>();
        try (FaceFinder f = FaceFinder.open(BlazeFaceDetector.Settings.defaults(), none::add)) {
            assertInstanceOf(BlazeFaceDetector.class, f);
        }
        assertEquals(List.of(), none);
    }

    /**
     * A BlazeFace-like file declared with another input (here the bundled graph with its size already freed, as a
     * stand-in for the 256 px back model) is not freed and run with the front model's anchors: it is refused with
     * the shape it has.
     */
    @Test
    void aDetectorFileOfAnotherInputSizeIsRefusedNotTrimmed() throws Exception {
        byte[] real = BlazeFaceDetector.class.getResourceAsStream(BlazeFaceDetector.RESOURCE).readAllBytes();
        byte[] free = BlazeFaceDetector.withFreeInputSize(BlazeFaceDetector.forBlockedLayout(real));
        assertNotNull(free);
        assertNull(BlazeFaceDetector.withFreeInputSize(free), "an input not declared [1,128,128,3] is not freed");
        Path other = dir.resolve("other-size.onnx");
        Files.write(other, free);
        BlazeFaceDetector.UnavailableException e = assertThrows(BlazeFaceDetector.UnavailableException.class,
                () -> BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withModelFile(other)));
        assertTrue(e.getMessage().contains("input:0") && e.getMessage().contains("[1, 128, 128, 3]"), e.getMessage());
    }

    @Test
    void aGraphWithOtherInputsIsRejected() throws Exception {
        // Any valid ONNX graph that is not BlazeFace: the tiny ViT test model.
        Path vit = dev.vitlens.testing.TinyModels.writeVitFolder(dir.resolve("tiny"), 64, 16, 2, 0, 0);
        BlazeFaceDetector.UnavailableException e = assertThrows(BlazeFaceDetector.UnavailableException.class,
                () -> BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withModelFile(vit.resolve("model.onnx"))));
        assertTrue(e.getMessage().contains("input:0"), e.getMessage());
    }
}
