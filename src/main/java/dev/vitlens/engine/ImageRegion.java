package dev.vitlens.engine;

import dev.vitlens.catalog.PreprocessorConfig;

/**
 * The part of the image the model saw, as fractions of the image size (a centre crop sees less than the whole).
 * The heatmap and the patch grid cover exactly this region.
 */
public record ImageRegion(double x, double y, double width, double height) {

    public static final ImageRegion WHOLE = new ImageRegion(0, 0, 1, 1);

    /**
     * The region HF-style preprocessing keeps: resize to {@code resizedH x resizedW}, then centre-crop
     * {@code cropH x cropW} (null crop = no crop). A crop larger than the resized image pads, so it sees it all.
     */
    public static ImageRegion ofCenterCrop(int resizedH, int resizedW, int[] crop) {
        if (crop == null || resizedH <= 0 || resizedW <= 0) {
            return WHOLE;
        }
        int cropH = Math.min(crop[0], resizedH);
        int cropW = Math.min(crop[1], resizedW);
        int top = Math.floorDiv(resizedH - cropH, 2);
        int left = Math.floorDiv(resizedW - cropW, 2);
        return new ImageRegion((double) left / resizedW, (double) top / resizedH, (double) cropW / resizedW,
                (double) cropH / resizedH);
    }

    /** The region a model with this preprocessing sees of an {@code imageHeight x imageWidth} image. */
    public static ImageRegion seenBy(PreprocessorConfig config, int imageHeight, int imageWidth) {
        int[] resized = config.resizedSize(imageHeight, imageWidth);
        return ofCenterCrop(resized[0], resized[1], config.cropSize());
    }

    /** True when the centre crop is larger than the resized image on some side, so preprocessing pads it. */
    public static boolean cropPads(PreprocessorConfig config, int imageHeight, int imageWidth) {
        int[] resized = config.resizedSize(imageHeight, imageWidth);
        int[] crop = config.cropSize();
        return crop != null && (crop[0] > resized[0] || crop[1] > resized[1]);
    }

    /** The rectangle {@code x, y, width, height} (pixels) of an {@code imageWidth x imageHeight} image. */
    public static ImageRegion ofPixels(int x, int y, int width, int height, int imageWidth, int imageHeight) {
        return new ImageRegion((double) x / imageWidth, (double) y / imageHeight, (double) width / imageWidth,
                (double) height / imageHeight);
    }

    /**
     * This region of a part of an image, as a region of the whole image: a model that saw {@code this} of a face crop
     * saw that region of the photo the crop came from.
     */
    public ImageRegion within(ImageRegion part) {
        return new ImageRegion(part.x + x * part.width, part.y + y * part.height, width * part.width,
                height * part.height);
    }

    /** In pixels of an image of the given size. */
    public java.awt.Rectangle toPixels(int imageWidth, int imageHeight) {
        int px = (int) Math.round(x * imageWidth);
        int py = (int) Math.round(y * imageHeight);
        int pw = Math.max(1, Math.min(imageWidth - px, (int) Math.round(width * imageWidth)));
        int ph = Math.max(1, Math.min(imageHeight - py, (int) Math.round(height * imageHeight)));
        return new java.awt.Rectangle(px, py, pw, ph);
    }
}
