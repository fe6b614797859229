package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

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
        try (FaceDetector padded = new FaceDetector(FaceDetector.Settings.live().withPadFraction(0.25))) {
            List<Box> faces = padded.detect(tight);
            assertEquals(1, faces.size(), "padded detector: " + faces);
            Box f = faces.get(0);
            assertTrue(f.width() > 60, "box too small for a face filling the crop: " + f);
        }
        tight.release();
        a.release();
    }

    @Test
    void overlappingBoxesAreMergedLargestFirst() {
        Box big = new Box(100, 100, 100, 100);
        Box shifted = new Box(110, 105, 95, 95);
        Box inside = new Box(130, 130, 40, 40);
        Box elsewhere = new Box(400, 100, 50, 50);
        assertEquals(List.of(big, elsewhere), FaceDetector.suppressOverlaps(List.of(inside, elsewhere, shifted, big), 0.3));
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
