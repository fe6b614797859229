package dev.vitlens.camera;

import org.opencv.core.Rect;

/**
 * Where a square of a frame lands in a square output image of {@code size} pixels, when the square may reach past the
 * frame's edges: {@link #from} is the part inside the frame (frame pixels), {@link #to} where that part goes in the
 * output (output pixels); the rest of the output is padding. Used by the verifier's crops and the second opinion's
 * zoom pass, which both scale a face's surroundings into a fixed-size input.
 *
 * @param from the square's part inside the frame
 * @param to   its place in the output
 */
record SquareCut(Rect from, Rect to) {

    /**
     * @param x0   the square's left edge in frame pixels (may be negative)
     * @param y0   its top edge
     * @param side its side in frame pixels
     * @return the cut, or {@code null} when no output pixel comes from the frame
     */
    static SquareCut of(double x0, double y0, double side, int frameWidth, int frameHeight, int size) {
        if (!(side > 0)) {
            return null;
        }
        double k = size / side;
        int fx0 = (int) Math.max(0, Math.floor(x0));
        int fy0 = (int) Math.max(0, Math.floor(y0));
        int fx1 = (int) Math.min(frameWidth, Math.ceil(x0 + side));
        int fy1 = (int) Math.min(frameHeight, Math.ceil(y0 + side));
        int dx0 = (int) Math.max(0, Math.round((fx0 - x0) * k));
        int dy0 = (int) Math.max(0, Math.round((fy0 - y0) * k));
        int dx1 = (int) Math.min(size, Math.round((fx1 - x0) * k));
        int dy1 = (int) Math.min(size, Math.round((fy1 - y0) * k));
        if (fx1 <= fx0 || fy1 <= fy0 || dx1 <= dx0 || dy1 <= dy0) {
            return null;
        }
        return new SquareCut(new Rect(fx0, fy0, fx1 - fx0, fy1 - fy0), new Rect(dx0, dy0, dx1 - dx0, dy1 - dy0));
    }

    /** Whether the part is shrunk on its way (area averaging then, bilinear when enlarged). */
    boolean shrinks() {
        return to.width < from.width;
    }
}
