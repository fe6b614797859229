package dev.vitlens.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.testing.TinyModels;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRunnerTest {
    static final int SIZE = 28;
    static final int LABELS = 5;
    @TempDir
    static Path tmp;
    static ModelInfo info;

    @BeforeAll
    static void model() throws Exception {
        info = ModelFolder.load(TinyModels.writeVitFolder(tmp.resolve("tiny"), SIZE, 7, LABELS, 2, 3));
    }

    /** Image n of a batch: channel c filled with (c + 1) * 0.1 + n. */
    static FloatBuffer batch(int n) {
        int plane = SIZE * SIZE;
        FloatBuffer fb = FloatBuffer.allocate(n * 3 * plane);
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) {
                    fb.put((c + 1) * 0.1f + b);
                }
            }
        }
        return fb.flip();
    }

    static float expectedLogit(int image, int label) {
        float[][] w = TinyModels.demoWeights(LABELS);
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            sum += ((c + 1) * 0.1f + image) * w[c][label];
        }
        return (float) sum;
    }

    @Test
    void cpuLogitsMatchTheGraphArithmetic() throws Exception {
        try (ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(Device.CPU))) {
            assertEquals(Device.CPU, runner.device());
            assertTrue(runner.fallbackReason().isEmpty());
            float[][] logits = runner.logits(batch(2), 2);
            assertEquals(2, logits.length);
            for (int b = 0; b < 2; b++) {
                for (int l = 0; l < LABELS; l++) {
                    assertEquals(expectedLogit(b, l), logits[b][l], 1e-5);
                }
            }
        }
    }

    @Test
    void requestedOutputsOnlyAndAttentionsPerImage() throws Exception {
        try (ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(Device.CPU).withThreads(1, 1))) {
            assertEquals(List.of("attentions.0", "attentions.1"), runner.attentionOutputs());
            Map<String, ModelRunner.Tensor> onlyLogits = runner.run(batch(1), 1, List.of("logits"));
            assertEquals(List.of("logits"), List.copyOf(onlyLogits.keySet()));

            ModelRunner.Output plain = runner.run(batch(2), 2, false);
            assertNull(plain.attentions());
            ModelRunner.Output full = runner.run(batch(2), 2, true);
            int tokens = info.layout().tokens();
            assertEquals(2, full.attentions().length);
            assertEquals(2, full.attentions()[0].length);
            assertEquals(3, full.attentions()[1][1].length);
            assertEquals(tokens, full.attentions()[1][1][2].length);
            for (float[] row : full.attentions()[1][0][2]) {
                double s = 0;
                for (float v : row) {
                    s += v;
                }
                assertEquals(1.0, s, 1e-5, "post-softmax rows sum to 1");
            }
            assertEquals(plain.logits()[1][3], full.logits()[1][3], 0f);
        }
    }

    @Test
    void separateChwArraysAndBadInputs() throws Exception {
        try (ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(Device.CPU))) {
            float[] one = new float[3 * SIZE * SIZE];
            batch(1).get(one);
            float[][] logits = runner.logits(new float[][] {one, one});
            assertEquals(expectedLogit(0, 2), logits[1][2], 1e-5);
            InferenceException e = assertThrows(InferenceException.class,
                    () -> runner.logits(FloatBuffer.allocate(10), 1));
            assertTrue(e.getMessage().contains("expected 2352 input values"), e.getMessage());
            e = assertThrows(InferenceException.class, () -> runner.run(batch(1), 1, List.of("nope")));
            assertTrue(e.getMessage().contains("no output \"nope\""), e.getMessage());
        }
    }

    /** This machine has no GPU: auto must fall back to the CPU and say why. */
    @Test
    void autoFallsBackToCpuWithAReason() throws Exception {
        try (ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(Device.AUTO))) {
            if (runner.device() == Device.CUDA) {
                return; // a machine with a working GPU: nothing to fall back from
            }
            assertEquals(Device.CPU, runner.device());
            String reason = runner.fallbackReason().orElseThrow();
            assertFalse(reason.isBlank());
            System.out.println("CUDA fallback reason: " + reason);
            assertEquals(expectedLogit(0, 1), runner.logits(batch(1), 1)[0][1], 1e-5);
        }
    }

    @Test
    void forcedCudaFailsClearlyWithoutAGpu() {
        try (ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(Device.CUDA))) {
            assertEquals(Device.CUDA, runner.device()); // only reached on a machine with a working GPU
        } catch (ModelLoadException e) {
            System.out.println("forced CUDA: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("CUDA requested but unavailable: "), e.getMessage());
            assertTrue(e.getMessage().length() < 300, "short message: " + e.getMessage());
        }
    }

    @Test
    void nativeLibrariesComeFromTheVersionedCache() throws Exception {
        try (ModelRunner ignored = ModelRunner.open(info, RunnerOptions.on(Device.CPU))) {
            String path = System.getProperty(OrtNatives.NATIVE_PATH_PROPERTY);
            assertTrue(path != null, "native path set: " + OrtNatives.status());
            assertTrue(Files.exists(Path.of(path).resolve(System.mapLibraryName("onnxruntime"))), path);
            assertTrue(Path.of(path).getFileName().toString().endsWith(OrtNatives.osArch()), path);
        }
    }

    @Test
    void closingReleasesTheOrtSession() throws Exception {
        ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(Device.CPU));
        runner.logits(batch(1), 1);
        runner.close();
        InferenceException e = assertThrows(InferenceException.class, () -> runner.logits(batch(1), 1));
        assertTrue(e.getMessage().contains("was closed"), e.getMessage());
        // The ORT session itself was released (DJL closes it with the model).
        assertThrows(IllegalStateException.class, runner::outputNames);
        runner.close(); // idempotent
    }

    @Test
    void unloadableModelIsAClearError() throws Exception {
        Path broken = TinyModels.writeVitFolder(tmp.resolve("broken"), SIZE, 7, LABELS, 0, 0);
        ModelInfo brokenInfo = ModelFolder.load(broken);
        Files.write(broken.resolve("model.onnx"), new byte[] {0x08, 0x07, 0x3a, 0x02, 0x0a, 0x00});
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelRunner.open(brokenInfo, RunnerOptions.on(Device.CPU)));
        assertTrue(e.getMessage().startsWith("cannot load "), e.getMessage());
    }
}
