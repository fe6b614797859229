package dev.vitlens.camera;

import java.util.Locale;

/**
 * Where BlazeFace put a detection's six keypoints, measured in the face's own frame: along the eye line (from the
 * person's right eye to the left eye) and across it (downwards), in units of the eye distance, so the numbers do not
 * depend on the face's size or roll. {@link Rule} says which layouts a real face can have.
 * <p>
 * Why: the model predicts keypoints for every anchor, also on a texture that merely scores like a face; a layout no
 * face has (eyes swapped or far from level, the mouth above the nose, keypoints outside the box) marks such a
 * detection as false. On the measured data (docs/face-detection.md) the model's keypoints are face-like on most of
 * its false positives too, so the rule removes few of them; it is a plausibility check, not a second detector.
 *
 * @param eyeDistance    distance between the eyes, in box widths
 * @param eyeTiltDegrees angle of the eye line from the horizontal (0: level, the person's right eye on the left of
 *                       the image; 180: eyes swapped)
 * @param noseAcross     nose tip along the eye line from the point between the eyes, in eye distances (0: centred)
 * @param noseBelowEyes  nose tip below the eye line, in eye distances
 * @param mouthAcross    mouth along the eye line from the point between the eyes, in eye distances
 * @param mouthBelowNose mouth below the nose tip (across the eye line), in eye distances
 * @param earSpan        right ear to left ear along the eye line, in eye distances (ears lie outside the eyes: > 1)
 * @param outsideBox     how far the farthest keypoint lies outside the box, in box widths (0: all inside)
 */
public record FaceGeometry(double eyeDistance, double eyeTiltDegrees, double noseAcross, double noseBelowEyes,
                           double mouthAcross, double mouthBelowNose, double earSpan, double outsideBox) {

    /** Column names for tables and CSV, in component order. */
    public static final String[] NAMES = {"eye_distance", "eye_tilt_deg", "nose_across", "nose_below_eyes",
        "mouth_across", "mouth_below_nose", "ear_span", "outside_box"};

    /**
     * @param keypoints x, y of right eye, left eye, nose tip, mouth, right ear, left ear, in the box's coordinates
     */
    public static FaceGeometry of(double xMin, double yMin, double xMax, double yMax, double[] keypoints) {
        if (keypoints.length != 12) {
            throw new IllegalArgumentException("expected 12 keypoint coordinates, got " + keypoints.length);
        }
        double width = xMax - xMin;
        double height = yMax - yMin;
        double rx = keypoints[0];
        double ry = keypoints[1];
        double ex = keypoints[2] - rx;
        double ey = keypoints[3] - ry;
        double eyes = Math.hypot(ex, ey);
        // The face's frame: u along the eye line, v = u turned a quarter clockwise (downwards in image coordinates).
        double ux = eyes > 0 ? ex / eyes : 1;
        double uy = eyes > 0 ? ey / eyes : 0;
        double mx = rx + ex / 2;
        double my = ry + ey / 2;
        double d = eyes > 0 ? eyes : Double.MIN_VALUE;
        double noseAlong = ((keypoints[4] - mx) * ux + (keypoints[5] - my) * uy) / d;
        double noseDown = (-(keypoints[4] - mx) * uy + (keypoints[5] - my) * ux) / d;
        double mouthAlong = ((keypoints[6] - mx) * ux + (keypoints[7] - my) * uy) / d;
        double mouthDown = (-(keypoints[6] - mx) * uy + (keypoints[7] - my) * ux) / d;
        double ears = ((keypoints[10] - keypoints[8]) * ux + (keypoints[11] - keypoints[9]) * uy) / d;
        double outside = 0;
        for (int k = 0; k < 6; k++) {
            double x = keypoints[2 * k];
            double y = keypoints[2 * k + 1];
            double dx = Math.max(0, Math.max(xMin - x, x - xMax));
            double dy = Math.max(0, Math.max(yMin - y, y - yMax));
            outside = Math.max(outside, Math.max(width > 0 ? dx / width : dx, height > 0 ? dy / height : dy));
        }
        return new FaceGeometry(width > 0 ? eyes / width : 0, Math.toDegrees(Math.atan2(ey, ex)), noseAlong, noseDown,
                mouthAlong, mouthDown - noseDown, ears, outside);
    }

    /** A decoded detection, in model-input units (the box before it is clamped to the frame). */
    public static FaceGeometry of(BlazeFaceDecoder.Detection d) {
        return of(d.xMin(), d.yMin(), d.xMax(), d.yMax(), d.keypoints());
    }

    /** A face in frame pixels (its box is clamped to the frame, so a face cut by the border may look outside it). */
    public static FaceGeometry of(DetectedFace face) {
        if (face.keypoints() == null) {
            throw new IllegalArgumentException("the face has no keypoints: " + face);
        }
        double[] kp = new double[12];
        int i = 0;
        for (FaceKeypoints.Point p : face.keypoints().all()) {
            kp[i++] = p.x();
            kp[i++] = p.y();
        }
        Box b = face.box();
        return of(b.x(), b.y(), b.x() + b.width(), b.y() + b.height(), kp);
    }

    /** The values in {@link #NAMES} order. */
    public double[] values() {
        return new double[] {eyeDistance, eyeTiltDegrees, noseAcross, noseBelowEyes, mouthAcross, mouthBelowNose,
            earSpan, outsideBox};
    }

    /**
     * The layouts accepted as a face. Each bound is a whole number just outside the range that 99.5% of the true
     * detections on the face-mask images took (the first half of the images; docs/face-detection.md has the quantiles
     * and the command that prints them), so it rejects only layouts that almost no real face shows.
     */
    public record Rule(double minEyeDistance, double maxEyeDistance, double maxTiltDegrees, double maxNoseAcross,
                       double minNoseBelowEyes, double maxNoseBelowEyes, double maxMouthAcross,
                       double minMouthBelowNose, double maxMouthBelowNose, double minEarSpan, double maxOutsideBox) {

        /** The rule measured in docs/face-detection.md. */
        public static Rule standard() {
            return new Rule(0.15, 0.55, 45, 0.85, 0.2, 1.2, 0.45, 0.25, 1.1, 1.5, 0.1);
        }

        public boolean accepts(FaceGeometry g) {
            return g.eyeDistance >= minEyeDistance && g.eyeDistance <= maxEyeDistance
                    && Math.abs(g.eyeTiltDegrees) <= maxTiltDegrees
                    && Math.abs(g.noseAcross) <= maxNoseAcross
                    && g.noseBelowEyes >= minNoseBelowEyes && g.noseBelowEyes <= maxNoseBelowEyes
                    && Math.abs(g.mouthAcross) <= maxMouthAcross
                    && g.mouthBelowNose >= minMouthBelowNose && g.mouthBelowNose <= maxMouthBelowNose
                    && g.earSpan >= minEarSpan
                    && g.outsideBox <= maxOutsideBox;
        }

        public String describe() {
            return String.format(Locale.ROOT, "eyes %.2f-%.2f box widths apart, tilt <= %.0f deg, nose <= %.2f off"
                    + " centre and %.2f-%.2f below the eyes, mouth <= %.2f off centre and %.2f-%.2f below the nose"
                    + " (eye distances), ears >= %.1f eye distances apart, keypoints <= %.2f box widths outside",
                    minEyeDistance, maxEyeDistance, maxTiltDegrees, maxNoseAcross, minNoseBelowEyes, maxNoseBelowEyes,
                    maxMouthAcross, minMouthBelowNose, maxMouthBelowNose, minEarSpan, maxOutsideBox);
        }
    }
}
