package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

class FrameSourcesTest {

    @TempDir
    Path dir;

    @Test
    void clipPlaysEveryFrameAtItsNativeRate() throws Exception {
        Path clip = TestFrames.astronautClip(dir, 20, 20);
        try (VideoFileSource s = new VideoFileSource(clip, false)) {
            s.open();
            assertEquals(20.0, s.fps(), 1e-6);
            assertEquals(20, s.frameCount());
            long start = System.nanoTime();
            int n = 0;
            FrameSourceException end = null;
            while (end == null) {
                try (Frame f = s.read()) {
                    assertEquals(n, f.index());
                    assertEquals(640, f.width());
                    assertEquals(480, f.height());
                    n++;
                } catch (FrameSourceException e) {
                    end = e;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(20, n);
            assertEquals(FrameSourceException.Kind.END_OF_STREAM, end.kind());
            assertTrue(end.getMessage().contains("after 20 frames"), end.getMessage());
            // Paced like a camera: 20 frames at 20 fps cannot arrive faster than 19 frame intervals.
            assertTrue(seconds >= 19 / 20.0 * 0.95, "played too fast: " + seconds + " s");
        }
    }

    @Test
    void pacingStartsAtTheFirstReadNotAtOpen() throws Exception {
        Path clip = TestFrames.astronautClip(dir, 6, 20);
        try (VideoFileSource s = new VideoFileSource(clip, false)) {
            s.open();
            Thread.sleep(400); // e.g. a model loading between open() and the first read
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                s.read().close();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 4 / 20.0 * 0.95, "frames came in a burst: 5 frames in " + seconds + " s");
        }
    }

    @Test
    void clipIsRestartableAfterItsEnd() throws Exception {
        Path clip = TestFrames.astronautClip(dir, 5, 100);
        VideoFileSource s = new VideoFileSource(clip, false);
        for (int run = 0; run < 2; run++) {
            s.open();
            int n = 0;
            while (true) {
                try (Frame f = s.read()) {
                    n++;
                } catch (FrameSourceException e) {
                    assertEquals(FrameSourceException.Kind.END_OF_STREAM, e.kind());
                    break;
                }
            }
            assertEquals(5, n);
            s.close();
            assertFalse(s.isOpen());
        }
    }

    @Test
    void loopingClipKeepsCounting() throws Exception {
        Path clip = TestFrames.astronautClip(dir, 4, 30);
        try (VideoFileSource s = new VideoFileSource(clip, true, false)) {
            s.open();
            for (int i = 0; i < 10; i++) {
                try (Frame f = s.read()) {
                    assertEquals(i, f.index());
                }
            }
        }
    }

    @Test
    void missingAndUndecodableFilesFailClearly() throws Exception {
        FrameSourceException missing = assertThrows(FrameSourceException.class,
                () -> new VideoFileSource(dir.resolve("nope.avi"), false).open());
        assertEquals(FrameSourceException.Kind.NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("nope.avi"));

        Path junk = Files.writeString(dir.resolve("junk.avi"), "not a video");
        FrameSourceException bad = assertThrows(FrameSourceException.class, () -> new VideoFileSource(junk, false).open());
        assertEquals(FrameSourceException.Kind.UNREADABLE, bad.kind());
        assertTrue(bad.getMessage().contains("MJPEG"), bad.getMessage());

        FrameSourceException notOpen = assertThrows(FrameSourceException.class,
                () -> new VideoFileSource(junk, false).read());
        assertEquals(FrameSourceException.Kind.NOT_OPEN, notOpen.kind());
    }

    @Test
    void missingCameraFailsAtOnce() {
        long start = System.nanoTime();
        CameraSource cam = new CameraSource(97, 640, 480);
        FrameSourceException e = assertThrows(FrameSourceException.class, cam::open);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(FrameSourceException.Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("No camera at index 97"), e.getMessage());
        assertFalse(cam.isOpen());
        // "At once" means no retry loop or device timeout; generous bound for a loaded 2-core machine.
        assertTrue(seconds < 5, "took " + seconds + " s");
        assertFalse(CameraSource.listCameras(3).contains(97));
    }

    @Test
    void folderCyclesItsImagesAndSkipsBrokenOnes() throws Exception {
        Mat a = TestFrames.blankFrame(64, 48, 10);
        Mat b = TestFrames.blankFrame(32, 32, 200);
        Imgcodecs.imwrite(dir.resolve("a.png").toString(), a);
        Imgcodecs.imwrite(dir.resolve("b.jpg").toString(), b);
        Files.writeString(dir.resolve("c.png"), "broken");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        Files.writeString(dir.resolve("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        try (ImageFolderSource s = new ImageFolderSource(dir, 0, true)) {
            s.open();
            // The SVG is not played, but it is named: a user never loses sight of a file they gave.
            assertEquals(java.util.List.of(dir.resolve("logo.svg")), s.skipped());
            org.junit.jupiter.api.Assertions.assertTrue(s.describe().contains("1 unreadable skipped"), s.describe());
            int[] widths = new int[5];
            for (int i = 0; i < 5; i++) {
                try (Frame f = s.read()) {
                    widths[i] = f.width();
                }
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {64, 32, 64, 32, 64}, widths);
        }
        try (ImageFolderSource once = new ImageFolderSource(dir, 0, false)) {
            once.open();
            once.read().close();
            once.read().close();
            FrameSourceException end = assertThrows(FrameSourceException.class, once::read);
            assertEquals(FrameSourceException.Kind.END_OF_STREAM, end.kind());
        }
    }

    @Test
    void folderUsesTheSharedImageExtensionsInAnyCase() throws Exception {
        // JFIF is a JPEG under another name; the folder source used to list only seven lower-case extensions.
        Path jfif = Files.createDirectory(dir.resolve("jfif"));
        Imgcodecs.imwrite(jfif.resolve("tmp.jpg").toString(), TestFrames.blankFrame(40, 30, 90));
        Files.move(jfif.resolve("tmp.jpg"), jfif.resolve("PHOTO.JFIF"));
        try (ImageFolderSource s = new ImageFolderSource(jfif, 0, false)) {
            s.open();
            try (Frame f = s.read()) {
                assertEquals(40, f.width());
            }
        }
    }

    @Test
    void emptyOrMissingFolderFailsClearly() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        FrameSourceException e = assertThrows(FrameSourceException.class, () -> new ImageFolderSource(empty, 5, true).open());
        assertEquals(FrameSourceException.Kind.UNREADABLE, e.kind());
        Path vectors = Files.createDirectory(dir.resolve("vectors"));
        Files.writeString(vectors.resolve("icon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        FrameSourceException v = assertThrows(FrameSourceException.class,
                () -> new ImageFolderSource(vectors, 5, true).open());
        org.junit.jupiter.api.Assertions.assertTrue(v.getMessage().contains("icon.svg")
                && v.getMessage().contains("SVG is a vector drawing"), v.getMessage());
        FrameSourceException m = assertThrows(FrameSourceException.class,
                () -> new ImageFolderSource(dir.resolve("missing"), 5, true).open());
        assertEquals(FrameSourceException.Kind.NOT_FOUND, m.kind());

        Path broken = Files.createDirectory(dir.resolve("broken"));
        Files.writeString(broken.resolve("x.jpg"), "broken");
        try (ImageFolderSource s = new ImageFolderSource(broken, 0, true)) {
            s.open();
            FrameSourceException r = assertThrows(FrameSourceException.class, s::read);
            assertEquals(FrameSourceException.Kind.UNREADABLE, r.kind());
        }
    }
}
