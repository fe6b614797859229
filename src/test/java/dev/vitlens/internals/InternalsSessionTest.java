package dev.vitlens.internals;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.inference.TensorLedger;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.testing.ExportedWeights;
import dev.vitlens.testing.ShapeExports;
import dev.vitlens.testing.TinyModels;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.vitlens.testing.ExportedWeights.assertClose;
import static dev.vitlens.testing.ExportedWeights.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session on the bundled models and the exact-shape exports, against independent computations: the model as
 * exported (run by its own ORT session) for the logits, {@code ModelSession.classify} for the probabilities, torch's
 * named initializers for the weights, and a plain-Java patch embedding for {@code hidden_states.0}.
 */
class InternalsSessionTest {
    private static final RunnerOptions CPU = RunnerOptions.on(Device.CPU).withThreads(2, 1);

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> bundledModels() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String id : List.of("vit-fashion", "deit-mask", "beit-fashion")) {
            tests.add(DynamicTest.dynamicTest(id, () -> checkBundled(id)));
        }
        return tests;
    }

    private void checkBundled(String id) throws Exception {
        ModelInfo info = ModelFolder.load(Path.of("models", id));
        byte[] original = Files.readAllBytes(info.modelFile());
        String family = switch (info.family()) {
            case VIT -> "vit";
            case DEIT -> "deit";
            case BEIT -> "beit";
        };
        RgbImage image = testImage(info.inputWidth() * 2, info.inputHeight() * 2, id.hashCode());
        try (InternalsSession session = InternalsSession.open(info, CPU, new AttentionModelCache(tmp.resolve(id)));
             ModelSession classifier = ModelSession.forClassification(info, CPU);
             ModelRunner exported = ModelRunner.open(info, CPU)) {
            assertEquals(info, session.model());
            ModelInternals internals = session.analyse(image);
            int layers = info.layout().layers();
            int tokens = info.layout().tokens();
            assertTrue(internals.hasAttentions() && internals.hasHiddenStates(), internals.noHiddenStatesReason());
            assertEquals(layers + 1, internals.hiddenStates().length);
            assertEquals(tokens, internals.hiddenStates()[layers].length);
            assertEquals(layers, internals.attentions().length);

            // the read-out of hidden_states.L is the model's logits, as the export itself computes them
            Readout readout = session.readout().orElseThrow();
            assertTrue(readout.readsTwoTokenStates(), "the bundled read-outs take 2-token states");
            Readout.Result read = readout.apply(new float[][][] {internals.hiddenStates()[layers]});
            float[] logits = exported.logits(FloatBuffer.wrap(internals.pixels()), 1)[0];
            assertClose(logits, read.logits()[0], 1e-4, id + ": read-out of hidden_states.L vs the model's logits");

            // the lens's last layer is what classify reports
            float[] classified = classifier.classify(image, 3).probabilities();
            LogitLens.Result lens = LogitLens.compute(internals, readout);
            assertClose(classified, lens.layerProbabilities()[layers], 1e-4, id + ": lens last layer vs classify");
            assertClose(classified, internals.probabilities(), 1e-4, id + ": probabilities vs classify");
            assertEquals(info.layout().patches(), lens.patchProbabilities()[0].length);

            if (family.equals("deit")) {
                float[] mean = ExportedWeights.average(read.heads().get("cls")[0], read.heads().get("distillation")[0]);
                assertClose(logits, mean, 1e-4, "head.cls and head.distillation average to the logits");
            } else {
                assertTrue(read.heads().isEmpty());
            }
            checkWeights(session.weights(), info, family);
        }
        assertArrayEquals(original, Files.readAllBytes(info.modelFile()), "the model folder is never written");
    }

    /** ModelWeights against the initializers torch named, read here by name. */
    private static void checkWeights(ModelWeights w, ModelInfo info, String family) throws Exception {
        ModelProto model = OnnxModelFiles.read(info.modelFile());
        float[] filters = values(model, "model." + family + ".embeddings.patch_embeddings.projection.weight");
        assertArrayEquals(filters, flatten(w.patchFilters()));
        int p = info.layout().patchSize();
        assertEquals(p, w.patchFilters()[0][0].length);
        assertEquals(3, w.patchFilters()[0].length);
        if (family.equals("beit")) {
            assertFalse(w.hasAbsolutePositions());
            assertEquals(info.layout().layers(), w.relativePositionBias().size());
            int gh = info.layout().gridHeight();
            int gw = info.layout().gridWidth();
            for (float[][] table : w.relativePositionBias()) {
                assertEquals((2 * gh - 1) * (2 * gw - 1) + 3, table.length);
                assertEquals(info.layout().heads(), table[0].length);
            }
            assertTrue(w.notes().stream().anyMatch(n -> n.startsWith("BEiT has no absolute position embeddings")),
                    w.notes().toString());
        } else {
            assertTrue(w.notes().isEmpty(), w.notes().toString());
            assertEquals(info.layout().tokens(), w.positionEmbeddings().length);
            float[][] pos = w.positionEmbeddings();
            float[] flat = new float[pos.length * pos[0].length];
            for (int t = 0; t < pos.length; t++) {
                System.arraycopy(pos[t], 0, flat, t * pos[0].length, pos[0].length);
            }
            assertArrayEquals(values(model, "model." + family + ".embeddings.position_embeddings"), flat);
            assertTrue(w.relativePositionBias().isEmpty());
        }
    }

    @Test
    void firstHiddenStateIsThePatchEmbeddingPlusPositions() throws Exception {
        ModelInfo info = ModelFolder.load(Path.of("models", "vit-fashion"));
        ModelProto model = OnnxModelFiles.read(info.modelFile());
        float[] bias = values(model, "model.vit.embeddings.patch_embeddings.projection.bias");
        float[] cls = values(model, "model.vit.embeddings.cls_token");
        try (InternalsSession session = InternalsSession.open(info, CPU, new AttentionModelCache(tmp))) {
            ModelInternals internals = session.analyse(testImage(56, 56, 3));
            ModelWeights w = session.weights();
            float[][][][] filters = w.patchFilters();
            float[] pixels = internals.pixels();
            int size = info.inputWidth();
            int p = info.layout().patchSize();
            int grid = size / p;
            int d = filters.length;
            float[][] expected = new float[1 + grid * grid][d];
            for (int k = 0; k < d; k++) {
                expected[0][k] = cls[k] + w.positionEmbeddings()[0][k];
            }
            for (int gy = 0; gy < grid; gy++) {
                for (int gx = 0; gx < grid; gx++) {
                    int token = 1 + gy * grid + gx;
                    for (int k = 0; k < d; k++) {
                        double s = bias[k];
                        for (int c = 0; c < 3; c++) {
                            for (int y = 0; y < p; y++) {
                                for (int x = 0; x < p; x++) {
                                    s += filters[k][c][y][x] * pixels[(c * size + gy * p + y) * size + gx * p + x];
                                }
                            }
                        }
                        expected[token][k] = (float) s + w.positionEmbeddings()[token][k];
                    }
                }
            }
            float[][] actual = internals.hiddenStates()[0];
            for (int t = 0; t < expected.length; t++) {
                assertClose(expected[t], actual[t], 1e-4, "hidden_states.0 token " + t);
            }
        }
    }

    @Test
    void theDerivedCopyIsBuiltOnceAndEveryTensorIsClosed() throws Exception {
        ModelInfo info = ModelFolder.load(Path.of("models", "beit-fashion"));
        AttentionModelCache cache = new AttentionModelCache(tmp);
        Path derived = cache.resolve(info, InternalsSession.INTERNALS).model().modelFile();
        long built = Files.getLastModifiedTime(derived).toMillis();
        assertTrue(Files.isRegularFile(derived.resolveSibling("readout.onnx")));
        TensorLedger.Snapshot before = TensorLedger.snapshot();
        try (InternalsSession session = InternalsSession.open(info, CPU, cache)) {
            ModelInternals internals = session.analyse(testImage(28, 28, 9));
            LogitLens.compute(internals, session.readout().orElseThrow());
            SpecialTokens.compute(internals, session.readout().orElseThrow());
        }
        TensorLedger.Snapshot after = TensorLedger.snapshot();
        assertEquals(before.open(), after.open(), "ONNX Runtime values created and closed");
        assertTrue(after.created() > before.created());
        assertEquals(built, Files.getLastModifiedTime(derived).toMillis(), "reused, not rebuilt");
    }

    @TestFactory
    List<DynamicTest> exactShapeExports() throws Exception {
        Path root = ShapeExports.root();
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : ShapeExports.NAMES) {
            for (String variant : List.of(name, name + "-attn")) {
                tests.add(DynamicTest.dynamicTest(variant, () -> checkShapeExport(root.resolve(variant))));
            }
        }
        return tests;
    }

    private void checkShapeExport(Path dir) throws Exception {
        ModelInfo info = ModelFolder.load(dir);
        String name = dir.getFileName().toString();
        assertEquals(196, info.layout().patches());
        try (InternalsSession session = InternalsSession.open(info, CPU, new AttentionModelCache(tmp.resolve(name)))) {
            ModelInternals internals = session.analyse(testImage(224, 224, 5));
            assertTrue(internals.hasHiddenStates(), internals.noHiddenStatesReason());
            assertEquals(ShapeExports.layers() + 1, internals.hiddenStates().length);
            assertEquals(info.layout().tokens(), internals.hiddenStates()[0].length);
            assertEquals(768, internals.hiddenStates()[0][0].length);
            assertEquals(ShapeExports.layers(), internals.attentions().length);
            if (!info.hasClassifier()) {
                assertTrue(session.readout().isEmpty());
                assertTrue(session.noReadoutReason().contains("no \"logits\" output"), session.noReadoutReason());
                return;
            }
            Readout readout = session.readout().orElseThrow();
            assertEquals("", session.noReadoutReason());
            LogitLens.Result lens = LogitLens.compute(internals, readout);
            assertClose(internals.probabilities(), lens.layerProbabilities()[ShapeExports.layers()], 1e-4,
                    name + ": lens last layer vs the model's probabilities");
            assertEquals(196, lens.patchProbabilities()[0].length);
            assertEquals(1000, lens.patchProbabilities()[0][0].length);
            ModelWeights w = session.weights();
            assertEquals(768, w.patchFilters().length);
            assertEquals(16, w.patchFilters()[0][0].length);
            if (name.startsWith("beit")) {
                assertNull(w.positionEmbeddings());
                assertEquals(ShapeExports.layers(), w.relativePositionBias().size());
                assertEquals(27 * 27 + 3, w.relativePositionBias().get(0).length);
                assertEquals(12, w.relativePositionBias().get(0)[0].length);
            } else {
                assertEquals(info.layout().tokens(), w.positionEmbeddings().length);
                assertTrue(w.relativePositionBias().isEmpty());
            }
        }
    }

    @Test
    void aGraphWithoutEncoderStructureOpensAndSaysWhy() throws Exception {
        // TinyModels' classifier is a ReduceMean and a MatMul: no attention, no residual stream
        ModelInfo info = ModelFolder.load(TinyModels.writeVitFolder(tmp.resolve("tiny"), 16, 4, 3, 2, 2));
        try (InternalsSession session = InternalsSession.open(info, CPU, new AttentionModelCache(tmp.resolve("c")))) {
            assertTrue(session.noHiddenStatesReason().contains("no attention Softmax found"),
                    session.noHiddenStatesReason());
            assertTrue(session.readout().isEmpty());
            assertTrue(session.noReadoutReason().contains("last hidden state"), session.noReadoutReason());
            ModelInternals internals = session.analyse(testImage(16, 16, 1));
            assertFalse(internals.hasHiddenStates());
            assertEquals(session.noHiddenStatesReason(), internals.noHiddenStatesReason());
            assertEquals(3, internals.probabilities().length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LogitLens.compute(internals, null));
            assertTrue(e.getMessage().contains("no attention Softmax found"), e.getMessage());
        }
    }

    static RgbImage testImage(int width, int height, long seed) {
        byte[] px = new byte[width * height * 3];
        java.util.Random r = new java.util.Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 127 + 100 * Math.sin(0.21 * x + 0.13 * y + 2.1 * c) + 20 * r.nextGaussian();
                    px[(y * width + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return new RgbImage(width, height, px);
    }

    static float[] flatten(float[][][][] a) {
        int n = a.length * a[0].length * a[0][0].length * a[0][0][0].length;
        float[] out = new float[n];
        int i = 0;
        for (float[][][] b : a) {
            for (float[][] c : b) {
                for (float[] d : c) {
                    System.arraycopy(d, 0, out, i, d.length);
                    i += d.length;
                }
            }
        }
        return out;
    }
}
