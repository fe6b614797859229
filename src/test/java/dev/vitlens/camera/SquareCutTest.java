package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Rect;

class SquareCutTest {

    @BeforeAll
    static void natives() {
        OpenCvNatives.ensureLoaded();
    }

    @Test
    void aSquareInsideTheFrameFillsTheOutput() {
        SquareCut c = SquareCut.of(100, 50, 64, 640, 480, 32);
        assertEquals(new Rect(100, 50, 64, 64), c.from());
        assertEquals(new Rect(0, 0, 32, 32), c.to());
        assertTrue(c.shrinks());
    }

    @Test
    void aSquareOverTheTopLeftCornerLeavesPaddingThere() {
        // Half of a 40-px square lies left of and above the frame: its lower-right quarter of the output is filled.
        SquareCut c = SquareCut.of(-20, -20, 40, 640, 480, 128);
        assertEquals(new Rect(0, 0, 20, 20), c.from());
        assertEquals(new Rect(64, 64, 64, 64), c.to());
        assertFalse(c.shrinks(), "20 px become 64: enlarged");
    }

    @Test
    void aSquareOverTheBottomRightCornerIsCutAtTheFrame() {
        SquareCut c = SquareCut.of(600, 440, 80, 640, 480, 32);
        assertEquals(new Rect(600, 440, 40, 40), c.from());
        assertEquals(new Rect(0, 0, 16, 16), c.to());
    }

    @Test
    void nothingInsideTheFrameOrAnEmptySquareGivesNoCut() {
        assertNull(SquareCut.of(700, 10, 50, 640, 480, 32), "right of the frame");
        assertNull(SquareCut.of(-60, 10, 50, 640, 480, 32), "left of the frame");
        assertNull(SquareCut.of(10, 10, 0, 640, 480, 32), "no side");
        assertNull(SquareCut.of(10, 10, Double.NaN, 640, 480, 32), "NaN side");
    }
}
