package dev.vitlens.camera;

import dev.vitlens.explain.HeatGrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class LiveFrameRendererTest {

    @Test
    void copiesBgrAsOpaqueArgb() {
        OpenCvNatives.ensureLoaded();
        Mat m = new Mat(2, 3, CvType.CV_8UC3, new Scalar(10, 20, 30)); // B, G, R
        LiveFrameRenderer r = new LiveFrameRenderer(3, 2);
        r.render(m, List.of(), null);
        for (int p : r.pixels()) {
            assertEquals(0xFF1E140A, p);
        }
        assertEquals(6, r.buffer().capacity());
        assertTrue(r.buffer().array() == r.pixels(), "the IntBuffer must wrap the pixel array (zero copy)");
        m.release();
    }

    @Test
    void drawsBoxesInTheLabelsColour() {
        Mat gray = TestFrames.blankFrame(640, 480, 128);
        LiveFrameRenderer r = new LiveFrameRenderer(640, 480);
        FaceResult masked = new FaceResult(new Box(100, 100, 120, 120), "with_mask", 0.95f, false, true, null);
        FaceResult bare = new FaceResult(new Box(400, 200, 100, 100), "without_mask", 0.90f, false, true, null);
        r.render(gray, List.of(masked, bare), "30 fps");
        int green = LiveFrameRenderer.colorOf(masked).getRGB();
        int red = LiveFrameRenderer.colorOf(bare).getRGB();
        assertNotEquals(green, red);
        assertEquals(green, r.pixels()[150 * 640 + 100], "left edge of the masked face's box");
        assertEquals(red, r.pixels()[250 * 640 + 400], "left edge of the bare face's box");
        assertEquals(0xFF808080, r.pixels()[160 * 640 + 160], "inside the box the frame is untouched");
        gray.release();
    }

    @Test
    void uncertainAndFailedFacesAreGrey() {
        FaceResult unsure = new FaceResult(new Box(0, 0, 10, 10), "with_mask", 0.4f, false, false, null);
        FaceResult failed = new FaceResult(new Box(0, 0, 10, 10), null, Float.NaN, false, false, null);
        assertEquals(LiveFrameRenderer.colorOf(unsure), LiveFrameRenderer.colorOf(failed));
        assertEquals("with_mask 40% (unsure)", LiveFrameRenderer.labelText(unsure));
        FaceResult fallback = new FaceResult(new Box(0, 0, 10, 10), "without_mask", 0.8f, true, true, null);
        assertTrue(LiveFrameRenderer.labelText(fallback).startsWith("no face found"));
    }

    @Test
    void heatmapTintsOnlyItsBox() {
        Mat gray = TestFrames.blankFrame(64, 64, 100);
        LiveFrameRenderer r = new LiveFrameRenderer(64, 64);
        HeatGrid hot = HeatGrid.of(1, 2, new float[] {1f, 0f});
        r.copyFrame(gray);
        r.drawOverlay(List.of(new FaceResult(new Box(10, 10, 40, 40), null, Float.NaN, false, false, hot)), null);
        int hotPixel = r.pixels()[30 * 64 + 20];
        int coldPixel = r.pixels()[30 * 64 + 40];
        assertTrue(((hotPixel >> 16) & 0xFF) > 150, Integer.toHexString(hotPixel));
        assertEquals(0xFF646464, coldPixel);
        assertEquals(0xFF646464, r.pixels()[5 * 64 + 5]);
        gray.release();
    }

    @Test
    void rejectsAFrameOfTheWrongSize() {
        Mat m = TestFrames.blankFrame(10, 10, 0);
        assertThrows(IllegalArgumentException.class, () -> new LiveFrameRenderer(20, 10).copyFrame(m));
        m.release();
    }
}
