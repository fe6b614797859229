package dev.vitlens.camera;

/** An axis-aligned box in frame pixels: top-left corner and size. */
public record Box(int x, int y, int width, int height) {

    public int area() {
        return Math.max(0, width) * Math.max(0, height);
    }

    public int centerX() {
        return x + width / 2;
    }

    public int centerY() {
        return y + height / 2;
    }

    public int intersectionArea(Box o) {
        int w = Math.min(x + width, o.x + o.width) - Math.max(x, o.x);
        int h = Math.min(y + height, o.y + o.height) - Math.max(y, o.y);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }

    public double iou(Box o) {
        int inter = intersectionArea(o);
        int union = area() + o.area() - inter;
        return union <= 0 ? 0 : (double) inter / union;
    }

    /** Grows the box by {@code margin} of its size on each side, clamped to a {@code frameWidth x frameHeight} frame. */
    public Box expand(double margin, int frameWidth, int frameHeight) {
        int dx = (int) Math.round(width * margin);
        int dy = (int) Math.round(height * margin);
        return new Box(x - dx, y - dy, width + 2 * dx, height + 2 * dy).clamp(frameWidth, frameHeight);
    }

    /**
     * The square crop a face classifier sees: side = the box's longer side grown by {@code margin} on each side,
     * centred on the box and shifted (not shrunk) to lie inside the frame; clamped only when it is larger than the
     * frame, so a face at the border still gets a square crop whenever the frame allows one.
     */
    public Box squareAround(double margin, int frameWidth, int frameHeight) {
        int side = (int) Math.round(Math.max(width, height) * (1 + 2 * margin));
        side = Math.max(1, side);
        double cx = x + width / 2.0;
        double cy = y + height / 2.0;
        int x0 = (int) Math.round(cx - side / 2.0);
        int y0 = (int) Math.round(cy - side / 2.0);
        x0 = side >= frameWidth ? (frameWidth - side) / 2 : Math.max(0, Math.min(x0, frameWidth - side));
        y0 = side >= frameHeight ? (frameHeight - side) / 2 : Math.max(0, Math.min(y0, frameHeight - side));
        return new Box(x0, y0, side, side).clamp(frameWidth, frameHeight);
    }

    public Box clamp(int frameWidth, int frameHeight) {
        int x0 = Math.max(0, Math.min(x, frameWidth));
        int y0 = Math.max(0, Math.min(y, frameHeight));
        int x1 = Math.max(x0, Math.min(x + width, frameWidth));
        int y1 = Math.max(y0, Math.min(y + height, frameHeight));
        return new Box(x0, y0, x1 - x0, y1 - y0);
    }

    /** The centred square of side {@code fraction} of the frame's shorter side. */
    public static Box centerSquare(int frameWidth, int frameHeight, double fraction) {
        int side = Math.max(1, (int) Math.round(Math.min(frameWidth, frameHeight) * fraction));
        return new Box((frameWidth - side) / 2, (frameHeight - side) / 2, side, side).clamp(frameWidth, frameHeight);
    }

    public int[] toArray() {
        return new int[] {x, y, width, height};
    }
}
