package dev.vitlens.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removing and renaming the user's models; bundled models are left alone. */
class UserModelChangesTest {
    @TempDir
    Path tmp;
    Path bundled;
    Path user;
    ModelCatalog catalog;

    @BeforeEach
    void setUp() throws Exception {
        bundled = tmp.resolve("bundled");
        user = tmp.resolve("user");
        TinyModels.writeVitFolder(bundled.resolve("shipped"), 16, 8, 3, 1, 1);
        TinyModels.writeVitFolder(user.resolve("mine"), 16, 8, 3, 1, 1);
        Files.writeString(user.resolve("mine/vitlens.json"), "{\"displayName\":\"Mine\",\"description\":\"kept\","
                + "\"import\":{\"source\":\"/x/model.onnx\"}}");
        TinyModels.writeVitFolder(user.resolve("other"), 16, 8, 3, 1, 1);
        catalog = new ModelCatalog(bundled, user);
    }

    private List<String> ids() {
        return catalog.list().stream().map(ModelCatalog.Entry::id).toList();
    }

    private List<String> userFolder() throws Exception {
        try (Stream<Path> files = Files.list(user)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void removingAUserModelDeletesItsFolderAndNothingElse() throws Exception {
        catalog.removeUserModel("mine");
        assertEquals(List.of("shipped", "other"), ids());
        assertEquals(List.of("other"), userFolder(), "no hidden leftover");
        assertTrue(Files.isDirectory(bundled.resolve("shipped")));
    }

    @Test
    void aBrokenUserModelCanBeRemovedToo() throws Exception {
        Files.writeString(user.resolve("other/model.onnx"), "garbage");
        assertFalse(catalog.find("other").orElseThrow().available());
        catalog.removeUserModel("other");
        assertEquals(List.of("mine"), userFolder());
    }

    @Test
    void bundledAndUnknownModelsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> catalog.removeUserModel("shipped"));
        assertTrue(e.getMessage().contains("is a bundled model") && e.getMessage().contains("removed"), e.getMessage());
        assertTrue(Files.isRegularFile(bundled.resolve("shipped/model.onnx")));
        e = assertThrows(IllegalArgumentException.class, () -> catalog.renameUserModel("shipped", "New"));
        assertTrue(e.getMessage().contains("is a bundled model"), e.getMessage());
        assertFalse(Files.exists(bundled.resolve("shipped/vitlens.json")));
        e = assertThrows(IllegalArgumentException.class, () -> catalog.removeUserModel("nope"));
        assertEquals("no model \"nope\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> catalog.removeUserModel("../bundled/shipped"));
        assertTrue(Files.isDirectory(bundled.resolve("shipped")));
    }

    @Test
    void renamingSetsTheDisplayNameAndKeepsTheRestOfVitlensJson() throws Exception {
        ModelInfo info = catalog.renameUserModel("mine", "  My shirts  ");
        assertEquals("My shirts", info.displayName());
        assertEquals("My shirts", catalog.find("mine").orElseThrow().displayName());
        JsonNode meta = new ObjectMapper().readTree(Files.readString(user.resolve("mine/vitlens.json")));
        assertEquals("kept", meta.get("description").asText());
        assertEquals("/x/model.onnx", meta.get("import").get("source").asText());
        assertEquals(List.of("mine", "other"), userFolder(), "the id is unchanged, no temp file left");
        try (Stream<Path> files = Files.list(user.resolve("mine"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temp file left");
        }
    }

    @Test
    void renamingAModelWithoutVitlensJsonCreatesIt() throws Exception {
        assertEquals("other", catalog.find("other").orElseThrow().displayName());
        catalog.renameUserModel("other", "Other one");
        assertEquals("Other one", catalog.find("other").orElseThrow().displayName());
    }

    @Test
    void badNamesAreRefusedAndChangeNothing() throws Exception {
        String before = Files.readString(user.resolve("mine/vitlens.json"));
        for (String bad : new String[] {"", "   ", "a".repeat(ModelCatalog.MAX_DISPLAY_NAME + 1), "two\nlines"}) {
            assertThrows(IllegalArgumentException.class, () -> catalog.renameUserModel("mine", bad), bad);
        }
        assertEquals(before, Files.readString(user.resolve("mine/vitlens.json")));
        assertEquals("Mine", catalog.find("mine").orElseThrow().displayName());
    }

    @Test
    void aDroppedExportGetsTheFirstFreeId() throws Exception {
        ModelImporter importer = new ModelImporter(catalog, model -> "not run");
        Path exports = tmp.resolve("exports");
        assertEquals("fresh", importer.freeId(TinyModels.writeVitFolder(exports.resolve("fresh"), 16, 8, 3, 1, 1)));
        assertEquals("mine-2", importer.freeId(TinyModels.writeVitFolder(exports.resolve("Mine"), 16, 8, 3, 1, 1)));
        assertEquals("shipped-2", importer.freeId(TinyModels.writeVitFolder(exports.resolve("shipped"), 16, 8, 3, 1,
                1)), "bundled ids are taken too");
        TinyModels.writeVitFolder(user.resolve("shipped-2"), 16, 8, 3, 1, 1);
        assertEquals("shipped-3", importer.freeId(exports.resolve("shipped")));
    }
}
