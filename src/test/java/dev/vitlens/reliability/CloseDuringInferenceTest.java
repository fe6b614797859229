package dev.vitlens.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.camera.BlazeFaceDetector;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.AnalysisEngine;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.OnnxGraph;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.inference.TensorLedger;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.ExplainSettings;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: closing a model while other threads are inside {@code OrtSession.run} on it (the workbench closing its
 * sessions at exit while the faithfulness scorer runs a batch) freed the native session under the running call: a
 * SIGSEGV in libonnxruntime.so. Here several threads run a real model in a loop while the test closes it, round after
 * round. Before the fix the JVM died within a few rounds (the surefire fork crashes: the test fails); now every run
 * either completes with the right numbers or fails with "was closed", and every ONNX Runtime value is released.
 */
class CloseDuringInferenceTest {
    private static final int ROUNDS = 40;
    private static final int THREADS = 4;
    private static final int BATCH = 16;

    /** What one round saw. */
    private record Round(int completed, int refused, int spanned) { }

    @Test
    void closingAModelWhileThreadsRunItFailsTheirLaterRunsClearlyAndReleasesEverything() throws Exception {
        ModelInfo info = ModelFolder.load(Path.of("models/vit-fashion"));
        RunnerOptions options = RunnerOptions.on(Device.CPU).withThreads(1, 1);
        float[][] batch = noise(BATCH, 3 * info.inputHeight() * info.inputWidth(), 19);
        RgbImage picture = picture(info.inputWidth(), info.inputHeight());
        float[][] expected;
        float[] expectedProbabilities;
        try (ModelSession reference = ModelSession.forClassification(info, options)) {
            expected = reference.runner().logits(batch);
            expectedProbabilities = reference.analyse(picture, 3, false).classification().probabilities();
        }

        TensorLedger.Snapshot before = TensorLedger.snapshot();
        int completed = 0;
        int refused = 0;
        int spanned = 0;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                ModelSession session = ModelSession.forClassification(info, options);
                int pause = round % 4;
                Round r = closeWhileRunning(pool, session::close, pause, thread -> {
                    // The faithfulness scorer's call (logits of separate CHW arrays), and the viewer's analyse.
                    if (thread % 2 == 0) {
                        float[][] logits = session.runner().logits(batch);
                        for (int i = 0; i < BATCH; i++) {
                            assertArrayEquals(expected[i], logits[i], 1e-5f, "image " + i);
                        }
                    } else {
                        Analysis a = session.analyse(picture, 3, false);
                        assertArrayEquals(expectedProbabilities, a.classification().probabilities(), 1e-6f);
                    }
                });
                completed += r.completed();
                refused += r.refused();
                spanned += r.spanned();
                // The last run out released the ORT session itself.
                assertThrows(IllegalStateException.class, () -> session.runner().outputNames(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
        TensorLedger.Snapshot after = TensorLedger.snapshot();
        System.out.printf("%d rounds x %d threads: %d runs completed, %d refused after close, %d ran across a whole"
                + " close() call%n", ROUNDS, THREADS, completed, refused, spanned);
        assertEquals(ROUNDS * THREADS, refused, "every thread's first run after the close was refused");
        assertTrue(completed > ROUNDS * THREADS, "runs completed: " + completed);
        assertTrue(spanned > 0, "some runs were inside ORT for the whole close() call (the race the fix is for)");
        assertEquals(after.created() - before.created(), after.closed() - before.closed(),
                "every ONNX Runtime input tensor and result was closed");
    }

    /** The same for a raw graph (BlazeFace's detector, run by the face search next to the classifier). */
    @Test
    void closingAGraphWhileThreadsRunItIsJustAsSafe() throws Exception {
        byte[] bytes;
        try (InputStream in = BlazeFaceDetector.class.getResourceAsStream(BlazeFaceDetector.RESOURCE)) {
            bytes = Objects.requireNonNull(in, BlazeFaceDetector.RESOURCE).readAllBytes();
        }
        float[] input = noise(1, 128 * 128 * 3, 5)[0];
        long[] shape = {1, 128, 128, 3};
        // BlazeFaceDetector's input and outputs
        String in = "input:0";
        List<String> outputs = List.of("Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0");
        Map<String, float[]> expected;
        try (OnnxGraph reference = OnnxGraph.load("blazeface", bytes, 1)) {
            expected = reference.run(in, FloatBuffer.wrap(input), shape, outputs);
        }
        TensorLedger.Snapshot before = TensorLedger.snapshot();
        int refused = 0;
        int spanned = 0;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS / 2; round++) {
                OnnxGraph graph = OnnxGraph.load("blazeface", bytes, 1);
                Round r = closeWhileRunning(pool, graph::close, round % 3, thread -> {
                    Map<String, float[]> out = graph.run(in, FloatBuffer.wrap(input), shape, outputs);
                    for (String name : outputs) {
                        assertArrayEquals(expected.get(name), out.get(name), 1e-5f, name);
                    }
                });
                refused += r.refused();
                spanned += r.spanned();
            }
        } finally {
            pool.shutdownNow();
        }
        TensorLedger.Snapshot after = TensorLedger.snapshot();
        System.out.printf("graph: %d refused after close, %d ran across a whole close() call%n", refused, spanned);
        assertEquals(ROUNDS / 2 * THREADS, refused);
        assertTrue(spanned > 0, "some runs were inside ORT for the whole close() call");
        assertEquals(after.created() - before.created(), after.closed() - before.closed());
    }

    /**
     * The crash report's path: the workbench's faithfulness scoring ({@code Faithfulness} through
     * {@code ModelRunner.logits(float[][])}) on a worker while the backend closes its models, as at exit.
     */
    @Test
    void closingTheWorkbenchBackendWhileItScoresFaithfulnessEndsTheJobWithAClearMessage(@TempDir Path tmp)
            throws Exception {
        BufferedImage image = picture(28, 28).toBufferedImage();
        TensorLedger.Snapshot before = TensorLedger.snapshot();
        int midJob = 0;
        for (int round = 0; round < 8; round++) {
            EngineBackend backend = new EngineBackend(() -> new ModelCatalog(Path.of("models"), tmp.resolve("user")),
                    "vit-fashion", new AnalysisEngine(RunnerOptions.on(Device.CPU).withThreads(1, 1),
                    new AttentionModelCache(tmp.resolve("cache"))));
            Analysis analysis = backend.classify(image, "vit-fashion", 3, true);
            ExplainSettings settings = ExplainSettings.defaults(analysis.attentions().length);
            CountDownLatch scored = new CountDownLatch(1);
            CompletableFuture<Exception> job = CompletableFuture.supplyAsync(() -> {
                try {
                    while (true) {
                        backend.faithfulness(analysis, settings, true, () -> false);
                        scored.countDown();
                    }
                } catch (Exception e) {
                    return e;
                }
            });
            assertTrue(scored.await(60, TimeUnit.SECONDS), "faithfulness scored once");
            Thread.sleep(round % 3);
            backend.close();
            Exception end = job.get(60, TimeUnit.SECONDS);
            if (end instanceof InferenceException) {
                assertEquals("model vit-fashion was closed", end.getMessage());
                midJob++;
            } else {
                // closed between two jobs: the next one is not started on a closed backend
                assertTrue(end instanceof IllegalStateException && end.getMessage().contains("ViTLens is closing"),
                        String.valueOf(end));
            }
        }
        TensorLedger.Snapshot after = TensorLedger.snapshot();
        System.out.printf("workbench: %d of 8 closes came in the middle of a faithfulness job%n", midJob);
        assertTrue(midJob > 0, "some closes came while the scorer was running");
        assertEquals(after.created() - before.created(), after.closed() - before.closed());
    }

    /** One run on the thing being closed; {@code thread} is the worker's number. */
    private interface Work {
        void run(int thread) throws Exception;
    }

    /**
     * Starts {@link #THREADS} workers running {@code work} in a loop, waits until each has completed a run, sleeps
     * {@code pauseMillis} (0 included: closes land at different points of the runs), closes, and waits for every
     * worker to stop at its first refused run. Any other failure fails the test.
     */
    private static Round closeWhileRunning(ExecutorService pool, Runnable close, int pauseMillis, Work work)
            throws Exception {
        CountDownLatch warm = new CountDownLatch(THREADS);
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger spanned = new AtomicInteger();
        // closeReturned goes true when close() has returned: a run that began before closing started and
        // finished after that was inside ORT throughout the close.
        boolean[] closing = {false};
        boolean[] closeReturned = {false};
        Object flags = new Object();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                boolean counted = false;
                while (true) {
                    boolean startedBeforeClose;
                    synchronized (flags) {
                        startedBeforeClose = !closing[0];
                    }
                    try {
                        work.run(thread);
                    } catch (InferenceException e) {
                        assertTrue(e.getMessage().contains("was closed"), e.getMessage());
                        refused.incrementAndGet();
                        if (!counted) {
                            warm.countDown();
                        }
                        return null;
                    }
                    completed.incrementAndGet();
                    synchronized (flags) {
                        if (startedBeforeClose && closeReturned[0]) {
                            spanned.incrementAndGet();
                        }
                    }
                    if (!counted) {
                        counted = true;
                        warm.countDown();
                    }
                }
            }));
        }
        assertTrue(warm.await(60, TimeUnit.SECONDS), "workers started");
        if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
        }
        synchronized (flags) {
            closing[0] = true;
        }
        close.run();
        synchronized (flags) {
            closeReturned[0] = true;
        }
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS); // rethrows a worker's assertion failure or unexpected exception
        }
        return new Round(completed.get(), refused.get(), spanned.get());
    }

    private static float[][] noise(int count, int length, long seed) {
        Random random = new Random(seed);
        float[][] out = new float[count][length];
        for (float[] image : out) {
            for (int i = 0; i < length; i++) {
                image[i] = (float) random.nextGaussian();
            }
        }
        return out;
    }

    private static RgbImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 9) << 16 | (y * 7) << 8 | (x * y) % 256);
            }
        }
        return RgbImage.from(image);
    }
}
