package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

class LivePipelineTest {

    @TempDir
    Path dir;

    /** Collects what the pipeline reports. */
    static class Recorder implements LivePipeline.Listener {
        final List<FrameResult> results = new CopyOnWriteArrayList<>();
        final AtomicReference<Exception> stopCause = new AtomicReference<>();
        final AtomicInteger stops = new AtomicInteger();
        volatile LiveFrameRenderer lastRendered;

        @Override
        public void onFrame(FrameResult result, LiveFrameRenderer rendered) {
            results.add(result);
            lastRendered = rendered;
        }

        @Override
        public void onStopped(Exception cause) {
            stopCause.set(cause);
            stops.incrementAndGet();
        }
    }

    /** Labels every crop "with_mask" with a fixed score and records the batch sizes. */
    static final class FixedClassifier implements FaceClassifier {
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        final float score;

        FixedClassifier(float score) {
            this.score = score;
        }

        @Override
        public List<FaceLabel> classify(List<BufferedImage> crops) {
            batchSizes.add(crops.size());
            return crops.stream().map(c -> new FaceLabel("with_mask", score)).toList();
        }
    }

    private static Recorder runToEnd(FrameSource source, FaceClassifier classifier, LiveOptions options) throws Exception {
        Recorder r = new Recorder();
        LivePipeline p = new LivePipeline(source, classifier, null, options, r);
        p.start();
        assertTrue(p.awaitStopped(60, TimeUnit.SECONDS), "pipeline did not stop at the end of the clip");
        assertFalse(p.isRunning());
        return r;
    }

    @Test
    void astronautClipGivesOneClassifiedFacePerFrameInOneBatch() throws Exception {
        FixedClassifier model = new FixedClassifier(0.9f);
        Recorder r = runToEnd(new VideoFileSource(TestFrames.astronautClip(dir, 6, 30), false, false), model,
                LiveOptions.defaults());
        assertInstanceOf(FrameSourceException.class, r.stopCause.get());
        assertEquals(FrameSourceException.Kind.END_OF_STREAM, ((FrameSourceException) r.stopCause.get()).kind());
        assertFalse(r.results.isEmpty());
        for (FrameResult fr : r.results) {
            assertNull(fr.error());
            assertEquals(640, fr.width());
            FaceResult face = fr.faces().stream().filter(f -> FaceDetectorTest.isAstronautFace(f.box())).findFirst()
                    .orElseThrow(() -> new AssertionError("face not found in frame " + fr.frameIndex() + ": " + fr.faces()));
            assertEquals("with_mask", face.label());
            assertEquals(0.9f, face.score());
            assertFalse(face.fallback());
            assertTrue(face.confident());
            assertTrue(fr.timings().detectMs() > 0);
        }
        // All faces of a frame go to the model in one call.
        for (int i = 0; i < r.results.size(); i++) {
            assertEquals(r.results.get(i).faces().size(), model.batchSizes.get(i));
        }
        assertNotNull(r.lastRendered);
        assertEquals(1, r.stops.get());
    }

    @Test
    void blankFrameFallsBackToTheCentreCrop() throws Exception {
        FixedClassifier model = new FixedClassifier(0.3f);
        Recorder r = runToEnd(new VideoFileSource(TestFrames.blankClip(dir, 3, 30), false, false), model,
                LiveOptions.defaults().withThreshold(0.5f));
        assertFalse(r.results.isEmpty());
        for (FrameResult fr : r.results) {
            assertEquals(1, fr.faces().size());
            FaceResult f = fr.faces().get(0);
            assertTrue(f.fallback());
            assertEquals(Box.centerSquare(640, 480, 0.7), f.box());
            assertEquals("with_mask", f.label());
            assertFalse(f.confident(), "0.3 is below the 0.5 threshold");
        }
    }

    @Test
    void fallbackCanBeSwitchedOff() throws Exception {
        FixedClassifier model = new FixedClassifier(0.9f);
        Recorder r = runToEnd(new VideoFileSource(TestFrames.blankClip(dir, 3, 30), false, false), model,
                LiveOptions.defaults().withFallback(false));
        assertFalse(r.results.isEmpty());
        r.results.forEach(fr -> assertEquals(List.of(), fr.faces()));
        assertTrue(model.batchSizes.isEmpty(), "the model must not be called without crops");
    }

    @Test
    void failingModelIsReportedPerFrameAndThePipelineKeepsRunning() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        FaceClassifier broken = crops -> {
            calls.incrementAndGet();
            throw new IllegalStateException("weights corrupt");
        };
        Recorder r = runToEnd(new VideoFileSource(TestFrames.astronautClip(dir, 5, 30), false, false), broken,
                LiveOptions.defaults());
        assertEquals(FrameSourceException.Kind.END_OF_STREAM, ((FrameSourceException) r.stopCause.get()).kind());
        assertTrue(r.results.size() >= 2, "kept processing after the failure: " + r.results.size());
        for (FrameResult fr : r.results) {
            assertEquals("Model failed: weights corrupt", fr.error());
            assertFalse(fr.faces().isEmpty(), "boxes are still reported");
            assertNull(fr.faces().get(0).label());
        }
        assertEquals(r.results.size(), calls.get());
    }

    @Test
    void failingModelCanStopThePipelineCleanly() throws Exception {
        FaceClassifier broken = crops -> {
            throw new IllegalStateException("out of memory");
        };
        Recorder r = runToEnd(new VideoFileSource(TestFrames.astronautClip(dir, 30, 30), true, true), broken,
                LiveOptions.defaults().withStopOnModelError(true));
        assertEquals(1, r.results.size());
        assertInstanceOf(LivePipeline.ModelException.class, r.stopCause.get());
        assertTrue(r.stopCause.get().getMessage().contains("out of memory"));
    }

    @Test
    void slowConsumerNeverWorksThroughABacklog() throws Exception {
        // 40 frames at 40 fps (1 s) against a model that needs 150 ms per frame.
        FaceClassifier slow = crops -> {
            Thread.sleep(150);
            return crops.stream().map(c -> new FaceLabel("without_mask", 0.8f)).toList();
        };
        Recorder r = new Recorder();
        LivePipeline p = new LivePipeline(new VideoFileSource(TestFrames.astronautClip(dir, 40, 40), false, true), slow,
                null, LiveOptions.defaults().withRender(false), r);
        long start = System.nanoTime();
        p.start();
        assertTrue(p.awaitStopped(60, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<FrameResult> res = r.results;
        assertFalse(res.isEmpty());
        // A queue would process all 40 frames (6 s); latest-frame-wins skips the stale ones.
        assertTrue(res.size() < 40, "processed every frame: a backlog was worked through");
        assertTrue(res.get(res.size() - 1).droppedFrames() > 0);
        for (int i = 1; i < res.size(); i++) {
            assertTrue(res.get(i).frameIndex() > res.get(i - 1).frameIndex(), "frames out of order");
        }
        // Once the clip ends, at most the one frame waiting in the slot is still processed.
        int maxFrames = (int) Math.ceil(seconds / 0.150) + 1;
        assertTrue(res.size() <= maxFrames, res.size() + " frames in " + seconds + " s");
    }

    @Test
    void corruptDetectorFileFallsBackToTheCascadesWithANotice() throws Exception {
        Path corrupt = dir.resolve("blazeface.onnx");
        java.nio.file.Files.writeString(corrupt, "truncated download");
        List<String> notices = new CopyOnWriteArrayList<>();
        Recorder r = new Recorder() {
            @Override
            public void onNotice(String message) {
                notices.add(message);
            }
        };
        LivePipeline p = new LivePipeline(new VideoFileSource(TestFrames.astronautClip(dir, 4, 30), false, false),
                new FixedClassifier(0.9f), null,
                LiveOptions.defaults().withDetector(BlazeFaceDetector.Settings.defaults().withModelFile(corrupt)), r);
        p.start();
        assertTrue(p.awaitStopped(60, TimeUnit.SECONDS));
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("blazeface.onnx") && notices.get(0).contains("cascades"), notices.get(0));
        assertFalse(r.results.isEmpty());
        for (FrameResult fr : r.results) {
            assertNull(fr.error());
            assertTrue(fr.faces().stream().anyMatch(f -> FaceDetectorTest.isAstronautFace(f.box()) && !f.fallback()),
                    "the cascades found the face: " + fr.faces());
        }
    }

    @Test
    void manyFacesAreClassifiedInOneBatchWithTheirKeypoints() throws Exception {
        Mat group = BlazeFaceDetectorTest.group(BlazeFaceDetectorTest.sixHeads());
        Path clip = dir.resolve("group.avi");
        MjpegClips.write(clip, 640, 480, 30, 3, i -> group.clone());
        group.release();
        FixedClassifier model = new FixedClassifier(0.9f);
        Recorder r = runToEnd(new VideoFileSource(clip, false, false), model, LiveOptions.defaults());
        assertFalse(r.results.isEmpty());
        for (FrameResult fr : r.results) {
            assertEquals(6, fr.faces().size(), fr.faces().toString());
            for (FaceResult f : fr.faces()) {
                assertFalse(f.fallback());
                assertEquals("with_mask", f.label());
                assertNotNull(f.keypoints());
                assertTrue(f.detectionScore() >= 0.5f, f.toString());
            }
        }
        assertTrue(model.batchSizes.stream().allMatch(n -> n == 6), "one call per frame: " + model.batchSizes);
    }

    @Test
    void moreFacesThanMaxFacesKeepsTheLargest() throws Exception {
        List<Rect> heads = new ArrayList<>(BlazeFaceDetectorTest.sixHeads());
        heads.set(4, new Rect(222, 250, 215, 215)); // one head larger than the others
        Mat group = BlazeFaceDetectorTest.group(heads);
        LiveOptions base = LiveOptions.defaults();
        LiveOptions two = new LiveOptions(base.detector(), base.cropMargin(), true, base.fallbackFraction(),
                base.threshold(), 2, false, false);
        FixedClassifier model = new FixedClassifier(0.9f);
        try (FaceFrameProcessor p = new FaceFrameProcessor(model, null, two)) {
            FrameResult fr = p.process(new Frame(0, System.nanoTime(), group), 0, 0);
            assertEquals(2, fr.faces().size(), fr.faces().toString());
            assertTrue(Math.abs(fr.faces().get(0).box().centerX() - (222 + 107)) < 30, fr.faces().toString());
            assertEquals(List.of(2), model.batchSizes);
        } finally {
            group.release();
        }
    }

    @Test
    void faceAtTheBorderGetsASquareCropInsideTheFrame() throws Exception {
        Mat photo = TestFrames.astronaut();
        Mat frame = TestFrames.blankFrame(640, 480, 110);
        photo.submat(new Rect(196, 0, 316, 480)).copyTo(frame.submat(new Rect(0, 0, 316, 480)));
        List<Integer> cropSizes = new ArrayList<>();
        FaceClassifier sizes = crops -> {
            crops.forEach(c -> cropSizes.add(c.getWidth() * 10000 + c.getHeight()));
            return crops.stream().map(c -> new FaceLabel("without_mask", 0.8f)).toList();
        };
        try (FaceFrameProcessor p = new FaceFrameProcessor(sizes, null, LiveOptions.defaults())) {
            FrameResult fr = p.process(new Frame(0, System.nanoTime(), frame), 0, 0);
            assertEquals(1, fr.faces().size(), fr.faces().toString());
            FaceResult f = fr.faces().get(0);
            assertFalse(f.fallback());
            assertEquals(0, f.box().x(), f.box().toString());
            int side = cropSizes.get(0) / 10000;
            assertEquals(side, cropSizes.get(0) % 10000, "square crop");
            assertTrue(side > f.box().height(), "the crop has a margin: " + side + " vs " + f.box());
        } finally {
            frame.release();
            photo.release();
        }
    }

    @Test
    void unpacedFolderIsProcessedImageByImageWithNothingDropped() throws Exception {
        Path folder = dir.resolve("images");
        java.nio.file.Files.createDirectories(folder);
        Mat base = TestFrames.astronautFrame();
        int images = 40;
        for (int i = 0; i < images; i++) {
            Mat m = TestFrames.numbered(base, i);
            org.opencv.imgcodecs.Imgcodecs.imwrite(folder.resolve(String.format("%03d.jpg", i)).toString(), m);
            m.release();
        }
        base.release();
        // A model much slower than the folder decodes: a camera-style handoff would drop most images.
        FaceClassifier slow = crops -> {
            Thread.sleep(15);
            return crops.stream().map(c -> new FaceLabel("with_mask", 0.9f)).toList();
        };
        Recorder r = runToEnd(new ImageFolderSource(folder, 0, false), slow, LiveOptions.defaults().withRender(false));
        assertEquals(FrameSourceException.Kind.END_OF_STREAM, ((FrameSourceException) r.stopCause.get()).kind());
        assertEquals(images, r.results.size());
        for (int i = 0; i < images; i++) {
            assertEquals(i, r.results.get(i).frameIndex(), "every image once, in order");
            assertEquals(0, r.results.get(i).droppedFrames());
        }
    }

    @Test
    void stoppingAFolderRunWhileCaptureWaitsEndsPromptly() throws Exception {
        Path folder = dir.resolve("few");
        java.nio.file.Files.createDirectories(folder);
        Mat base = TestFrames.blankFrame(64, 48, 90);
        org.opencv.imgcodecs.Imgcodecs.imwrite(folder.resolve("a.png").toString(), base);
        base.release();
        FaceClassifier slow = crops -> {
            Thread.sleep(200);
            return crops.stream().map(c -> new FaceLabel("with_mask", 0.9f)).toList();
        };
        Recorder r = new Recorder();
        LivePipeline p = new LivePipeline(new ImageFolderSource(folder, 0, true), slow, null,
                LiveOptions.defaults().withRender(false), r);
        p.start();
        while (r.results.isEmpty()) {
            Thread.sleep(10);
        }
        long t = System.nanoTime();
        p.stop();
        assertTrue(p.awaitStopped(5, TimeUnit.SECONDS));
        assertTrue((System.nanoTime() - t) / 1e9 < 2, "stop waited for the blocked capture thread");
        assertNull(r.stopCause.get());
    }

    @Test
    void noCameraFailsAtStartWithAClearMessage() {
        Recorder r = new Recorder();
        LivePipeline p = new LivePipeline(new CameraSource(97, 640, 480), new FixedClassifier(0.9f), null,
                LiveOptions.defaults(), r);
        FrameSourceException e = assertThrows(FrameSourceException.class, p::start);
        assertEquals(FrameSourceException.Kind.NOT_FOUND, e.kind());
        assertFalse(p.isRunning());
        assertEquals(0, r.stops.get());
    }

    @Test
    void stopOnRequestAndRestart() throws Exception {
        Recorder r = new Recorder();
        LivePipeline p = new LivePipeline(new VideoFileSource(TestFrames.astronautClip(dir, 10, 30), true, true),
                new FixedClassifier(0.9f), null, LiveOptions.defaults(), r);
        for (int run = 1; run <= 2; run++) {
            p.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int before = r.results.size();
            while (r.results.size() < before + 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            p.stop();
            assertTrue(p.awaitStopped(10, TimeUnit.SECONDS));
            assertFalse(p.isRunning());
            assertNull(r.stopCause.get(), "a requested stop has no cause");
            assertEquals(run, r.stops.get());
            assertTrue(r.results.size() >= before + 2, "run " + run + " produced no frames");
        }
    }

    @Test
    void listenerCanStopThePipelineFromItsCallback() throws Exception {
        AtomicReference<LivePipeline> ref = new AtomicReference<>();
        Recorder r = new Recorder() {
            @Override
            public void onFrame(FrameResult result, LiveFrameRenderer rendered) {
                super.onFrame(result, rendered);
                if (results.size() == 3) {
                    ref.get().stop();
                }
            }
        };
        LivePipeline p = new LivePipeline(new VideoFileSource(TestFrames.astronautClip(dir, 10, 30), true, false),
                new FixedClassifier(0.9f), null, LiveOptions.defaults(), r);
        ref.set(p);
        p.start();
        assertTrue(p.awaitStopped(30, TimeUnit.SECONDS));
        assertEquals(3, r.results.size());
    }
}
