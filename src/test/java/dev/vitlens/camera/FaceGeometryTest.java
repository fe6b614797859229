package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

/** The keypoint measures and the plausibility rule: on a drawn face, on the astronaut as BlazeFace sees her, and on
 * the same keypoints swapped, flipped and scrambled. */
class FaceGeometryTest {

    private static final FaceGeometry.Rule RULE = FaceGeometry.Rule.standard();
    /** The astronaut's box and keypoints as BlazeFace found them (frame pixels of TestFrames.astronautFrame()). */
    private static double[] box;
    private static double[] keypoints;

    @BeforeAll
    static void findTheAstronaut() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults())) {
            List<DetectedFace> faces = d.find(frame);
            assertEquals(1, faces.size(), faces.toString());
            DetectedFace f = faces.get(0);
            assertNotNull(f.keypoints());
            Box b = f.box();
            box = new double[] {b.x(), b.y(), b.x() + b.width(), b.y() + b.height()};
            keypoints = new double[12];
            int i = 0;
            for (FaceKeypoints.Point p : f.keypoints().all()) {
                keypoints[i++] = p.x();
                keypoints[i++] = p.y();
            }
        } finally {
            frame.release();
        }
    }

    private static FaceGeometry astronaut(double[] kp) {
        return FaceGeometry.of(box[0], box[1], box[2], box[3], kp);
    }

    /** Keypoint {@code k} (0 right eye .. 5 left ear) of {@code kp} replaced by keypoint {@code from} of the original. */
    private static double[] moved(double[] kp, int k, int from) {
        double[] out = kp.clone();
        out[2 * k] = keypoints[2 * from];
        out[2 * k + 1] = keypoints[2 * from + 1];
        return out;
    }

    @Test
    void aDrawnFaceMeasuresAsDrawnAndTurningItChangesOnlyTheTilt() {
        // Box 0..100; eyes 40 apart at y 40, nose 20 and mouth 40 below them, ears 80 apart.
        double[] kp = {30, 40, 70, 40, 50, 60, 50, 80, 10, 45, 90, 45};
        FaceGeometry g = FaceGeometry.of(0, 0, 100, 100, kp);
        assertEquals(0.4, g.eyeDistance(), 1e-9);
        assertEquals(0, g.eyeTiltDegrees(), 1e-9);
        assertEquals(0, g.noseAcross(), 1e-9);
        assertEquals(0.5, g.noseBelowEyes(), 1e-9);
        assertEquals(0, g.mouthAcross(), 1e-9);
        assertEquals(0.5, g.mouthBelowNose(), 1e-9);
        assertEquals(2, g.earSpan(), 1e-9);
        assertEquals(0, g.outsideBox(), 1e-9);
        assertTrue(RULE.accepts(g), g.toString());

        // The same face turned 30 degrees (clockwise on screen) about the box centre: only the tilt changes.
        double a = Math.toRadians(30);
        double[] turned = new double[12];
        for (int k = 0; k < 6; k++) {
            double x = kp[2 * k] - 50;
            double y = kp[2 * k + 1] - 50;
            turned[2 * k] = 50 + x * Math.cos(a) - y * Math.sin(a);
            turned[2 * k + 1] = 50 + x * Math.sin(a) + y * Math.cos(a);
        }
        FaceGeometry t = FaceGeometry.of(0, 0, 100, 100, turned);
        assertEquals(30, t.eyeTiltDegrees(), 1e-9);
        assertEquals(g.noseBelowEyes(), t.noseBelowEyes(), 1e-9);
        assertEquals(g.mouthBelowNose(), t.mouthBelowNose(), 1e-9);
        assertEquals(g.earSpan(), t.earSpan(), 1e-9);
        assertTrue(RULE.accepts(t), t.toString());

        // A keypoint a fifth of the box outside it.
        double[] out = kp.clone();
        out[8] = -20;
        assertEquals(0.2, FaceGeometry.of(0, 0, 100, 100, out).outsideBox(), 1e-9);
        assertFalse(RULE.accepts(FaceGeometry.of(0, 0, 100, 100, out)));
    }

    @Test
    void theAstronautAsBlazeFaceSeesHerIsAFace() {
        FaceGeometry g = astronaut(keypoints);
        assertTrue(RULE.accepts(g), g.toString());
        // And not by a margin of luck: an upright, frontal face.
        assertTrue(g.eyeDistance() > 0.3 && g.eyeDistance() < 0.5, g.toString());
        assertTrue(Math.abs(g.eyeTiltDegrees()) < 15, g.toString());
        assertTrue(Math.abs(g.noseAcross()) < 0.3 && g.noseBelowEyes() > 0.3, g.toString());
        assertTrue(g.mouthBelowNose() > 0.3, g.toString());
    }

    @Test
    void swappedFlippedOrScrambledKeypointsAreRejected() {
        // Eyes swapped (the layout of a face seen from behind, or a wrong keypoint order): tilt about 180 degrees.
        FaceGeometry swapped = astronaut(moved(moved(keypoints, 0, 1), 1, 0));
        assertTrue(Math.abs(swapped.eyeTiltDegrees()) > 150, swapped.toString());
        assertFalse(RULE.accepts(swapped), swapped.toString());

        // Nose and mouth swapped: the mouth above the nose.
        FaceGeometry noseMouth = astronaut(moved(moved(keypoints, 2, 3), 3, 2));
        assertTrue(noseMouth.mouthBelowNose() < 0, noseMouth.toString());
        assertFalse(RULE.accepts(noseMouth), noseMouth.toString());

        // Upside down inside the box: the nose above the eyes.
        double[] flipped = keypoints.clone();
        for (int k = 0; k < 6; k++) {
            flipped[2 * k + 1] = box[1] + box[3] - keypoints[2 * k + 1];
        }
        FaceGeometry upsideDown = astronaut(flipped);
        assertTrue(upsideDown.noseBelowEyes() < 0, upsideDown.toString());
        assertFalse(RULE.accepts(upsideDown), upsideDown.toString());

        // Every keypoint moved one place along (right eye gets the left eye's place, ..., left ear the right eye's).
        double[] rotated = new double[12];
        for (int k = 0; k < 6; k++) {
            rotated[2 * k] = keypoints[2 * ((k + 1) % 6)];
            rotated[2 * k + 1] = keypoints[2 * ((k + 1) % 6) + 1];
        }
        assertFalse(RULE.accepts(astronaut(rotated)), astronaut(rotated).toString());

        // Ears where the eyes are and eyes where the ears are.
        FaceGeometry earsForEyes = astronaut(moved(moved(moved(moved(keypoints, 0, 4), 1, 5), 4, 0), 5, 1));
        assertFalse(RULE.accepts(earsForEyes), earsForEyes.toString());
    }
}
