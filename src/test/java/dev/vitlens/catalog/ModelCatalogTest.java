package dev.vitlens.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {
    @TempDir
    Path tmp;

    @Test
    void listsValidAndMalformedFoldersWithoutFailing() throws Exception {
        Path bundled = tmp.resolve("bundled");
        Path user = tmp.resolve("user");
        TinyModels.writeVitFolder(bundled.resolve("good"), 28, 7, 10, 2, 2);
        Files.createDirectories(bundled.resolve("recipes").resolve("sub")); // no model files: not a model
        Files.writeString(bundled.resolve("recipes").resolve("train.py"), "print()");
        Files.createDirectories(bundled.resolve("empty"));
        Files.writeString(bundled.resolve("empty").resolve("vitlens.json"), "{}");
        Path noConfig = TinyModels.writeVitFolder(bundled.resolve("no-config"), 28, 7, 10, 0, 0);
        Files.delete(noConfig.resolve("config.json"));
        Path badJson = TinyModels.writeVitFolder(bundled.resolve("bad-json"), 28, 7, 3, 0, 0);
        TinyModels.write(badJson.resolve("config.json"), "{not json");
        Path notOnnx = TinyModels.writeVitFolder(bundled.resolve("not-onnx"), 28, 7, 3, 0, 0);
        Files.write(notOnnx.resolve("model.onnx"), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2});
        Path wrongLabels = TinyModels.writeVitFolder(bundled.resolve("wrong-labels"), 28, 7, 3, 0, 0);
        TinyModels.write(wrongLabels.resolve("config.json"),
                "{\"model_type\":\"vit\",\"image_size\":28,\"patch_size\":7,\"id2label\":{\"0\":\"a\"}}");
        Path wrongSize = TinyModels.writeVitFolder(bundled.resolve("wrong-size"), 28, 7, 3, 0, 0);
        TinyModels.write(wrongSize.resolve("preprocessor_config.json"), "{\"size\":{\"height\":32,\"width\":32}}");
        TinyModels.writeVitFolder(user.resolve("mine"), 14, 7, 2, 1, 1);
        Files.writeString(user.resolve("mine").resolve("vitlens.json"),
                "{\"displayName\":\"My model\",\"description\":\"d\",\"family\":\"vit\",\"samples\":[\"s.png\"]}");

        ModelCatalog catalog = new ModelCatalog(bundled, user);
        List<ModelCatalog.Entry> entries = catalog.list();
        Map<String, ModelCatalog.Entry> byId = entries.stream()
                .collect(Collectors.toMap(ModelCatalog.Entry::id, e -> e));
        assertEquals(8, entries.size(), entries.toString());
        assertTrue(!byId.containsKey("recipes"), "folders without model files are not listed");
        assertTrue(byId.get("good").available());
        assertEquals(new TokenLayout(1, 4, 4, 7, 2, 2), byId.get("good").info().layout());
        assertTrue(byId.get("good").info().hasAttentions());
        assertReason(byId.get("empty"), "missing model.onnx");
        assertReason(byId.get("no-config"), "missing config.json");
        assertReason(byId.get("bad-json"), "config.json is not valid JSON");
        assertReason(byId.get("not-onnx"), "model.onnx is not a readable ONNX model");
        assertReason(byId.get("wrong-labels"), "label count");
        assertReason(byId.get("wrong-size"), "produces 32x32 images but config.json image_size is 28x28");
        ModelCatalog.Entry mine = byId.get("mine");
        assertEquals(ModelCatalog.Source.USER, mine.source());
        assertEquals("My model", mine.displayName());
        assertEquals(List.of(user.resolve("mine").resolve("s.png")), mine.info().samplePaths());
        assertEquals(6, entries.stream().filter(e -> !e.available()).count());
    }

    @Test
    void vitlensJsonMarksAFaceClassifier() throws Exception {
        Path faces = TinyModels.writeVitFolder(tmp.resolve("faces"), 14, 7, 2, 1, 1);
        Files.writeString(faces.resolve("vitlens.json"), "{\"displayName\":\"Masks\",\"faceClassifier\":true}");
        assertTrue(ModelFolder.load(faces).meta().faceClassifier());
        Path plain = TinyModels.writeVitFolder(tmp.resolve("plain"), 14, 7, 2, 1, 1);
        assertFalse(ModelFolder.load(plain).meta().faceClassifier(), "no vitlens.json: not a face classifier");
        Files.writeString(plain.resolve("vitlens.json"), "{\"displayName\":\"Shirts\"}");
        assertFalse(ModelFolder.load(plain).meta().faceClassifier(), "the field is optional, false by default");
        Files.writeString(plain.resolve("vitlens.json"), "{\"faceClassifier\":\"yes\"}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFolder.load(plain));
        assertTrue(e.getMessage().contains("vitlens.json: field \"faceClassifier\" must be true or false"),
                e.getMessage());
    }

    @Test
    void theBundledMaskModelIsAFaceClassifierAndTheFashionModelsAreNot() throws Exception {
        assertTrue(ModelFolder.load(Path.of("models/deit-mask")).meta().faceClassifier());
        assertFalse(ModelFolder.load(Path.of("models/vit-fashion")).meta().faceClassifier());
        assertFalse(ModelFolder.load(Path.of("models/beit-fashion")).meta().faceClassifier());
    }

    @Test
    void graphAndConfigMustAgreeOnAttentionShape() throws Exception {
        Path dir = TinyModels.writeVitFolder(tmp.resolve("m"), 28, 7, 4, 2, 2);
        // Claim 3 layers while the graph exports 2 attention outputs.
        TinyModels.write(dir.resolve("config.json"), "{\"model_type\":\"vit\",\"image_size\":28,\"patch_size\":7,"
                + "\"num_hidden_layers\":3,\"num_attention_heads\":2,\"num_labels\":4}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFolder.load(dir));
        assertTrue(e.getMessage().contains("2 attention outputs but config.json num_hidden_layers is 3"),
                e.getMessage());
        // DeiT has 2 prefix tokens: T = 2 + 16 does not match the graph's 1 + 16.
        TinyModels.write(dir.resolve("config.json"), "{\"model_type\":\"deit\",\"image_size\":28,\"patch_size\":7,"
                + "\"num_hidden_layers\":2,\"num_attention_heads\":2,\"num_labels\":4}");
        TinyModels.write(dir.resolve("preprocessor_config.json"), "{\"size\":28,\"do_center_crop\":false}");
        e = assertThrows(ModelFormatException.class, () -> ModelFolder.load(dir));
        assertTrue(e.getMessage().contains("tokens"), e.getMessage());
    }

    @Test
    void findsByIdOrPathAndExplainsUnknownIds() throws Exception {
        Path bundled = tmp.resolve("models");
        TinyModels.writeVitFolder(bundled.resolve("a"), 28, 7, 3, 0, 0);
        Path elsewhere = TinyModels.writeVitFolder(tmp.resolve("elsewhere").resolve("b"), 28, 7, 3, 0, 0);
        ModelCatalog catalog = new ModelCatalog(bundled, tmp.resolve("no-such-user-dir"));
        assertEquals("a", catalog.resolve("a").id());
        assertEquals(ModelCatalog.Source.BUNDLED, catalog.resolve("a").source());
        ModelCatalog.Entry b = catalog.resolve(elsewhere.toString());
        assertEquals(ModelCatalog.Source.PATH, b.source());
        assertTrue(b.available());
        assertFalse(catalog.find("../models/a").isPresent());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> catalog.resolve("nope"));
        assertTrue(e.getMessage().contains("unknown model \"nope\"") && e.getMessage().contains("known: a"),
                e.getMessage());
    }

    @Test
    void directoriesHonourSystemProperties() {
        String oldModels = System.getProperty(ModelDirectories.MODELS_DIR_PROPERTY);
        String oldUser = System.getProperty(ModelDirectories.USER_DIR_PROPERTY);
        try {
            System.setProperty(ModelDirectories.MODELS_DIR_PROPERTY, tmp.resolve("m").toString());
            System.setProperty(ModelDirectories.USER_DIR_PROPERTY, tmp.resolve("u").toString());
            assertEquals(tmp.resolve("m"), ModelDirectories.bundled().orElseThrow());
            assertEquals(tmp.resolve("u").resolve("models"), ModelDirectories.user());
        } finally {
            restore(ModelDirectories.MODELS_DIR_PROPERTY, oldModels);
            restore(ModelDirectories.USER_DIR_PROPERTY, oldUser);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static void assertReason(ModelCatalog.Entry e, String expected) {
        assertFalse(e.available(), e.id() + " should be unavailable");
        assertTrue(e.problem().contains(expected), () -> e.id() + ": " + e.problem());
    }
}
