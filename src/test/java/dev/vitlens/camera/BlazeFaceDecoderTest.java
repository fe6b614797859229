package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/** The BlazeFace decoder, anchors, weighted NMS and letterbox, without the model. */
class BlazeFaceDecoderTest {

    private static final double EPS = 1e-6;

    @Test
    void anchorsAreMediaPipesFrontModelAnchors() {
        float[] a = BlazeFaceDecoder.anchors();
        assertEquals(896 * 2, a.length);
        assertEquals(896, BlazeFaceDecoder.ANCHORS);
        // Stride 8: 16x16 cells, 2 anchors per cell, row by row.
        assertEquals(0.5 / 16, BlazeFaceDecoder.anchorX(0), EPS);
        assertEquals(0.5 / 16, BlazeFaceDecoder.anchorY(0), EPS);
        assertEquals(BlazeFaceDecoder.anchorX(0), BlazeFaceDecoder.anchorX(1), EPS);
        assertEquals(1.5 / 16, BlazeFaceDecoder.anchorX(2), EPS);
        assertEquals(0.5 / 16, BlazeFaceDecoder.anchorY(2), EPS);
        assertEquals(0.5 / 16, BlazeFaceDecoder.anchorX(32), EPS); // second row
        assertEquals(1.5 / 16, BlazeFaceDecoder.anchorY(32), EPS);
        assertEquals(15.5 / 16, BlazeFaceDecoder.anchorX(511), EPS);
        assertEquals(15.5 / 16, BlazeFaceDecoder.anchorY(511), EPS);
        // Stride 16 (three layers merged): 8x8 cells, 6 anchors per cell.
        for (int i = 512; i < 518; i++) {
            assertEquals(0.5 / 8, BlazeFaceDecoder.anchorX(i), EPS);
            assertEquals(0.5 / 8, BlazeFaceDecoder.anchorY(i), EPS);
        }
        assertEquals(1.5 / 8, BlazeFaceDecoder.anchorX(518), EPS);
        assertEquals(3.5 / 8, BlazeFaceDecoder.anchorX(512 + (2 * 8 + 3) * 6), EPS);
        assertEquals(2.5 / 8, BlazeFaceDecoder.anchorY(512 + (2 * 8 + 3) * 6), EPS);
        assertEquals(7.5 / 8, BlazeFaceDecoder.anchorX(895), EPS);
        assertEquals(7.5 / 8, BlazeFaceDecoder.anchorY(895), EPS);
    }

    /**
     * A trimmed input's anchors are the square's cells that fit in it, in the same units: for 128x96 the first 12
     * of 16 rows at stride 8 and the first 6 of 8 at stride 16; for 96x128 the first 12 (6) cells of every row.
     */
    @Test
    void aTrimmedInputHasTheSquaresAnchorsThatFitInIt() {
        float[] square = BlazeFaceDecoder.anchors();
        float[] wide = BlazeFaceDecoder.anchors(128, 96);
        assertEquals(2 * (16 * 12 * 2 + 8 * 6 * 6), wide.length);
        assertEquals(16 * 12 * 2, BlazeFaceDecoder.stride8Anchors(128, 96));
        assertEquals(8 * 6 * 6, BlazeFaceDecoder.stride16Anchors(128, 96));
        for (int i = 0; i < 2 * 384; i++) {
            assertEquals(square[i], wide[i], EPS, "stride 8, value " + i);
        }
        for (int i = 0; i < 2 * 288; i++) {
            assertEquals(square[2 * 512 + i], wide[2 * 384 + i], EPS, "stride 16, value " + i);
        }
        float[] tall = BlazeFaceDecoder.anchors(96, 128);
        int n = 0;
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 12; x++) {
                for (int a = 0; a < 2; a++, n++) {
                    int sq = (y * 16 + x) * 2 + a;
                    assertEquals(square[2 * sq], tall[2 * n], EPS);
                    assertEquals(square[2 * sq + 1], tall[2 * n + 1], EPS);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> BlazeFaceDecoder.anchors(128, 100));
        assertThrows(IllegalArgumentException.class, () -> BlazeFaceDecoder.decode(128, 96, new float[512],
                new float[512 * 16], new float[384], new float[384 * 16], 0.5f), "square outputs for a trimmed input");
    }

    /** Raw outputs with every score at -100 (sigmoid 0). */
    private static final class Raw {
        final float[] scores8 = filled(512, -100f);
        final float[] boxes8 = new float[512 * 16];
        final float[] scores16 = filled(384, -100f);
        final float[] boxes16 = new float[384 * 16];

        static float[] filled(int n, float v) {
            float[] a = new float[n];
            Arrays.fill(a, v);
            return a;
        }

        /** Sets one anchor's logit and box values (input pixels relative to the anchor centre). */
        void set(int anchor, float logit, float... box) {
            boolean first = anchor < 512;
            int i = first ? anchor : anchor - 512;
            (first ? scores8 : scores16)[i] = logit;
            System.arraycopy(box, 0, first ? boxes8 : boxes16, i * 16, box.length);
        }

        List<BlazeFaceDecoder.Detection> decode(float minScore) {
            return BlazeFaceDecoder.decode(scores8, boxes8, scores16, boxes16, minScore);
        }
    }

    @Test
    void decodesBoxesAndKeypointsRelativeToTheirAnchor() {
        Raw raw = new Raw();
        int a8 = 16 * 5 * 2 + 7 * 2 + 1; // row 5, column 7, second anchor
        raw.set(a8, 2f, 4, -8, 32, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        int a16 = 512 + (8 * 3 + 6) * 6 + 4; // row 3, column 6, fifth anchor
        raw.set(a16, 1000f, 0, 0, 64, 64);
        List<BlazeFaceDecoder.Detection> d = raw.decode(0.5f);
        assertEquals(2, d.size());

        BlazeFaceDecoder.Detection first = d.get(0);
        assertEquals(1 / (1 + Math.exp(-2)), first.score(), 1e-6);
        double ax = 7.5 / 16;
        double ay = 5.5 / 16;
        assertEquals(ax + 4 / 128.0 - 16 / 128.0, first.xMin(), EPS);
        assertEquals(ax + 4 / 128.0 + 16 / 128.0, first.xMax(), EPS);
        assertEquals(ay - 8 / 128.0 - 20 / 128.0, first.yMin(), EPS);
        assertEquals(ay - 8 / 128.0 + 20 / 128.0, first.yMax(), EPS);
        for (int k = 0; k < 6; k++) {
            assertEquals(ax + (2 * k + 1) / 128.0, first.keypoints()[2 * k], EPS);
            assertEquals(ay + (2 * k + 2) / 128.0, first.keypoints()[2 * k + 1], EPS);
        }
        // A huge logit is clipped at 100 before the sigmoid (MediaPipe's score clipping): score 1, no overflow.
        BlazeFaceDecoder.Detection second = d.get(1);
        assertEquals(1f, second.score());
        assertEquals(6.5 / 8 - 0.25, second.xMin(), EPS);
        assertEquals(3.5 / 8 + 0.25, second.yMax(), EPS);
    }

    @Test
    void minScoreAndNanLogitsFilterDetections() {
        Raw raw = new Raw();
        raw.set(0, 0f, 0, 0, 10, 10); // score 0.5
        raw.set(600, Float.NaN, 0, 0, 10, 10);
        assertEquals(1, raw.decode(0.5f).size());
        assertEquals(0, raw.decode(0.51f).size());
        assertEquals(1, raw.decode(1e-6f).size(), "a NaN logit is never a detection");
        assertEquals(List.of(), new Raw().decode(0.01f));
    }

    private static BlazeFaceDecoder.Detection det(float score, double x0, double y0, double x1, double y1, double kp) {
        double[] k = new double[12];
        Arrays.fill(k, kp);
        return new BlazeFaceDecoder.Detection(score, x0, y0, x1, y1, k);
    }

    @Test
    void weightedNmsMergesAClusterIntoItsScoreWeightedMean() {
        BlazeFaceDecoder.Detection a = det(0.9f, 0.10, 0.10, 0.30, 0.30, 0.2);
        BlazeFaceDecoder.Detection b = det(0.6f, 0.12, 0.11, 0.32, 0.31, 0.5); // IoU with a about 0.8
        BlazeFaceDecoder.Detection c = det(0.3f, 0.20, 0.20, 0.40, 0.40, 0.9); // IoU with a 0.14: its own face
        BlazeFaceDecoder.Detection far = det(0.7f, 0.60, 0.60, 0.80, 0.80, 0.7);
        List<BlazeFaceDecoder.Detection> out = BlazeFaceDecoder.weightedNms(List.of(c, b, far, a), 0.3);
        assertEquals(3, out.size());
        BlazeFaceDecoder.Detection merged = out.get(0);
        assertEquals(0.9f, merged.score(), "the cluster keeps its best score");
        assertEquals((0.9 * 0.10 + 0.6 * 0.12) / 1.5, merged.xMin(), EPS);
        assertEquals((0.9 * 0.10 + 0.6 * 0.11) / 1.5, merged.yMin(), EPS);
        assertEquals((0.9 * 0.30 + 0.6 * 0.32) / 1.5, merged.xMax(), EPS);
        assertEquals((0.9 * 0.30 + 0.6 * 0.31) / 1.5, merged.yMax(), EPS);
        assertEquals((0.9 * 0.2 + 0.6 * 0.5) / 1.5, merged.keypoints()[7], EPS);
        assertEquals(far, out.get(1), "a lone detection passes unchanged, ordered by score");
        assertEquals(c, out.get(2), "overlap at or below the threshold is another face");
        assertEquals(List.of(), BlazeFaceDecoder.weightedNms(List.of(), 0.3));
    }

    @Test
    void letterboxMapsPointsBothWaysExactly() {
        int[][] sizes = {{640, 480}, {480, 640}, {128, 128}, {1000, 1}, {1, 1000}, {77, 13}, {4032, 3024}, {50, 50}};
        for (int[] s : sizes) {
            for (double fill : new double[] {1.0, 0.75, 0.6}) {
                Letterbox box = Letterbox.of(s[0], s[1], 128, fill);
                assertTrue(box.contentWidth() <= 128 && box.contentHeight() <= 128, box.toString());
                assertTrue(box.offsetX() >= 0 && box.offsetY() >= 0, box.toString());
                // The longer side spans fill of the input; the aspect ratio is kept up to the content's rounding.
                assertEquals(128 * fill, Math.max(box.contentWidth(), box.contentHeight()), 0.5 + 1e-9, box.toString());
                for (double[] p : new double[][] {{0, 0}, {s[0], s[1]}, {s[0] / 3.0, s[1] * 0.7}, {0.5, 0.25}}) {
                    assertEquals(p[0], box.toFrameX(box.toInputX(p[0])), 1e-9);
                    assertEquals(p[1], box.toFrameY(box.toInputY(p[1])), 1e-9);
                }
                // The frame's corners land on the content's corners.
                assertEquals(box.offsetX(), box.toInputX(0), 1e-9);
                assertEquals(box.offsetX() + box.contentWidth(), box.toInputX(s[0]), 1e-9);
                assertEquals(box.offsetY() + box.contentHeight(), box.toInputY(s[1]), 1e-9);
            }
        }
    }

    @Test
    void letterboxedImageAgreesWithTheMapping() {
        OpenCvNatives.ensureLoaded();
        // A white square in a 640x480 frame: its centroid in the resized content maps back onto its frame centre.
        Mat frame = new Mat(480, 640, CvType.CV_8UC3, new Scalar(0, 0, 0));
        Imgproc.rectangle(frame, new Point(400, 100), new Point(479, 179), new Scalar(255, 255, 255), -1);
        Letterbox box = Letterbox.of(640, 480, 128, 1.0);
        Mat content = new Mat();
        box.resizeContent(frame, content);
        assertEquals(box.contentWidth(), content.cols());
        assertEquals(box.contentHeight(), content.rows());
        double sum = 0;
        double sx = 0;
        double sy = 0;
        byte[] px = new byte[3];
        for (int y = 0; y < content.rows(); y++) {
            for (int x = 0; x < content.cols(); x++) {
                content.get(y, x, px);
                double v = px[0] & 0xff;
                sum += v;
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
            }
        }
        double cx = box.toFrameX(sx / sum + box.offsetX());
        double cy = box.toFrameY(sy / sum + box.offsetY());
        assertEquals(440, cx, 0.5);
        assertEquals(140, cy, 0.5);
        frame.release();
        content.release();
    }

    @Test
    void detectionsMapBackToTheFrameBoxTheyCameFrom() {
        Letterbox box = Letterbox.of(640, 480, 128, 0.8);
        Box face = new Box(100, 50, 200, 150);
        double[] kp = new double[12];
        kp[0] = box.toInputX(150) / 128;
        kp[1] = box.toInputY(90) / 128;
        BlazeFaceDecoder.Detection d = new BlazeFaceDecoder.Detection(0.8f, box.toInputX(100) / 128,
                box.toInputY(50) / 128, box.toInputX(300) / 128, box.toInputY(200) / 128, kp);
        DetectedFace f = BlazeFaceDetector.toFrame(d, box);
        assertEquals(face, f.box());
        assertEquals(0.8f, f.score());
        assertNotNull(f.keypoints());
        assertEquals(150, f.keypoints().rightEye().x(), 1e-3);
        assertEquals(90, f.keypoints().rightEye().y(), 1e-3);
        // A box reaching past the frame is clamped to it.
        BlazeFaceDecoder.Detection out = new BlazeFaceDecoder.Detection(0.8f, box.toInputX(-40) / 128,
                box.toInputY(400) / 128, box.toInputX(60) / 128, box.toInputY(520) / 128, new double[12]);
        assertEquals(new Box(0, 400, 60, 80), BlazeFaceDetector.toFrame(out, box).box());
    }

    @Test
    void squareCropStaysInsideTheFrame() {
        // A square of the longer side plus the margin, centred on the box.
        assertEquals(new Box(80, 75, 140, 140), new Box(100, 100, 100, 90).squareAround(0.2, 640, 480));
        // At the border the square is shifted inside, not cut.
        assertEquals(new Box(0, 0, 140, 140), new Box(-10, 5, 100, 100).squareAround(0.2, 640, 480));
        assertEquals(new Box(500, 340, 140, 140), new Box(560, 400, 100, 100).squareAround(0.2, 640, 480));
        // Larger than the frame: clamped.
        assertEquals(new Box(0, 0, 100, 60), new Box(10, 5, 80, 50).squareAround(0.4, 100, 60));
    }
}
