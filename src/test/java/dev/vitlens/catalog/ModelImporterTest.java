package dev.vitlens.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vitlens.catalog.ModelImportException.Reason;
import dev.vitlens.explain.AttentionRollout;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.Query;
import dev.vitlens.testing.OrtModels;
import dev.vitlens.testing.TinyVitExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Imports in-code HF-style exports (no PyTorch needed), good and bad. */
class ModelImporterTest {
    @TempDir
    Path tmp;
    Path userModels;
    ModelCatalog catalog;
    ModelImporter importer;
    List<String> smokeRuns;

    @BeforeEach
    void setUp() {
        userModels = tmp.resolve("user/models");
        catalog = new ModelCatalog(null, userModels);
        smokeRuns = new ArrayList<>();
        importer = new ModelImporter(catalog, model -> {
            smokeRuns.add(model.dir().getFileName().toString());
            return OrtSmoke.run(model);
        });
    }

    /** The engine's smoke test, as the CLI and the UI use it. */
    static final class OrtSmoke {
        static String run(ModelInfo model) throws Exception {
            return dev.vitlens.inference.ImportSmokeTest.onCpu().run(model);
        }
    }

    private Path export(TinyVitExport e, String name) throws IOException {
        return e.writeFolder(tmp.resolve("exports").resolve(name));
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void importsAnOptimumStyleExportAddingAttentionsWhoseRolloutMatchesTheNativeTwin(Family family) throws Exception {
        Path plain = export(new TinyVitExport().family(family), "plain");
        Path attn = export(new TinyVitExport().family(family).nativeAttentions(true), "attn");
        Map<String, String> before = digests(plain);

        ImportResult imported = importer.importModel(plain, Optional.empty(), ModelImporter.ProgressListener.NONE);
        ImportResult twin = importer.importModel(attn, Optional.of("twin"), ModelImporter.ProgressListener.NONE);

        assertEquals("plain", imported.id());
        assertEquals(userModels.resolve("plain"), imported.dir());
        assertTrue(imported.attentionsAdded());
        assertFalse(twin.attentionsAdded());
        assertTrue(imported.info().hasAttentions());
        assertEquals(family, imported.info().family());
        assertEquals(before, digests(plain), "the source folder must not change");
        JsonNode meta = Json.read(imported.dir().resolve("vitlens.json")).get("import");
        assertEquals("surgery", meta.get("attentions").asText());
        assertTrue(meta.get("attentionsAddedBySurgery").asBoolean());
        assertEquals(plain.resolve("model.onnx").toString(), meta.get("source").asText());
        assertEquals("classifier", meta.get("head").asText());
        assertEquals("native", Json.read(twin.dir().resolve("vitlens.json")).get("import").get("attentions").asText());
        assertEquals(List.of("plain", "twin"), catalog.available().stream().map(ModelCatalog.Entry::id).toList());
        assertEquals(2, smokeRuns.size());

        assertSameRolloutAndOutputs(imported.info(), twin.info(), "logits");
    }

    @Test
    void keepsTheExportsFaceClassifierMark() throws Exception {
        Path marked = export(new TinyVitExport(), "masks");
        Files.writeString(marked.resolve("vitlens.json"), "{\"displayName\":\"Masks\",\"faceClassifier\":true}");
        Path plain = export(new TinyVitExport(), "shirts");
        ImportResult masks = importer.importModel(marked, Optional.empty(), ModelImporter.ProgressListener.NONE);
        ImportResult shirts = importer.importModel(plain, Optional.empty(), ModelImporter.ProgressListener.NONE);
        assertTrue(masks.info().meta().faceClassifier());
        assertEquals("Masks", masks.info().displayName());
        assertFalse(shirts.info().meta().faceClassifier());
        assertFalse(Json.read(shirts.dir().resolve("vitlens.json")).has("faceClassifier"));
    }

    @Test
    void importsAHeadlessBackbone() throws Exception {
        Path plain = export(new TinyVitExport().backbone(true), "vit-in21k");
        Path attn = export(new TinyVitExport().backbone(true).nativeAttentions(true), "vit-in21k-attn");
        ImportResult imported = importer.importModel(plain, Optional.empty(), null);
        ImportResult twin = importer.importModel(attn, Optional.empty(), null);
        assertFalse(imported.info().hasClassifier());
        assertTrue(imported.info().hasLastHiddenState());
        assertTrue(imported.info().hasPoolerOutput());
        assertTrue(imported.info().labels().isEmpty());
        assertTrue(imported.attentionsAdded());
        assertEquals("none", Json.read(imported.dir().resolve("vitlens.json")).get("import").get("head").asText());
        assertSameRolloutAndOutputs(imported.info(), twin.info(), "pooler_output");
    }

    @Test
    void importsASingleOnnxFileWithItsJsonBesideItAndExternalData() throws Exception {
        Path dir = export(new TinyVitExport().family(Family.DEIT).externalData(true), "deit-export");
        Files.move(dir.resolve("model.onnx"), dir.resolve("deit_small.onnx"));
        ImportResult r = importer.importModel(dir.resolve("deit_small.onnx"), Optional.empty(), null);
        assertEquals("deit_small", r.id());
        assertEquals(List.of("model.onnx_data"), r.externalDataFiles());
        assertArrayEquals(Files.readAllBytes(dir.resolve("model.onnx_data")),
                Files.readAllBytes(r.dir().resolve("model.onnx_data")));
        assertTrue(r.attentionsAdded());
        // The surgered model still finds its weights in the copied data file.
        Map<String, OrtModels.Tensor> out = OrtModels.run(r.info().modelFile(), OrtModels.randomPixels(1, 32, 32),
                new long[] {1, 3, 32, 32}, java.util.Set.of("logits", "attentions.1"));
        assertEquals(5, out.get("logits").values().length);
    }

    @Test
    void missingPreprocessorConfigFallsBackToFamilyDefaultsWithAWarning() throws Exception {
        Path dir = export(new TinyVitExport().family(Family.DEIT), "deit");
        Files.delete(dir.resolve("preprocessor_config.json"));
        ImportResult r = importer.importModel(dir, Optional.empty(), null);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("no preprocessor_config.json")), r.warnings()::toString);
        PreprocessorConfig pre = r.info().preprocessor();
        assertEquals(ResampleMethod.BICUBIC, pre.resample());
        assertArrayEquals(PreprocessorConfig.IMAGENET_DEFAULT_MEAN, pre.imageMean());
        assertArrayEquals(new int[] {32, 32}, pre.fixedOutputSize());
    }

    /** preprocessor_config.json as different transformers versions and processors wrote it, for a 32 px model. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "{\"feature_extractor_type\": \"ViTFeatureExtractor\", \"size\": 32, \"resample\": 2,"
                + " \"do_normalize\": true, \"image_mean\": [0.5, 0.5, 0.5], \"image_std\": [0.5, 0.5, 0.5]}",
        "{\"image_processor_type\": \"ViTImageProcessor\", \"size\": {\"height\": 32, \"width\": 32},"
                + " \"rescale_factor\": 0.00392156862745098}",
        "{\"image_processor_type\": \"BeitImageProcessor\", \"size\": {\"height\": 36, \"width\": 36},"
                + " \"do_center_crop\": true, \"crop_size\": {\"height\": 32, \"width\": 32}, \"resample\": 3}",
        "{\"size\": {\"shortest_edge\": 36}, \"do_center_crop\": true, \"crop_size\": 32, \"resample\": 0}",
        "{\"size\": {\"shortest_edge\": 32}, \"crop_pct\": 0.875, \"resample\": 3}",
        "{}"})
    void acceptsPreprocessorConfigVariants(String preprocessor) throws Exception {
        TinyVitExport e = new TinyVitExport();
        Path dir = export(e, "variant");
        Files.writeString(dir.resolve("preprocessor_config.json"), preprocessor);
        if (preprocessor.equals("{}")) {
            // HF ViT defaults resize to 224x224: not this 32 px model's size, so the import must say so.
            ModelImportException ex = assertThrows(ModelImportException.class,
                    () -> importer.importModel(dir, Optional.empty(), null));
            assertEquals(Reason.BAD_CONFIG, ex.reason());
            assertTrue(ex.getMessage().contains("produces 224x224 images but config.json image_size is 32x32"),
                    ex.getMessage());
            return;
        }
        ImportResult r = importer.importModel(dir, Optional.empty(), null);
        assertArrayEquals(new int[] {32, 32}, r.info().preprocessor().fixedOutputSize());
    }

    @Test
    void reportsProgressUpToOne() throws Exception {
        Path dir = export(new TinyVitExport(), "vit");
        List<Double> fractions = new ArrayList<>();
        importer.importModel(dir, Optional.empty(), (step, fraction) -> fractions.add(fraction));
        assertEquals(0.0, fractions.get(0));
        assertEquals(1.0, fractions.get(fractions.size() - 1));
        for (int i = 1; i < fractions.size(); i++) {
            assertTrue(fractions.get(i) >= fractions.get(i - 1));
        }
    }

    // ------------------------------------------------------------------------------------------ refusals

    @Test
    void rejectsAFolderWithoutConfig() throws Exception {
        Path dir = export(new TinyVitExport(), "no-config");
        Files.delete(dir.resolve("config.json"));
        assertRejected(dir, Reason.NO_CONFIG, "no config.json beside model.onnx");
    }

    @Test
    void rejectsAWrongInputName() throws Exception {
        Path dir = export(new TinyVitExport(), "wrong-input");
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        GraphProto.Builder g = model.getGraph().toBuilder();
        g.setInput(0, g.getInput(0).toBuilder().setName("input"));
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals("pixel_values")) {
                    n.setInput(k, "input");
                }
            }
            g.setNode(i, n);
        }
        Files.write(dir.resolve("model.onnx"), model.toBuilder().setGraph(g).build().toByteArray());
        assertRejected(dir, Reason.BAD_MODEL, "has no input \"pixel_values\" (inputs: [input[?,3,32,32]])");
    }

    @Test
    void rejectsALabelCountMismatch() throws Exception {
        Path dir = export(new TinyVitExport().labels(5), "labels");
        Files.writeString(dir.resolve("config.json"), new TinyVitExport().labels(3).configJson());
        assertRejected(dir, Reason.BAD_MODEL, "logits[?,5] has 5 for label count (id2label) but config.json implies 3");
    }

    @Test
    void rejectsAClassifierWhoseConfigNamesNoLabels() throws Exception {
        Path dir = export(new TinyVitExport(), "no-labels");
        Files.writeString(dir.resolve("config.json"), new TinyVitExport().backbone(true).configJson());
        assertRejected(dir, Reason.BAD_MODEL, "config.json names no labels");
    }

    @Test
    void rejectsAModelWithNeitherLogitsNorBackboneOutputs() throws Exception {
        Path dir = export(new TinyVitExport().backbone(true), "no-outputs");
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        GraphProto.Builder g = model.getGraph().toBuilder();
        g.setOutput(0, g.getOutput(0).toBuilder().setName("features"));
        g.removeOutput(1);
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOutput(0).equals("last_hidden_state")) {
                g.setNode(i, g.getNode(i).toBuilder().setOutput(0, "features"));
            }
        }
        Files.write(dir.resolve("model.onnx"), model.toBuilder().setGraph(g).build().toByteArray());
        assertRejected(dir, Reason.BAD_MODEL, "has no output \"logits\" (classifier) and no \"last_hidden_state\"");
    }

    @Test
    void rejectsExternalDataEscapingTheFolder() throws Exception {
        Path dir = export(new TinyVitExport().externalData(true), "escaping");
        Files.move(dir.resolve("model.onnx_data"), dir.getParent().resolve("weights.bin"));
        rewriteLocations(dir.resolve("model.onnx"), "../weights.bin");
        assertRejected(dir, Reason.UNSAFE_EXTERNAL_DATA, "unsafe external data location '../weights.bin'");

        rewriteLocations(dir.resolve("model.onnx"), dir.getParent().resolve("weights.bin").toString());
        assertRejected(dir, Reason.UNSAFE_EXTERNAL_DATA, "it is an absolute path");

        Files.createSymbolicLink(dir.resolve("model.onnx_data"), dir.getParent().resolve("weights.bin"));
        rewriteLocations(dir.resolve("model.onnx"), "model.onnx_data");
        assertRejected(dir, Reason.UNSAFE_EXTERNAL_DATA, "symbolic link");
    }

    @Test
    void rejectsATruncatedModel() throws Exception {
        Path dir = export(new TinyVitExport(), "truncated");
        byte[] bytes = Files.readAllBytes(dir.resolve("model.onnx"));
        Files.write(dir.resolve("model.onnx"), java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        assertRejected(dir, Reason.BAD_MODEL, "is not a readable ONNX model (truncated or corrupt file?)");
    }

    @Test
    void rejectsAModelThatFailsTheTestInference() throws Exception {
        Path dir = export(new TinyVitExport(), "broken");
        importer = new ModelImporter(catalog, model -> {
            throw new IllegalStateException("ORT: Non-zero status code returned while running Conv node");
        });
        assertRejected(dir, Reason.SMOKE_TEST_FAILED, "the model does not run: ORT: Non-zero status code");
    }

    @Test
    void rejectsAModelWhoseTestInferenceGivesNaN() throws Exception {
        Path dir = export(new TinyVitExport(), "nan");
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals("classifier_b")) {
                byte[] raw = g.getInitializer(i).getRawData().toByteArray();
                java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN);
                g.setInitializer(i, g.getInitializer(i).toBuilder()
                        .setRawData(com.google.protobuf.ByteString.copyFrom(raw)));
            }
        }
        Files.write(dir.resolve("model.onnx"), model.toBuilder().setGraph(g).build().toByteArray());
        importer = new ModelImporter(catalog, OrtSmoke::run);
        assertRejected(dir, Reason.SMOKE_TEST_FAILED, "output \"logits\" contains NaN for a synthetic image");
    }

    @Test
    void rejectsATakenIdAndAnInvalidIdAndKeepsTheExistingModel() throws Exception {
        Path dir = export(new TinyVitExport(), "vit");
        ImportResult first = importer.importModel(dir, Optional.empty(), null);
        Map<String, String> installed = digests(first.dir());
        ModelImportException e = assertThrows(ModelImportException.class,
                () -> importer.importModel(dir, Optional.empty(), null));
        assertEquals(Reason.ID_TAKEN, e.reason());
        assertTrue(e.getMessage().contains("a model with id \"vit\" already exists") && e.getMessage().contains("--id"),
                e.getMessage());
        assertEquals(installed, digests(first.dir()));
        e = assertThrows(ModelImportException.class,
                () -> importer.importModel(dir, Optional.of("../evil"), null));
        assertEquals(Reason.INVALID_ID, e.reason());
        assertEquals(List.of("vit"), listAll(userModels));
        importer.importModel(dir, Optional.of("vit-2"), null);
        assertEquals(List.of("vit", "vit-2"), listAll(userModels));
    }

    @Test
    void refusesAnIdUsedByABundledModel() throws Exception {
        Path bundled = tmp.resolve("bundled");
        new TinyVitExport().writeFolder(bundled.resolve("vit"));
        importer = new ModelImporter(new ModelCatalog(bundled, userModels), OrtSmoke::run);
        ModelImportException e = assertThrows(ModelImportException.class,
                () -> importer.importModel(export(new TinyVitExport(), "vit"), Optional.empty(), null));
        assertEquals(Reason.ID_TAKEN, e.reason());
    }

    @Test
    void rejectsMissingSources() {
        ModelImportException e = assertThrows(ModelImportException.class,
                () -> importer.importModel(tmp.resolve("nowhere"), Optional.empty(), null));
        assertEquals(Reason.SOURCE_NOT_FOUND, e.reason());
        assertTrue(e.getMessage().startsWith("no such file or folder"), e.getMessage());
    }

    @Test
    void derivesIdsFromFolderOrFileNames() {
        assertEquals("vit-base-patch16-224", ModelImporter.deriveId(new ModelImporter.Source(
                Path.of("/x/ViT Base Patch16 224/model.onnx"), Path.of("/x/ViT Base Patch16 224"))));
        assertEquals("my_model.v2", ModelImporter.deriveId(new ModelImporter.Source(
                Path.of("/x/exports/My_Model.v2.onnx"), Path.of("/x/exports"))));
        assertEquals("imported-model", ModelImporter.deriveId(new ModelImporter.Source(
                Path.of("/x/.../.onnx"), Path.of("/x/..."))));
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void assertRejected(Path source, Reason reason, String messagePart) throws IOException {
        Map<String, String> before = digests(source);
        List<String> catalogueBefore = listAll(userModels);
        ModelImportException e = assertThrows(ModelImportException.class,
                () -> importer.importModel(source, Optional.empty(), null));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "message: " + e.getMessage());
        assertEquals(catalogueBefore, listAll(userModels), "a refused import must leave nothing behind");
        assertEquals(before, digests(source), "the source must not change");
    }

    /** Every entry of the user models folder, hidden ones (temporary folders) included. */
    private static List<String> listAll(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, String> digests(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), sha256(f) + "@" + Files.getLastModifiedTime(f));
            }
        }
        return out;
    }

    private static String sha256(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void rewriteLocations(Path modelFile, String location) throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(modelFile));
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto.Builder t = g.getInitializer(i).toBuilder();
            for (int k = 0; k < t.getExternalDataCount(); k++) {
                if (t.getExternalData(k).getKey().equals("location")) {
                    t.setExternalData(k, StringStringEntryProto.newBuilder().setKey("location").setValue(location));
                }
            }
            g.setInitializer(i, t);
        }
        Files.write(modelFile, model.toBuilder().setGraph(g).build().toByteArray());
    }

    /**
     * Runs both imported models on the same random image: {@code output} must agree, and the attention rollout of
     * the surgered model must equal the native twin's within 1e-5.
     */
    static void assertSameRolloutAndOutputs(ModelInfo surgered, ModelInfo twin, String output) throws Exception {
        int h = surgered.inputHeight();
        int w = surgered.inputWidth();
        float[] pixels = OrtModels.randomPixels(42, h, w);
        long[] shape = {1, 3, h, w};
        java.util.Set<String> names = new java.util.HashSet<>(surgered.signature().outputs().stream()
                .map(t -> t.name()).toList());
        Map<String, OrtModels.Tensor> a = OrtModels.run(surgered.modelFile(), pixels, shape, names);
        Map<String, OrtModels.Tensor> b = OrtModels.run(twin.modelFile(), pixels, shape, names);
        assertArrayEquals(b.get(output).values(), a.get(output).values(), 1e-6f);
        int layers = surgered.layout().layers();
        float[][][][] attA = OrtModels.attentions(a, layers);
        float[][][][] attB = OrtModels.attentions(b, layers);
        for (Query q : new Query[] {Query.AUTO, Query.CLS, new Query.Patch(3)}) {
            HeatGrid ra = AttentionRollout.standard().compute(attA, surgered.layout(), surgered.family(), q);
            HeatGrid rb = AttentionRollout.standard().compute(attB, twin.layout(), twin.family(), q);
            float max = 0;
            for (int i = 0; i < ra.size(); i++) {
                max = Math.max(max, Math.abs(ra.values()[i] - rb.values()[i]));
            }
            assertTrue(max <= 1e-5f, "rollout differs by " + max + " for " + q);
            System.out.printf("%s vs %s, query %s: rollout max |diff| = %.3g%n", surgered.dir().getFileName(),
                    twin.dir().getFileName(), q, max);
            // Not a vacuous comparison: the map has structure (randomly initialised exports attend almost
            // uniformly, so the spread is small but still far above the tolerance's relative size).
            float mean = 1f / ra.size();
            assertTrue(ra.max() - ra.min() > 1e-3f * mean, "flat rollout " + ra);
        }
    }
}
