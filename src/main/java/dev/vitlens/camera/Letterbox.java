package dev.vitlens.camera;

import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * How a frame is fitted into a square model input without distortion: scaled (aspect kept) so its longer side spans
 * {@code fill} of the input, centred, the rest padded. The scale factors are the ones the resize really applies
 * ({@code contentWidth / frameWidth}, which differs from the ideal by the rounding of the content size), so mapping a
 * point back is exact, not approximate. Coordinates are continuous: pixel (i, j) covers [i, i+1) x [j, j+1), which
 * is also OpenCV's resize convention.
 *
 * <p>A {@link #trimmed} letterbox keeps the square's scale but cuts the input down to the content and its border,
 * rounded up to a multiple of the network's stride: for a fully convolutional detector the padding is computation
 * spent on nothing (a 640x480 frame is a quarter padding in a 128 px square; trimmed, the input is 128x96).
 *
 * @param frameWidth    frame width in pixels
 * @param frameHeight   frame height in pixels
 * @param inputSize     side of the square the scale refers to (the model's nominal input; detections are in its units)
 * @param inputWidth    width of the model input actually written, at most {@code inputSize}
 * @param inputHeight   height of the model input actually written, at most {@code inputSize}
 * @param contentWidth  width of the resized frame inside the input
 * @param contentHeight height of the resized frame inside the input
 * @param offsetX       input column where the frame starts (padding on the left)
 * @param offsetY       input row where the frame starts (padding on top)
 */
public record Letterbox(int frameWidth, int frameHeight, int inputSize, int inputWidth, int inputHeight,
                        int contentWidth, int contentHeight, int offsetX, int offsetY) {

    /**
     * @param fill the longer side's share of the input, in (0, 1]; below 1 adds a border all round, which gives a
     *             face that fills the frame (a tight crop) the context a detector trained on scenes expects
     */
    public static Letterbox of(int frameWidth, int frameHeight, int inputSize, double fill) {
        if (frameWidth <= 0 || frameHeight <= 0) {
            throw new IllegalArgumentException("frame size must be positive: " + frameWidth + "x" + frameHeight);
        }
        if (!(fill > 0 && fill <= 1)) {
            throw new IllegalArgumentException("fill must be in (0, 1], got " + fill);
        }
        double scale = inputSize * fill / Math.max(frameWidth, frameHeight);
        int cw = Math.max(1, Math.min(inputSize, (int) Math.round(frameWidth * scale)));
        int ch = Math.max(1, Math.min(inputSize, (int) Math.round(frameHeight * scale)));
        return new Letterbox(frameWidth, frameHeight, inputSize, inputSize, inputSize, cw, ch, (inputSize - cw) / 2,
                (inputSize - ch) / 2);
    }

    /**
     * {@link #of} with the input cut to the content plus the border the longer side has ({@code (1 - fill) / 2} of
     * the square each side), each side rounded up to a multiple of {@code multiple} and at most {@code inputSize};
     * the content is centred in it. The scale is the square's, so a detector sees the frame at the same size.
     *
     * @param multiple the network's total stride (16 for BlazeFace's front model): its grid needs whole cells
     */
    public static Letterbox trimmed(int frameWidth, int frameHeight, int inputSize, double fill, int multiple) {
        if (multiple <= 0 || inputSize % multiple != 0) {
            throw new IllegalArgumentException("input size " + inputSize + " is not a multiple of " + multiple);
        }
        Letterbox square = of(frameWidth, frameHeight, inputSize, fill);
        int border = inputSize - Math.max(square.contentWidth, square.contentHeight);
        int w = Math.min(inputSize, roundUp(square.contentWidth + border, multiple));
        int h = Math.min(inputSize, roundUp(square.contentHeight + border, multiple));
        return new Letterbox(frameWidth, frameHeight, inputSize, w, h, square.contentWidth, square.contentHeight,
                (w - square.contentWidth) / 2, (h - square.contentHeight) / 2);
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    /** Whether the input is the whole square (not {@link #trimmed}). */
    public boolean square() {
        return inputWidth == inputSize && inputHeight == inputSize;
    }

    public double scaleX() {
        return (double) contentWidth / frameWidth;
    }

    public double scaleY() {
        return (double) contentHeight / frameHeight;
    }

    public double toInputX(double frameX) {
        return frameX * scaleX() + offsetX;
    }

    public double toInputY(double frameY) {
        return frameY * scaleY() + offsetY;
    }

    public double toFrameX(double inputX) {
        return (inputX - offsetX) / scaleX();
    }

    public double toFrameY(double inputY) {
        return (inputY - offsetY) / scaleY();
    }

    /** {@link #resizeContent(Mat, Mat, Mat)} with a temporary scratch image. */
    public void resizeContent(Mat frame, Mat content) {
        Mat scratch = new Mat();
        try {
            resizeContent(frame, content, scratch);
        } finally {
            scratch.release();
        }
    }

    /**
     * Resizes the frame to the content size: area averaging when shrinking, bilinear when enlarging. A shrink by more
     * than 2 goes through twice the content size: bilinear there, then OpenCV's integer-ratio area path for the last
     * halving. A direct area resize of 640x480 to 128x96 costs about 0.5-0.75 ms, the two steps about 0.2 ms, and the
     * result differs from it by half a grey level on average (bilinear alone, MediaPipe's own choice, is 0.06 ms but
     * 4.3 grey levels off, and it measurably lost small faces: docs/face-detection.md, Timing). Both steps use the
     * half-pixel convention, so the content still maps to the frame through {@link #scaleX()} exactly.
     *
     * @param scratch reused between calls for the intermediate image
     */
    public void resizeContent(Mat frame, Mat content, Mat scratch) {
        Size target = new Size(contentWidth, contentHeight);
        if (frameWidth > 2 * contentWidth && frameHeight > 2 * contentHeight) {
            Imgproc.resize(frame, scratch, new Size(2 * contentWidth, 2 * contentHeight), 0, 0, Imgproc.INTER_LINEAR);
            Imgproc.resize(scratch, content, target, 0, 0, Imgproc.INTER_AREA);
        } else {
            Imgproc.resize(frame, content, target, 0, 0,
                    contentWidth < frameWidth ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
        }
    }
}
