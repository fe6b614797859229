package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

class FaceDetectorTest {

    @Test
    void findsTheAstronautsFace() {
        Mat frame = TestFrames.astronautFrame();
        try (FaceDetector d = new FaceDetector(FaceDetector.Settings.live())) {
            List<Box> faces = d.detect(frame);
            assertTrue(faces.stream().anyMatch(FaceDetectorTest::isAstronautFace), "no box on the face: " + faces);
        } finally {
            frame.release();
        }
    }

    @Test
    void everyShippedCascadeLoadsAndTheFrontalOnesFindTheFace() {
        Mat frame = TestFrames.astronautFrame();
        for (Cascade c : Cascade.values()) {
            try (FaceDetector d = new FaceDetector(FaceDetector.Settings.live().withCascades(List.of(c)))) {
                List<Box> faces = d.detect(frame);
                if (c == Cascade.HAAR_DEFAULT || c == Cascade.HAAR_ALT || c == Cascade.HAAR_ALT2 || c == Cascade.LBP) {
                    assertTrue(faces.stream().anyMatch(FaceDetectorTest::isAstronautFace), c + " missed: " + faces);
                }
            }
        }
        frame.release();
    }

    @Test
    void blankFrameHasNoFace() {
        Mat blank = TestFrames.blankFrame(640, 480, 128);
        try (FaceDetector d = new FaceDetector(FaceDetector.Settings.live())) {
            assertEquals(List.of(), d.detect(blank));
        }
        blank.release();
    }

    @Test
    void paddingFindsAFaceThatFillsTheWholeImage() {
        Mat a = TestFrames.astronaut();
        // A tight crop: the face fills the image edge to edge, as in the face-mask data set.
        Mat tight = a.submat(new org.opencv.core.Rect(180, 75, 95, 95)).clone();
        try (FaceDetector padded = new FaceDetector(FaceDetector.Settings.thorough())) {
            List<Box> faces = padded.detect(tight);
            assertEquals(1, faces.size(), "padded detector: " + faces);
            Box f = faces.get(0);
            assertTrue(f.width() > 60, "box too small for a face filling the crop: " + f);
        }
        tight.release();
        a.release();
    }

    @Test
    void findsTheAstronautWithHerMouthAndNoseCovered() {
        Mat frame = TestFrames.closeUpFrame();
        // A plain light-blue "surgical mask" over nose, mouth and chin: photo (168..284, 122..178) in close-up pixels.
        Imgproc.rectangle(frame, new Point(168 * 1.6 - 40, 122 * 1.6), new Point(284 * 1.6 - 40, 178 * 1.6),
                new Scalar(225, 205, 170), -1);
        try (FaceDetector frontalOnly = new FaceDetector(FaceDetector.Settings.live().withCascades(List.of(Cascade.LBP)))) {
            assertEquals(List.of(), frontalOnly.detect(frame), "the frontal cascade alone should miss the masked face");
        }
        for (FaceDetector.Settings s : List.of(FaceDetector.Settings.live(), FaceDetector.Settings.thorough())) {
            try (FaceDetector d = new FaceDetector(s)) {
                List<Box> faces = d.detect(frame);
                assertTrue(faces.stream().anyMatch(b -> Math.abs(b.centerX() - TestFrames.CLOSE_UP_FACE.x) < 50
                        && Math.abs(b.centerY() - TestFrames.CLOSE_UP_FACE.y) < 50 && b.width() > 100 && b.width() < 260),
                        s.describe() + ": " + faces);
            }
        }
        frame.release();
    }

    @Test
    void eyePairsBecomeAFaceBox() {
        List<Box> faces = FaceDetector.facesFromEyes(new Rect[] {new Rect(150, 100, 20, 20), new Rect(100, 102, 20, 18)});
        assertEquals(1, faces.size());
        Box f = faces.get(0);
        assertEquals(125, f.width());
        assertEquals(135, f.centerX(), 2);
        assertTrue(f.y() < 100 && f.y() + f.height() > 150, "eyes sit in the upper half: " + f);
        // Too far apart, too different in size, or not level: no face.
        assertEquals(List.of(), FaceDetector.facesFromEyes(new Rect[] {new Rect(0, 100, 20, 20), new Rect(300, 100, 20, 20)}));
        assertEquals(List.of(), FaceDetector.facesFromEyes(new Rect[] {new Rect(100, 100, 10, 10), new Rect(140, 100, 30, 30)}));
        assertEquals(List.of(), FaceDetector.facesFromEyes(new Rect[] {new Rect(100, 100, 20, 20), new Rect(150, 140, 20, 20)}));
    }

    @Test
    void overlappingBoxesAreMergedLargestFirst() {
        Box big = new Box(100, 100, 100, 100);
        Box shifted = new Box(110, 105, 95, 95);
        Box inside = new Box(120, 120, 70, 70);
        Box elsewhere = new Box(400, 100, 50, 50);
        assertEquals(List.of(big, elsewhere), FaceDetector.suppressOverlaps(List.of(inside, elsewhere, shifted, big), 0.3));
        // A box far larger than a face inside it does not hide the face.
        Box huge = new Box(0, 0, 400, 400);
        Box face = new Box(150, 60, 100, 100);
        assertEquals(List.of(huge, face), FaceDetector.suppressOverlaps(List.of(face, huge), 0.3));
    }

    @Test
    void thoroughPresetFindsTheAstronautInTheWholePhoto() {
        Mat photo = TestFrames.astronaut();
        try (FaceDetector d = new FaceDetector(FaceDetector.Settings.thorough())) {
            List<Box> faces = d.detect(photo);
            assertTrue(faces.stream().anyMatch(b -> Math.abs(b.centerX() - 225) < 35 && Math.abs(b.centerY() - 115) < 35
                    && b.width() > 60 && b.width() < 170), "no box on the face: " + faces);
        }
        photo.release();
    }

    @Test
    void boxMarginIsClampedToTheFrame() {
        assertEquals(new Box(0, 0, 60, 60), new Box(0, 0, 50, 50).expand(0.2, 640, 480));
        assertEquals(new Box(80, 80, 140, 140), new Box(100, 100, 100, 100).expand(0.2, 640, 480));
        assertEquals(new Box(590, 430, 50, 50), new Box(600, 440, 40, 40).expand(0.25, 640, 480));
        assertEquals(new Box(152, 72, 336, 336), Box.centerSquare(640, 480, 0.7));
    }

    static boolean isAstronautFace(Box b) {
        return Math.abs(b.centerX() - TestFrames.FACE_CENTER_X) < 35 && Math.abs(b.centerY() - TestFrames.FACE_CENTER_Y) < 35
                && b.width() > 60 && b.width() < 170;
    }
}
