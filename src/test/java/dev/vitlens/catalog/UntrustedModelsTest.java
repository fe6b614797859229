package dev.vitlens.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.cli.Cli;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.TinyVitExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Untrusted models (issue 10), each through the catalogue + engine (a folder dropped into the user models folder,
 * then {@link ModelRunner}) and through {@code vitlens import}: a specific message, nothing written to the models
 * folder, the catalogue unchanged. Complements {@code ModelImporterTest} (missing config, wrong input name, label
 * count, truncated file, external data escaping via the importer, NaN smoke test), which is not repeated here.
 */
class UntrustedModelsTest {
    static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    Path userModels;
    Path bundled;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void folders() throws IOException {
        userModels = tmp.resolve("user");
        bundled = Files.createDirectories(tmp.resolve("bundled"));
        System.setProperty(ModelDirectories.USER_DIR_PROPERTY, userModels.toString());
        System.setProperty(ModelDirectories.MODELS_DIR_PROPERTY, bundled.toString());
    }

    @AfterEach
    void clear() {
        System.clearProperty(ModelDirectories.USER_DIR_PROPERTY);
        System.clearProperty(ModelDirectories.MODELS_DIR_PROPERTY);
    }

    // ------------------------------------------------------------------ the cases

    @Test
    void malformedProtobuf() throws Exception {
        Path export = export("garbage", e -> e);
        byte[] junk = new byte[4096];
        new Random(10).nextBytes(junk);
        Files.write(export.resolve("model.onnx"), junk);
        assertCatalogueRefuses(export, "model.onnx is not a readable ONNX model");
        assertImportRefused(export, "is not a readable ONNX model");
    }

    @Test
    void unknownOperator() throws Exception {
        Path export = export("unknown-op", e -> e);
        rewriteGraph(export, g -> {
            for (int i = 0; i < g.getNodeCount(); i++) {
                if (g.getNode(i).getOpType().equals("Softmax")) {
                    g.setNode(i, g.getNode(i).toBuilder().setOpType("VitLensNoSuchOp"));
                    break;
                }
            }
            return g;
        });
        // The signature is fine, so the catalogue lists it; the engine refuses to load it, naming the operator.
        ModelInfo info = new ModelCatalog(null, copyIntoCatalogue(export)).resolve("unknown-op").require();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelRunner.open(info, RunnerOptions.on(Device.CPU)));
        assertTrue(e.getMessage().startsWith("cannot load ") && e.getMessage().contains("VitLensNoSuchOp"),
                e.getMessage());
        clearCatalogue();
        assertImportRefused(export, "VitLensNoSuchOp");
    }

    @Test
    void wrongInputRank() throws Exception {
        Path export = export("rank3", e -> e);
        rewriteGraph(export, g -> {
            var input = g.getInput(0).toBuilder();
            TensorShapeProto.Builder shape = input.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            shape.removeDim(0); // [3, H, W]
            return g.setInput(0, input);
        });
        assertCatalogueRefuses(export, "must be float32 [batch,3,H,W]");
        assertImportRefused(export, "must be float32 [batch,3,H,W]");
    }

    @Test
    void configWithWrongTypes() throws Exception {
        Path export = export("bad-types", e -> e);
        String config = Files.readString(export.resolve("config.json"));
        Files.writeString(export.resolve("config.json"), config.replaceFirst("\"image_size\"\\s*:\\s*\\d+",
                "\"image_size\": \"large\""));
        assertCatalogueRefuses(export, "image_size");
        assertImportRefused(export, "image_size");

        Files.writeString(export.resolve("config.json"), "[\"not\", \"an\", \"object\"]");
        assertCatalogueRefuses(export, "config.json: expected a JSON object at the top level");
        assertImportRefused(export, "expected a JSON object");

        Files.writeString(export.resolve("config.json"), "{".repeat(10_000));
        assertCatalogueRefuses(export, "config.json is not valid JSON");
        assertImportRefused(export, "not valid JSON");
    }

    @Test
    void hugeId2Label() throws Exception {
        Path export = export("huge-labels", e -> e);
        JsonNode config = new ObjectMapper().readTree(export.resolve("config.json").toFile());
        TreeMap<String, String> labels = new TreeMap<>();
        for (int i = 0; i <= ModelConfig.MAX_LABELS; i++) {
            labels.put(String.valueOf(i), "l" + i);
        }
        var edited = ((com.fasterxml.jackson.databind.node.ObjectNode) config.deepCopy());
        edited.set("id2label", new ObjectMapper().valueToTree(labels));
        Files.writeString(export.resolve("config.json"), edited.toString());
        assertCatalogueRefuses(export, "has 100001 entries, more than 100000");
        assertImportRefused(export, "more than 100000");

        // Over the config size limit (16 MB) the file is not even parsed.
        Files.write(export.resolve("config.json"), new byte[(int) Json.MAX_CONFIG_BYTES + 1]);
        assertCatalogueRefuses(export, "too big for a config file");
        assertImportRefused(export, "too big for a config file");
    }

    @Test
    void externalDataEscapingTheFolderThroughTheCatalogueAndEngine() throws Exception {
        Path export = new TinyVitExport().externalData(true).writeFolder(tmp.resolve("exports/escaping"));
        Path outside = tmp.resolve("secret-weights.bin");
        Files.move(export.resolve("model.onnx_data"), outside);
        // A hand-placed folder in the catalogue, pointing its weights at a file outside it.
        Path installed = copyIntoCatalogue(export).resolve("escaping");
        setLocations(installed.resolve("model.onnx"), "../../secret-weights.bin");
        ModelInfo info = new ModelCatalog(null, userModels).resolve("escaping").require();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelRunner.open(info, RunnerOptions.on(Device.CPU)));
        assertTrue(e.getMessage().contains("../../secret-weights.bin"), e.getMessage());
    }

    @Test
    void modelThatThrowsAtRunTime() throws Exception {
        Path export = export("reshape-fails", e -> e);
        // Reshape the logits to a fixed element count they cannot have: loads fine, fails on every run.
        rewriteGraph(export, g -> {
            String logits = "logits";
            for (int i = 0; i < g.getNodeCount(); i++) {
                NodeProto n = g.getNode(i);
                for (int k = 0; k < n.getOutputCount(); k++) {
                    if (n.getOutput(k).equals(logits)) {
                        g.setNode(i, n.toBuilder().setOutput(k, "logits_raw"));
                    }
                }
            }
            g.addInitializer(TensorProto.newBuilder().setName("bad_shape").setDataType(TensorProto.DataType.INT64_VALUE)
                    .addDims(2).addInt64Data(7).addInt64Data(11));
            g.addNode(NodeProto.newBuilder().setOpType("Reshape").setName("bad_reshape").addInput("logits_raw")
                    .addInput("bad_shape").addOutput(logits));
            return g;
        });
        ModelInfo info = new ModelCatalog(null, copyIntoCatalogue(export)).resolve("reshape-fails").require();
        try (ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(Device.CPU))) {
            FloatBuffer pixels = FloatBuffer.allocate(3 * info.inputHeight() * info.inputWidth());
            for (int attempt = 0; attempt < 2; attempt++) { // fails cleanly every time, the runner stays usable
                InferenceException e = assertThrows(InferenceException.class, () -> runner.logits(pixels, 1));
                assertTrue(e.getMessage().toLowerCase().contains("reshape"), e.getMessage());
            }
        }
        clearCatalogue();
        assertImportRefused(export, "the model does not run");
    }

    // ---------------------------------------------------------------- Jackson: no polymorphic typing

    /** A class a gadget payload would try to get instantiated. */
    public static final class Gadget {
        static volatile int instances;

        public Gadget() {
            instances++;
        }
    }

    @Test
    void jacksonNeverHonoursTypeIdsAndHasNoDefaultTyping() throws Exception {
        ObjectMapper mapper = Json.mapper();
        var javaType = mapper.constructType(Object.class);
        assertNull(mapper.getDeserializationConfig().getDefaultTyper(javaType), "no default typing");
        assertNull(mapper.getSerializationConfig().getDefaultTyper(javaType), "no default typing");
        String payload = "{\"model_type\":\"vit\",\"@class\":\"" + Gadget.class.getName() + "\",\"id2label\":"
                + "{\"0\":[\"" + Gadget.class.getName() + "\",{}],\"1\":\"b\"},\"image_size\":32,\"patch_size\":8}";
        // Read as a tree: the type id is just a string field; the array where a label belongs is refused.
        JsonNode tree = mapper.readValue(payload, Object.class) instanceof java.util.Map<?, ?> m
                ? mapper.valueToTree(m) : null;
        assertTrue(tree != null && tree.get("@class").isTextual());
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelConfig.parse(payload));
        assertTrue(e.getMessage().contains("id2label"), e.getMessage());
        assertEquals(0, Gadget.instances, "no class named in the payload was instantiated");
    }

    @Test
    void noSourceFileEnablesPolymorphicTyping() throws IOException {
        // Every ObjectMapper in the product is built locally; a grep guard keeps it that way.
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    String s = Files.readString(p);
                    return s.contains("activateDefaultTyping") || s.contains("enableDefaultTyping")
                            || s.contains("@JsonTypeInfo") || s.contains("DefaultTyping");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }

    // ------------------------------------------------------------------ helpers

    private Path export(String name, UnaryOperator<TinyVitExport> setup) throws IOException {
        return setup.apply(new TinyVitExport()).writeFolder(tmp.resolve("exports").resolve(name));
    }

    /** Copies the export into the catalogue's user folder, as a user would by hand; returns that folder. */
    private Path copyIntoCatalogue(Path export) throws IOException {
        Path target = Files.createDirectories(userModels.resolve(export.getFileName().toString()));
        try (Stream<Path> files = Files.list(export)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return userModels;
    }

    private void clearCatalogue() throws IOException {
        if (Files.exists(userModels)) {
            try (Stream<Path> walk = Files.walk(userModels)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Listed as unavailable with the reason; {@code require()} throws it. */
    private void assertCatalogueRefuses(Path export, String reason) throws IOException {
        copyIntoCatalogue(export);
        try {
            ModelCatalog catalog = new ModelCatalog(null, userModels);
            String id = export.getFileName().toString();
            ModelCatalog.Entry entry = catalog.find(id).orElseThrow();
            assertFalse(entry.available());
            assertTrue(entry.problem().contains(reason), "problem: " + entry.problem());
            ModelFormatException e = assertThrows(ModelFormatException.class, entry::require);
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        } finally {
            clearCatalogue();
        }
    }

    /** {@code vitlens import} exits 2 with the reason, writes nothing, leaves the source untouched. */
    private void assertImportRefused(Path export, String reason) throws IOException {
        byte[] modelBefore = Files.readAllBytes(export.resolve("model.onnx"));
        byte[] configBefore = Files.readAllBytes(export.resolve("config.json"));
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        int code = assertTimeoutPreemptively(LIMIT, () -> {
            CommandLine cl = Cli.newCommandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            return cl.execute("import", export.toString());
        });
        assertEquals(Cli.EXIT_USAGE, code, out + "\n" + err);
        assertTrue(err.toString().contains("error: import refused: ") && err.toString().contains(reason),
                err.toString());
        Path importTarget = userModels.resolve("models"); // the importer's folder under the user data folder
        if (Files.exists(importTarget)) {
            try (Stream<Path> left = Files.list(importTarget)) {
                assertEquals(List.of(), left.toList(), "nothing written to the models folder, hidden temp folders included");
            }
        }
        assertTrue(java.util.Arrays.equals(modelBefore, Files.readAllBytes(export.resolve("model.onnx"))));
        assertTrue(java.util.Arrays.equals(configBefore, Files.readAllBytes(export.resolve("config.json"))));
    }

    private static void rewriteGraph(Path export, UnaryOperator<GraphProto.Builder> edit) throws IOException {
        Path file = export.resolve("model.onnx");
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        GraphProto.Builder g = edit.apply(model.getGraph().toBuilder());
        Files.write(file, model.toBuilder().setGraph(g).build().toByteArray());
    }

    private static void setLocations(Path modelFile, String location) throws IOException {
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
}
