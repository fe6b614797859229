package dev.vitlens.engine;

import org.junit.jupiter.api.Test;

import java.awt.Rectangle;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageRegionTest {

    @Test
    void centreCropOfDeitBaseSeesTheMiddle() {
        // DeiT-base: resize to 256x256, crop 224x224 -> 16 px off each side.
        ImageRegion region = ImageRegion.ofCenterCrop(256, 256, new int[] {224, 224});
        assertEquals(16.0 / 256, region.x(), 1e-12);
        assertEquals(224.0 / 256, region.width(), 1e-12);
        assertEquals(new Rectangle(25, 25, 350, 350), region.toPixels(400, 400));
    }

    @Test
    void noCropOrOversizedCropSeesEverything() {
        assertEquals(ImageRegion.WHOLE, ImageRegion.ofCenterCrop(28, 28, null));
        assertEquals(ImageRegion.WHOLE, ImageRegion.ofCenterCrop(28, 28, new int[] {32, 32}));
        assertEquals(new Rectangle(0, 0, 28, 28), ImageRegion.WHOLE.toPixels(28, 28));
    }

    @Test
    void aRegionOfAFaceCropIsThatPartOfThePhoto() {
        // A 200x200 crop at (300, 100) of an 800x520 photo; the model saw the crop's centre 50%.
        ImageRegion crop = ImageRegion.ofPixels(300, 100, 200, 200, 800, 520);
        assertEquals(new Rectangle(300, 100, 200, 200), crop.toPixels(800, 520));
        ImageRegion seen = new ImageRegion(0.25, 0.25, 0.5, 0.5).within(crop);
        assertEquals(new Rectangle(350, 150, 100, 100), seen.toPixels(800, 520));
        assertEquals(crop, ImageRegion.WHOLE.within(crop), "a model that saw all of the crop saw the crop");
    }
}
