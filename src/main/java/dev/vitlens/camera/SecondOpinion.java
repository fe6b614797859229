package dev.vitlens.camera;

import java.util.List;
import java.util.Locale;

/**
 * A second look at uncertain BlazeFace detections (issue 16): a detection whose score lies in the band
 * [{@code low}, {@code high}) is re-examined by extra model passes that see the face differently, and its score becomes
 * the mean of the scores those passes give the same face (matched by IoU; 0 when no detection matches). Detections
 * scoring {@code high} or more keep their score without extra passes, those below {@code low} are dropped; the
 * detector's threshold then applies to the (combined) score. The boxes and keypoints always stay those of the
 * original pass, so their mapping to frame pixels is unchanged.
 * <ul>
 *   <li>flip: the same 128 px input mirrored left-right (one pass per model pass that has uncertain detections, shared
 *       by all of them); a face looks like a face mirrored, much of what fools the model does not;</li>
 *   <li>zoom: a square of {@code zoom} times the box around the box, cut from the frame (grey where it leaves the
 *       frame) and scaled to the input (one pass per uncertain detection).</li>
 * </ul>
 * The static helpers here are the geometry and the arithmetic; {@link BlazeFaceDetector} runs the passes. Measured in
 * docs/face-detection.md ("Second opinion", {@code DetectorCurve --second-opinion}): it removes false positives but
 * no rule met the recall targets at the false-positive target, so it is off by default.
 */
public final class SecondOpinion {

    /** Which extra passes vote. */
    public enum Votes {
        FLIP, ZOOM, FLIP_AND_ZOOM;

        boolean flip() {
            return this != ZOOM;
        }

        boolean zoom() {
            return this != FLIP;
        }
    }

    /** Detections of the extra passes are decoded from this score (lower ones count as 0). */
    static final float MATCH_FLOOR = 0.1f;

    /**
     * @param low      detections scoring below this are dropped (the band's lower edge)
     * @param high     detections scoring at least this keep their score, without extra passes
     * @param votes    the extra passes for a detection in [low, high)
     * @param zoom     side of the zoom crop in box sides (the box's longer side), in [1, 4]
     * @param matchIou an extra pass's detection is the same face when its IoU with the original is at least this
     */
    public record Settings(float low, float high, Votes votes, double zoom, double matchIou) {

        public Settings {
            if (!(low >= 0 && low <= high && high <= 1.0001f)) {
                throw new IllegalArgumentException("need 0 <= low <= high <= 1, got " + low + ", " + high);
            }
            if (votes == null) {
                throw new IllegalArgumentException("votes must not be null");
            }
            if (!(zoom >= 1 && zoom <= 4)) {
                throw new IllegalArgumentException("zoom must be in [1, 4], got " + zoom);
            }
            if (!(matchIou > 0 && matchIou <= 1)) {
                throw new IllegalArgumentException("matchIou must be in (0, 1], got " + matchIou);
            }
        }

        /** Whether a detection of this score gets the extra passes. */
        public boolean uncertain(float score) {
            return score >= low && score < high;
        }

        public String describe() {
            return String.format(Locale.ROOT, "second opinion %s on [%.2f, %.2f)%s", votes.name().toLowerCase(Locale.ROOT)
                    .replace('_', ' '), low, high, votes.zoom() ? String.format(Locale.ROOT, ", zoom %.1f", zoom) : "");
        }
    }

    private SecondOpinion() {
    }

    /** The mean of the original score and the votes (each 0 when its pass found no matching face). */
    static float combine(float score, float flip, float zoom, Votes votes) {
        return switch (votes) {
            case FLIP -> (score + flip) / 2;
            case ZOOM -> (score + zoom) / 2;
            case FLIP_AND_ZOOM -> (score + flip + zoom) / 3;
        };
    }

    /** The best score among {@code found} overlapping {@code expected} by IoU at least {@code minIou}; 0 if none. */
    static float bestMatch(List<BlazeFaceDecoder.Detection> found, BlazeFaceDecoder.Detection expected, double minIou) {
        float best = 0;
        for (BlazeFaceDecoder.Detection f : found) {
            if (f.iou(expected) >= minIou) {
                best = Math.max(best, f.score());
            }
        }
        return best;
    }

    /**
     * A detection of the mirrored square input, mapped back to the original input (model-input units): x becomes
     * 1 - x, and the left and right eyes and ears swap names.
     */
    static BlazeFaceDecoder.Detection unmirror(BlazeFaceDecoder.Detection d) {
        return unmirror(d, 1);
    }

    /** {@link #unmirror(BlazeFaceDecoder.Detection)} for an input {@code width} units wide: x becomes width - x. */
    static BlazeFaceDecoder.Detection unmirror(BlazeFaceDecoder.Detection d, double width) {
        double[] k = d.keypoints();
        double[] out = new double[k.length];
        int[] partner = {1, 0, 2, 3, 5, 4};
        for (int i = 0; i < BlazeFaceDecoder.KEYPOINTS; i++) {
            out[2 * partner[i]] = width - k[2 * i];
            out[2 * partner[i] + 1] = k[2 * i + 1];
        }
        return new BlazeFaceDecoder.Detection(d.score(), width - d.xMax(), d.yMin(), width - d.xMin(), d.yMax(), out);
    }

    /**
     * The zoom crop of a detection: a square of side {@code zoom} times the box's longer side (frame pixels), centred on
     * the box, mapped onto the whole model input.
     *
     * @param x0   frame column of the crop's left edge (may be negative)
     * @param y0   frame row of the crop's top edge (may be negative)
     * @param side crop side in frame pixels
     */
    record Crop(double x0, double y0, double side) {

        static Crop around(BlazeFaceDecoder.Detection d, Letterbox box, double zoom) {
            double fx0 = box.toFrameX(d.xMin() * box.inputSize());
            double fx1 = box.toFrameX(d.xMax() * box.inputSize());
            double fy0 = box.toFrameY(d.yMin() * box.inputSize());
            double fy1 = box.toFrameY(d.yMax() * box.inputSize());
            double side = zoom * Math.max(fx1 - fx0, fy1 - fy0);
            return new Crop((fx0 + fx1 - side) / 2, (fy0 + fy1 - side) / 2, side);
        }

        /** The detection's box in this crop's input units (0..1), for matching. */
        BlazeFaceDecoder.Detection toCrop(BlazeFaceDecoder.Detection d, Letterbox box) {
            double s = box.inputSize();
            return new BlazeFaceDecoder.Detection(d.score(), (box.toFrameX(d.xMin() * s) - x0) / side,
                    (box.toFrameY(d.yMin() * s) - y0) / side, (box.toFrameX(d.xMax() * s) - x0) / side,
                    (box.toFrameY(d.yMax() * s) - y0) / side, d.keypoints());
        }
    }
}
