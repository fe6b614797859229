package dev.vitlens.explain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeatmapRendererTest {

    @Test
    void upsamplingAtScaleOneIsIdentity() {
        float[] v = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(v, HeatmapRenderer.upsample(v, 2, 3, 3, 2));
    }

    @Test
    void upsamplingIsAlignedToPatchCentres() {
        // 1x2 grid over 4 pixels: patch centres at x = 1.0 and 3.0 (pixel centres 0.5, 1.5, 2.5, 3.5)
        float[] up = HeatmapRenderer.upsample(new float[] {0, 1}, 1, 2, 4, 1);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, up, 1e-6f);
        // symmetric: a grid and its mirror give mirrored pixels
        float[] mirrored = HeatmapRenderer.upsample(new float[] {1, 0}, 1, 2, 4, 1);
        for (int x = 0; x < 4; x++) {
            assertEquals(up[x], mirrored[3 - x], 1e-6f);
        }
    }

    @Test
    void upsamplingIsBilinearInsideAndConstantOutsideTheCentres() {
        float[] grid = {0, 10, 20, 30}; // 2x2
        float[] up = HeatmapRenderer.upsample(grid, 2, 2, 32, 32);
        assertEquals(0f, up[0]);                 // corner beyond the first centre
        assertEquals(30f, up[31 * 32 + 31]);     // opposite corner
        // centre of the image is the mean of the four values
        float centre = (up[15 * 32 + 15] + up[15 * 32 + 16] + up[16 * 32 + 15] + up[16 * 32 + 16]) / 4;
        assertEquals(15f, centre, 1e-4f);
        for (float x : up) {
            assertTrue(x >= 0 && x <= 30);
        }
    }

    @Test
    void colorizeUsesTheColormapEnds() {
        HeatGrid grid = HeatGrid.of(1, 2, new float[] {-5, 7});
        BufferedImage img = HeatmapRenderer.colorize(grid, 8, 4, RenderOptions.defaults());
        assertEquals(Colormap.VIRIDIS.rgb(0), img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(Colormap.VIRIDIS.rgb(1), img.getRGB(7, 3) & 0xFFFFFF);
    }

    @Test
    void overlayBlendsOnlyInsideTheRegion() {
        BufferedImage base = new BufferedImage(20, 10, BufferedImage.TYPE_3BYTE_BGR); // not an int raster on purpose
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) {
                base.setRGB(x, y, 0x808080);
            }
        }
        HeatGrid grid = HeatGrid.of(1, 1, new float[] {1});
        RenderOptions options = RenderOptions.defaults().withScaling(Scaling.NONE).withAlpha(0.5f);
        BufferedImage out = HeatmapRenderer.overlay(base, grid, new Rectangle(5, 0, 10, 10), options);

        assertEquals(0x808080, out.getRGB(0, 5) & 0xFFFFFF);
        assertEquals(0x808080, out.getRGB(19, 5) & 0xFFFFFF);
        int yellow = Colormap.VIRIDIS.rgb(1);
        int blended = out.getRGB(10, 5) & 0xFFFFFF;
        for (int shift : new int[] {16, 8, 0}) {
            int expected = (0x80 + ((yellow >> shift) & 0xFF)) / 2;
            assertEquals(expected, (blended >> shift) & 0xFF, 1);
        }
        assertEquals(0x808080, base.getRGB(10, 5) & 0xFFFFFF, "base image untouched");

        assertThrows(IllegalArgumentException.class,
                () -> HeatmapRenderer.overlay(base, grid, new Rectangle(15, 0, 10, 10), options));
    }

    @Test
    void alphaZeroAndOneAreExact() {
        BufferedImage base = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        java.util.Arrays.fill(HeatmapRenderer.pixels(base), 0x123456);
        HeatGrid grid = HeatGrid.of(1, 1, new float[] {0});
        RenderOptions none = RenderOptions.defaults().withScaling(Scaling.NONE);
        assertEquals(0x123456, HeatmapRenderer.overlay(base, grid, none.withAlpha(0)).getRGB(2, 2) & 0xFFFFFF);
        assertEquals(Colormap.VIRIDIS.rgb(0), HeatmapRenderer.overlay(base, grid, none.withAlpha(1)).getRGB(2, 2) & 0xFFFFFF);
    }

    @Test
    void gridLinesFallOnPatchBoundaries() {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        HeatmapRenderer.drawPatchGrid(img, 2, 2, new Rectangle(0, 0, 32, 32), 0xFFFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(16, 5) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(5, 16) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(0, 7) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(31, 7) & 0xFFFFFF);
        assertEquals(0, img.getRGB(8, 8) & 0xFFFFFF);
        assertEquals(0, img.getRGB(24, 20) & 0xFFFFFF);
    }

    @Test
    void zeroCenteredScalingPutsZeroInTheMiddle() {
        float[] scaled = Scaling.ZERO_CENTERED.apply(HeatGrid.of(1, 3, new float[] {-2, 0, 1}));
        assertArrayEquals(new float[] {0f, 0.5f, 0.75f}, scaled, 1e-6f);
    }

    @Test
    void writesPngAtomically(@TempDir Path dir) throws Exception {
        BufferedImage img = HeatmapRenderer.colorize(HeatGrid.of(2, 2, new float[] {0, 1, 2, 3}), 16, 16, RenderOptions.defaults());
        Path target = dir.resolve("sub/overlay.png");
        HeatmapRenderer.writePng(img, target);
        BufferedImage back = ImageIO.read(target.toFile());
        assertEquals(16, back.getWidth());
        assertEquals(img.getRGB(3, 12), back.getRGB(3, 12));
        try (var files = Files.list(target.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
