package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

/** The second-opinion stage: its arithmetic and geometry, and with the bundled model on the astronaut photo. */
class SecondOpinionTest {

    private static final SecondOpinion.Settings ALWAYS =
            new SecondOpinion.Settings(0.3f, 1.0001f, SecondOpinion.Votes.FLIP_AND_ZOOM, 2.2, 0.5);

    private static BlazeFaceDecoder.Detection box(float score, double x0, double y0, double x1, double y1) {
        double[] kp = new double[2 * BlazeFaceDecoder.KEYPOINTS];
        for (int k = 0; k < BlazeFaceDecoder.KEYPOINTS; k++) {
            kp[2 * k] = x0 + (x1 - x0) * (k + 1) / 8;
            kp[2 * k + 1] = y0 + (y1 - y0) * (k + 1) / 8;
        }
        return new BlazeFaceDecoder.Detection(score, x0, y0, x1, y1, kp);
    }

    @Test
    void settingsAreValidated() {
        SecondOpinion.Votes v = SecondOpinion.Votes.FLIP;
        assertThrows(IllegalArgumentException.class, () -> new SecondOpinion.Settings(0.8f, 0.5f, v, 2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SecondOpinion.Settings(-0.1f, 0.5f, v, 2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SecondOpinion.Settings(0.5f, 1.5f, v, 2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SecondOpinion.Settings(0.5f, 0.8f, null, 2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SecondOpinion.Settings(0.5f, 0.8f, v, 0.9, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SecondOpinion.Settings(0.5f, 0.8f, v, 2, 0));
        SecondOpinion.Settings s = new SecondOpinion.Settings(0.5f, 0.8f, v, 2, 0.5);
        assertTrue(s.uncertain(0.5f));
        assertTrue(s.uncertain(0.79f));
        assertTrue(!s.uncertain(0.8f) && !s.uncertain(0.49f));
        assertTrue(BlazeFaceDetector.Settings.defaults().withSecondOpinion(s).describe().contains("second opinion"));
        assertEquals(null, BlazeFaceDetector.Settings.defaults().withSecondOpinion(s).withSecondOpinion(null)
                .secondOpinion());
    }

    @Test
    void combinesAsTheMeanOfScoreAndVotes() {
        assertEquals(0.7f, SecondOpinion.combine(0.6f, 0.8f, 0.1f, SecondOpinion.Votes.FLIP), 1e-6);
        assertEquals(0.35f, SecondOpinion.combine(0.6f, 0.8f, 0.1f, SecondOpinion.Votes.ZOOM), 1e-6);
        assertEquals(0.5f, SecondOpinion.combine(0.6f, 0.8f, 0.1f, SecondOpinion.Votes.FLIP_AND_ZOOM), 1e-6);
        // A vote that found nothing counts as 0: the score halves.
        assertEquals(0.3f, SecondOpinion.combine(0.6f, 0, 0, SecondOpinion.Votes.FLIP), 1e-6);
    }

    @Test
    void matchesByIou() {
        BlazeFaceDecoder.Detection expected = box(0.6f, 0.2, 0.2, 0.6, 0.6);
        BlazeFaceDecoder.Detection near = box(0.7f, 0.22, 0.21, 0.62, 0.61); // IoU about 0.86
        BlazeFaceDecoder.Detection half = box(0.95f, 0.4, 0.2, 0.8, 0.6); // IoU 1/3
        BlazeFaceDecoder.Detection far = box(0.99f, 0.7, 0.7, 0.9, 0.9);
        assertEquals(0.7f, SecondOpinion.bestMatch(List.of(half, near, far), expected, 0.5));
        assertEquals(0.95f, SecondOpinion.bestMatch(List.of(half, near, far), expected, 0.3));
        assertEquals(0f, SecondOpinion.bestMatch(List.of(half, far), expected, 0.5));
        assertEquals(0f, SecondOpinion.bestMatch(List.of(), expected, 0.5));
    }

    @Test
    void unmirrorFlipsXAndSwapsSides() {
        BlazeFaceDecoder.Detection d = box(0.6f, 0.1, 0.2, 0.5, 0.7);
        BlazeFaceDecoder.Detection m = SecondOpinion.unmirror(d);
        assertEquals(0.5, m.xMin(), 1e-12);
        assertEquals(0.9, m.xMax(), 1e-12);
        assertEquals(0.2, m.yMin(), 1e-12);
        // The mirrored right eye is the original left eye.
        assertEquals(1 - d.keypoints()[0], m.keypoints()[2], 1e-12);
        assertEquals(d.keypoints()[1], m.keypoints()[3], 1e-12);
        assertEquals(1 - d.keypoints()[8], m.keypoints()[10], 1e-12);
        assertEquals(1 - d.keypoints()[4], m.keypoints()[4], 1e-12);
        BlazeFaceDecoder.Detection back = SecondOpinion.unmirror(m);
        assertArrayEquals(d.keypoints(), back.keypoints(), 1e-12);
        assertEquals(d.xMin(), back.xMin(), 1e-12);
    }

    @Test
    void zoomCropIsCentredOnTheBox() {
        Letterbox lb = Letterbox.of(640, 480, 128, 1.0); // 640x480 -> 128x96 at offset (0, 16)
        BlazeFaceDecoder.Detection d = box(0.6f, 0.25, 0.25, 0.5, 0.5); // 32 px -> 160 frame px, at (160, 80)
        SecondOpinion.Crop c = SecondOpinion.Crop.around(d, lb, 2.0);
        assertEquals(320, c.side(), 1e-9);
        assertEquals(160 + 80 - 160, c.x0(), 1e-9);
        assertEquals(80 + 80 - 160, c.y0(), 1e-9);
        BlazeFaceDecoder.Detection inCrop = c.toCrop(d, lb);
        assertEquals(0.25, inCrop.xMin(), 1e-9);
        assertEquals(0.75, inCrop.xMax(), 1e-9);
        assertEquals(0.25, inCrop.yMin(), 1e-9);
        assertEquals(0.75, inCrop.yMax(), 1e-9);
    }

    @Test
    void theAstronautKeepsHerFaceBoxAndKeypoints() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        // The plain detector decodes from the band's lower edge too, so non-maximum suppression merges the same anchors.
        try (BlazeFaceDetector plain = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withVerifier(0).withMinScore(0.3f)
                .withSecondOpinion(null));
             BlazeFaceDetector second = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withVerifier(0)
                     .withMinScore(0.5f).withSecondOpinion(ALWAYS))) {
            List<DetectedFace> a = plain.find(frame);
            List<DetectedFace> b = second.find(frame);
            assertEquals(1, a.size(), a.toString());
            assertEquals(1, b.size(), b.toString());
            // The stage re-scores, it never moves the box or the keypoints (same pass, same frame mapping).
            assertEquals(a.get(0).box(), b.get(0).box());
            assertNotNull(b.get(0).keypoints());
            assertEquals(a.get(0).keypoints(), b.get(0).keypoints());
            assertTrue(FaceDetectorTest.isAstronautFace(b.get(0).box()), b.toString());
            // Mirrored and zoomed she is still a face: the combined score stays close to the first one.
            assertTrue(b.get(0).score() > a.get(0).score() - 0.15f, a + " vs " + b);
            assertEquals(3, second.lastStageTimes().passes(), "the pass, its mirror and one zoom");
            assertEquals(1, plain.lastStageTimes().passes());
        } finally {
            frame.release();
        }
    }

    @Test
    void confidentDetectionsCostNoExtraPass() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withVerifier(0).withMinScore(0.5f)
                .withSecondOpinion(new SecondOpinion.Settings(0.3f, 0.5f, SecondOpinion.Votes.FLIP_AND_ZOOM, 2, 0.5)))) {
            List<DetectedFace> faces = d.find(frame);
            assertEquals(1, faces.size(), faces.toString());
            assertTrue(faces.get(0).score() >= 0.5f);
            assertEquals(1, d.lastStageTimes().passes(), "a detection above the band gets no extra pass");
        } finally {
            frame.release();
        }
    }

    /**
     * Crops of the photo away from her face (the no-face images' second group) that BlazeFace scores in [0.5, 0.9):
     * mirrored and zoomed, most look less like a face, so the combined score drops on average.
     */
    @Test
    void lowersTheScoresOfNonFaces() throws Exception {
        List<Mat> crops = NonFaceImages.astronautCrops(100);
        List<Float> before = new ArrayList<>();
        List<Float> after = new ArrayList<>();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withVerifier(0).withRescueFill(0))) {
            for (Mat m : crops) {
                BlazeFaceDetector.Pass p = d.run(m, 1.0);
                for (BlazeFaceDecoder.Detection c : BlazeFaceDetector.candidates(p, 0.5f, 0.3)) {
                    if (c.score() >= 0.9f) {
                        continue;
                    }
                    float flip = SecondOpinion.bestMatch(d.flippedDetections(p), c, 0.5);
                    float zoom = d.zoomScore(m, p.letterbox(), c, 2.2, 0.5);
                    before.add(c.score());
                    after.add(SecondOpinion.combine(c.score(), flip, zoom, SecondOpinion.Votes.FLIP_AND_ZOOM));
                }
            }
        } finally {
            crops.forEach(Mat::release);
        }
        assertTrue(before.size() >= 5, "uncertain detections on the crops: " + before.size());
        double meanBefore = before.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        double meanAfter = after.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertTrue(meanAfter < meanBefore - 0.05, "mean score " + meanBefore + " -> " + meanAfter);
    }

    /**
     * What {@code DetectorCurve --second-opinion} counts is what the detector does: on the photo and 40 crops of it,
     * {@link BlazeFaceDetector#find} with the measured rule finds a face exactly when the curve's rule says so, with the
     * number of model passes the curve reports.
     */
    @Test
    void theDetectorDoesWhatTheCurveCounts() throws Exception {
        List<Mat> images = new ArrayList<>(NonFaceImages.astronautCrops(40));
        images.add(TestFrames.astronautFrame());
        SecondOpinionCurve.Rule rule = new SecondOpinionCurve.Rule(0.5f, 0.8f, SecondOpinion.Votes.FLIP_AND_ZOOM, 1,
                0.65f);
        assertEquals(2.2, SecondOpinionCurve.ZOOMS[1]);
        int found = 0;
        int reviewed = 0;
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults().withVerifier(0).withMinScore(0.65f)
                .withSecondOpinion(new SecondOpinion.Settings(0.5f, 0.8f, SecondOpinion.Votes.FLIP_AND_ZOOM, 2.2,
                        SecondOpinionCurve.MATCH_IOU)))) {
            for (int i = 0; i < images.size(); i++) {
                Mat m = images.get(i);
                SecondOpinionCurve.Img img = SecondOpinionCurve.score(d, m, i);
                List<DetectedFace> faces = d.find(m);
                assertEquals(rule.detected(img), !faces.isEmpty(), "image " + i + ": " + faces);
                assertEquals(rule.passes(img), d.lastStageTimes().passes(), "image " + i);
                found += faces.isEmpty() ? 0 : 1;
                reviewed += rule.passes(img) > (rule.passHit(img, 0) ? 1 : 2) ? 1 : 0;
            }
        } finally {
            images.forEach(Mat::release);
        }
        assertTrue(found >= 1, "the astronaut herself is found");
        assertTrue(reviewed >= 3, "images with an uncertain detection: " + reviewed);
    }
}
