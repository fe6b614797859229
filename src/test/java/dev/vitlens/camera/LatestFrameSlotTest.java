package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

class LatestFrameSlotTest {

    @Test
    void newestFrameWinsAndReplacedFramesAreReleased() throws Exception {
        LatestFrameSlot slot = new LatestFrameSlot();
        Mat[] mats = new Mat[5];
        for (int i = 0; i < 5; i++) {
            mats[i] = TestFrames.blankFrame(8, 8, i);
            slot.publish(new Frame(i, System.nanoTime(), mats[i]));
        }
        Frame f = slot.take(1, TimeUnit.SECONDS);
        assertEquals(4, f.index());
        assertEquals(4, slot.dropped());
        for (int i = 0; i < 4; i++) {
            assertTrue(mats[i].empty(), "replaced frame " + i + " was not released");
        }
        assertNull(slot.take(10, TimeUnit.MILLISECONDS), "a taken frame must not be handed out twice");
        f.close();
    }

    @Test
    void takeWaitsForTheNextFrame() throws Exception {
        LatestFrameSlot slot = new LatestFrameSlot();
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            slot.publish(new Frame(7, System.nanoTime(), TestFrames.blankFrame(4, 4, 0)));
        });
        producer.start();
        Frame f = slot.take(10, TimeUnit.SECONDS);
        assertEquals(7, f.index());
        f.close();
        producer.join();
    }
}
