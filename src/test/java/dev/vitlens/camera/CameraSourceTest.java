package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;

/** Camera faults with a simulated device (no webcam on CI): busy, unplugged mid-stream, and restart. */
class CameraSourceTest {

    /** A device that opens and delivers {@code goodFrames} grey frames, then fails every read. */
    static final class FakeDevice extends VideoCapture {
        private final int goodFrames;
        private final AtomicInteger delivered = new AtomicInteger();
        volatile boolean released;

        FakeDevice(int goodFrames) {
            this.goodFrames = goodFrames;
        }

        @Override
        public boolean isOpened() {
            return !released;
        }

        @Override
        public boolean read(Mat image) {
            if (released || delivered.get() >= goodFrames) {
                return false;
            }
            delivered.incrementAndGet();
            TestFrames.blankFrame(64, 48, 50).copyTo(image);
            return true;
        }

        @Override
        public boolean set(int propId, double value) {
            return true;
        }

        @Override
        public void release() {
            released = true;
        }
    }

    @Test
    void busyCameraThatDeliversNothingFailsClearly() {
        OpenCvNatives.ensureLoaded();
        FakeDevice device = new FakeDevice(0);
        CameraSource cam = new CameraSource(0, 640, 480, i -> device);
        FrameSourceException e = assertThrows(FrameSourceException.class, cam::open);
        assertEquals(FrameSourceException.Kind.BUSY, e.kind());
        assertTrue(e.getMessage().contains("in use by another application"), e.getMessage());
        assertTrue(device.released, "the device must be released after a failed open");
        assertFalse(cam.isOpen());
    }

    @Test
    void unpluggedCameraReportsDisconnectedAndCanBeReopened() throws Exception {
        OpenCvNatives.ensureLoaded();
        AtomicInteger opens = new AtomicInteger();
        CameraSource cam = new CameraSource(2, 0, 0, i -> {
            opens.incrementAndGet();
            return new FakeDevice(3);
        });
        for (int run = 0; run < 2; run++) {
            cam.open();
            for (int i = 0; i < 3; i++) {
                try (Frame f = cam.read()) {
                    assertEquals(i, f.index());
                    assertEquals(64, f.width());
                }
            }
            FrameSourceException e = assertThrows(FrameSourceException.class, cam::read);
            assertEquals(FrameSourceException.Kind.DISCONNECTED, e.kind());
            assertTrue(e.getMessage().contains("Camera 2 disconnected"), e.getMessage());
            assertFalse(cam.isOpen(), "a lost camera is closed so it can be reopened");
        }
        assertEquals(2, opens.get());
    }

    @Test
    void pipelineStopsWithTheDisconnectCause() throws Exception {
        OpenCvNatives.ensureLoaded();
        LivePipelineTest.Recorder r = new LivePipelineTest.Recorder();
        LivePipeline p = new LivePipeline(new CameraSource(1, 0, 0, i -> new FakeDevice(5)),
                new LivePipelineTest.FixedClassifier(0.9f), null, LiveOptions.defaults(), r);
        p.start();
        assertTrue(p.awaitStopped(30, TimeUnit.SECONDS));
        FrameSourceException cause = (FrameSourceException) r.stopCause.get();
        assertEquals(FrameSourceException.Kind.DISCONNECTED, cause.kind());
        assertFalse(r.results.isEmpty());
    }
}
