package dev.vitlens.camera;

import java.util.List;

/**
 * The six face keypoints BlazeFace predicts, in frame pixels, named as MediaPipe names them: "right" is the person's
 * right, which is on the left of an unmirrored image.
 */
public record FaceKeypoints(Point rightEye, Point leftEye, Point noseTip, Point mouth, Point rightEar, Point leftEar) {

    /** A point in frame pixels (continuous coordinates: pixel (0, 0) covers [0, 1) x [0, 1)). */
    public record Point(float x, float y) {
    }

    /** JSON names, in model output order. */
    public static final List<String> NAMES = List.of("right_eye", "left_eye", "nose_tip", "mouth", "right_ear",
            "left_ear");

    /** The points in model output order (the order of {@link #NAMES}). */
    public List<Point> all() {
        return List.of(rightEye, leftEye, noseTip, mouth, rightEar, leftEar);
    }

    /** From 12 numbers x0, y0, x1, y1, ... in model output order. */
    public static FaceKeypoints of(float[] xy) {
        if (xy.length != 12) {
            throw new IllegalArgumentException("expected 12 coordinates, got " + xy.length);
        }
        return new FaceKeypoints(new Point(xy[0], xy[1]), new Point(xy[2], xy[3]), new Point(xy[4], xy[5]),
                new Point(xy[6], xy[7]), new Point(xy[8], xy[9]), new Point(xy[10], xy[11]));
    }
}
