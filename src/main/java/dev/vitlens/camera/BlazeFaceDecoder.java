package dev.vitlens.camera;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the raw outputs of MediaPipe's BlazeFace front (short-range, 128x128) model into face detections, as
 * MediaPipe's face_detection_short_range graph does:
 * <ul>
 *   <li>SSD anchors ({@code SsdAnchorsCalculator}: num_layers 4, strides 8, 16, 16, 16, anchor offset 0.5, aspect
 *       ratio 1 plus the interpolated one, fixed anchor size): 16x16 cells x 2 anchors, then 8x8 cells x 6 anchors,
 *       896 in all, each centred at ((x + 0.5) / W, (y + 0.5) / H), row by row, in the order of the model's outputs;</li>
 *   <li>decoding ({@code TensorsToDetectionsCalculator}: x/y/w/h scale 128, score clipping at +-100, sigmoid):
 *       centre = anchor + offset / 128, size = raw / 128, each keypoint = anchor + offset / 128;</li>
 *   <li>weighted non-maximum suppression ({@code NonMaxSuppressionCalculator}, WEIGHTED, IoU 0.3): the best remaining
 *       detection and every remaining one overlapping it by more than the threshold form a cluster; the cluster
 *       becomes one detection whose box and keypoints are the score-weighted mean of its members and whose score is
 *       the best member's.</li>
 * </ul>
 * Coordinates here are in units of the model's nominal 128 px side (0..1 across a square input);
 * {@link BlazeFaceDetector} maps them to frame pixels. The network is fully convolutional, so it also runs on a
 * smaller input whose sides are multiples of {@link #GRID_STRIDE} (a trimmed letterbox, {@link Letterbox#trimmed}):
 * its anchors are the same cells, fewer of them, each centred at ((x + 0.5) * stride / 128, (y + 0.5) * stride / 128),
 * which for the square input is exactly MediaPipe's ((x + 0.5) / W, (y + 0.5) / H).
 */
public final class BlazeFaceDecoder {

    /** Side of the model input in pixels. */
    public static final int INPUT_SIZE = 128;
    /** Numbers per anchor in the box outputs: centre x, y, width, height, then 6 keypoints (x, y). */
    public static final int BOX_VALUES = 16;
    public static final int KEYPOINTS = 6;
    /** Anchors of the stride-8 head ({@code Identity:0}) and of the stride-16 head ({@code Identity_1:0}). */
    public static final int STRIDE8_ANCHORS = 16 * 16 * 2;
    public static final int STRIDE16_ANCHORS = 8 * 8 * 6;
    public static final int ANCHORS = STRIDE8_ANCHORS + STRIDE16_ANCHORS;

    /** The coarsest head's stride: an input's sides must be multiples of it. */
    public static final int GRID_STRIDE = 16;
    private static final int[] STRIDES = {8, 16, 16, 16};

    private static final double SCALE = INPUT_SIZE;
    private static final double SCORE_CLIP = 100;
    private static final float[] ANCHOR_CENTRES = anchors();
    /** Anchor centres by input size (width * 65536 + height): a detector sees one or two sizes a session. */
    private static final Map<Integer, float[]> ANCHORS_BY_SIZE = new ConcurrentHashMap<>();

    private BlazeFaceDecoder() {
    }

    /**
     * A decoded detection in model-input units (0..1).
     *
     * @param keypoints 12 numbers: x, y of right eye, left eye, nose tip, mouth, right ear, left ear
     */
    public record Detection(float score, double xMin, double yMin, double xMax, double yMax, double[] keypoints) {

        public double width() {
            return xMax - xMin;
        }

        public double height() {
            return yMax - yMin;
        }

        double area() {
            return Math.max(0, width()) * Math.max(0, height());
        }

        double iou(Detection o) {
            double w = Math.min(xMax, o.xMax) - Math.max(xMin, o.xMin);
            double h = Math.min(yMax, o.yMax) - Math.max(yMin, o.yMin);
            if (w <= 0 || h <= 0) {
                return 0;
            }
            double inter = w * h;
            double union = area() + o.area() - inter;
            return union <= 0 ? 0 : inter / union;
        }
    }

    /**
     * The anchor centres as MediaPipe's SsdAnchorsCalculator generates them for the front model: x, y pairs, 896 of
     * them. Layers that share a stride share one feature map, each contributing 2 anchors per cell (aspect ratio 1 and
     * the interpolated scale); with a fixed anchor size all anchors of a cell are the same point of size 1.
     */
    static float[] anchors() {
        return anchors(INPUT_SIZE, INPUT_SIZE);
    }

    /** The anchor centres of an input of {@code width x height} pixels (multiples of {@link #GRID_STRIDE}). */
    static float[] anchors(int width, int height) {
        checkSize(width, height);
        int anchorsPerLayer = 2;
        float[] out = new float[(stride8Anchors(width, height) + stride16Anchors(width, height)) * 2];
        int n = 0;
        int layer = 0;
        while (layer < STRIDES.length) {
            int last = layer;
            int perCell = 0;
            while (last < STRIDES.length && STRIDES[last] == STRIDES[layer]) {
                perCell += anchorsPerLayer;
                last++;
            }
            int stride = STRIDES[layer];
            for (int y = 0; y < height / stride; y++) {
                for (int x = 0; x < width / stride; x++) {
                    for (int a = 0; a < perCell; a++) {
                        out[n++] = (float) ((x + 0.5) * stride / SCALE);
                        out[n++] = (float) ((y + 0.5) * stride / SCALE);
                    }
                }
            }
            layer = last;
        }
        if (n != out.length) {
            throw new IllegalStateException("generated " + n / 2 + " anchors, expected " + out.length / 2);
        }
        return out;
    }

    /** Anchors of the stride-8 head for an input of this size (512 for 128x128). */
    public static int stride8Anchors(int width, int height) {
        return (width / 8) * (height / 8) * 2;
    }

    /** Anchors of the stride-16 head for an input of this size (384 for 128x128). */
    public static int stride16Anchors(int width, int height) {
        return (width / 16) * (height / 16) * 6;
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0 || width % GRID_STRIDE != 0 || height % GRID_STRIDE != 0) {
            throw new IllegalArgumentException("input " + width + "x" + height + " is not a multiple of "
                    + GRID_STRIDE + " on both sides");
        }
    }

    static float anchorX(int anchor) {
        return ANCHOR_CENTRES[2 * anchor];
    }

    static float anchorY(int anchor) {
        return ANCHOR_CENTRES[2 * anchor + 1];
    }

    static float sigmoid(float logit) {
        double x = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, logit));
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /**
     * Every anchor scoring at least {@code minScore}, from both heads.
     *
     * @param scores8  {@code Identity:0}, 512 logits
     * @param boxes8   {@code Identity_2:0}, 512 x 16
     * @param scores16 {@code Identity_1:0}, 384 logits
     * @param boxes16  {@code Identity_3:0}, 384 x 16
     */
    public static List<Detection> decode(float[] scores8, float[] boxes8, float[] scores16, float[] boxes16,
                                         float minScore) {
        return decode(INPUT_SIZE, INPUT_SIZE, scores8, boxes8, scores16, boxes16, minScore);
    }

    /** {@link #decode(float[], float[], float[], float[], float)} for an input of {@code width x height} pixels. */
    public static List<Detection> decode(int width, int height, float[] scores8, float[] boxes8, float[] scores16,
                                         float[] boxes16, float minScore) {
        int n8 = stride8Anchors(width, height);
        int n16 = stride16Anchors(width, height);
        check(scores8, n8, "stride-8 scores");
        check(boxes8, n8 * BOX_VALUES, "stride-8 boxes");
        check(scores16, n16, "stride-16 scores");
        check(boxes16, n16 * BOX_VALUES, "stride-16 boxes");
        float[] centres = ANCHORS_BY_SIZE.computeIfAbsent(width * 65536 + height, k -> anchors(width, height));
        List<Detection> out = new ArrayList<>();
        decodeHead(scores8, boxes8, centres, 0, minScore, out);
        decodeHead(scores16, boxes16, centres, n8, minScore, out);
        return out;
    }

    private static void check(float[] a, int expected, String what) {
        if (a.length != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " values, got " + a.length);
        }
    }

    private static void decodeHead(float[] scores, float[] boxes, float[] centres, int firstAnchor, float minScore,
                                   List<Detection> out) {
        for (int i = 0; i < scores.length; i++) {
            float score = sigmoid(scores[i]);
            if (!(score >= minScore)) {
                continue; // also drops NaN
            }
            int b = i * BOX_VALUES;
            double ax = centres[2 * (firstAnchor + i)];
            double ay = centres[2 * (firstAnchor + i) + 1];
            double cx = ax + boxes[b] / SCALE;
            double cy = ay + boxes[b + 1] / SCALE;
            double w = boxes[b + 2] / SCALE;
            double h = boxes[b + 3] / SCALE;
            double[] kp = new double[2 * KEYPOINTS];
            for (int k = 0; k < KEYPOINTS; k++) {
                kp[2 * k] = ax + boxes[b + 4 + 2 * k] / SCALE;
                kp[2 * k + 1] = ay + boxes[b + 5 + 2 * k] / SCALE;
            }
            out.add(new Detection(score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, kp));
        }
    }

    /** MediaPipe's weighted non-maximum suppression; the result is ordered by score, best first. */
    public static List<Detection> weightedNms(List<Detection> detections, double iouThreshold) {
        List<Detection> remaining = new ArrayList<>(detections);
        remaining.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> out = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Detection best = remaining.get(0);
            List<Detection> cluster = new ArrayList<>();
            List<Detection> rest = new ArrayList<>();
            for (Detection d : remaining) {
                // The best detection has IoU 1 with itself, so it is always in its own cluster.
                (d == best || d.iou(best) > iouThreshold ? cluster : rest).add(d);
            }
            out.add(weightedMean(cluster, best.score()));
            remaining = rest;
        }
        return out;
    }

    private static Detection weightedMean(List<Detection> cluster, float score) {
        if (cluster.size() == 1) {
            return cluster.get(0);
        }
        double total = 0;
        double x0 = 0;
        double y0 = 0;
        double x1 = 0;
        double y1 = 0;
        double[] kp = new double[2 * KEYPOINTS];
        for (Detection d : cluster) {
            double s = d.score();
            total += s;
            x0 += d.xMin() * s;
            y0 += d.yMin() * s;
            x1 += d.xMax() * s;
            y1 += d.yMax() * s;
            for (int k = 0; k < kp.length; k++) {
                kp[k] += d.keypoints()[k] * s;
            }
        }
        for (int k = 0; k < kp.length; k++) {
            kp[k] /= total;
        }
        return new Detection(score, x0 / total, y0 / total, x1 / total, y1 / total, kp);
    }
}
