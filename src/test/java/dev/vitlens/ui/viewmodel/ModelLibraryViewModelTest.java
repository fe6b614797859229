package dev.vitlens.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Import by drop or menu, rename and remove, over the fake backend with no FX toolkit. */
class ModelLibraryViewModelTest {

    @TempDir
    Path dir;

    /** A folder that looks like an export (model.onnx + config.json); the fake backend never reads it. */
    private Path export(String name) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.writeString(folder.resolve("model.onnx"), "graph");
        Files.writeString(folder.resolve("config.json"), "{}");
        return folder;
    }

    private static List<String> ids(ViewModelFixture f) {
        return f.session().models().stream().map(ModelEntry::id).toList();
    }

    private static Notice lastNotice(ViewModelFixture f) {
        return f.workbench.notices().get(f.workbench.notices().size() - 1);
    }

    @Test
    void anExportFolderIsToldApartFromAFolderOfImages() throws Exception {
        assertTrue(ModelLibraryViewModel.isExportFolder(export("vit-export")));
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.writeString(images.resolve("model.onnx"), "a model without config.json is not an export");
        assertFalse(ModelLibraryViewModel.isExportFolder(images));
        assertFalse(ModelLibraryViewModel.isExportFolder(dir.resolve("vit-export/model.onnx")));
        assertFalse(ModelLibraryViewModel.isExportFolder(dir.resolve("missing")));
    }

    @Test
    void droppingAnExportImportsItAndSelectsTheNewModel() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            assertEquals("vit", f.session().selectedModelProperty().get().id());
            f.workbench.drop(List.of(export("my-export")));
            assertEquals(List.of("broken", "vit", "plain", "my-export"), ids(f));
            ModelEntry chosen = f.session().selectedModelProperty().get();
            assertEquals("my-export", chosen.id());
            assertTrue(chosen.userModel());
            assertEquals("my-export", f.workbench.settings().lastModel(), "chosen as if the user picked it");
            assertEquals(Notice.Severity.SUCCESS, lastNotice(f).severity());
            assertFalse(f.workbench.library().runningProperty().get());
            assertEquals("Imported my-export", f.workbench.library().statusProperty().get());
            assertEquals(0, f.workbench.gallery().items().size(), "an export is not a gallery");
        }
    }

    @Test
    void droppingAFolderOfImagesStillOpensAGallery() throws Exception {
        Path images = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(images.resolve("img-1.png"), "x");
        Files.writeString(images.resolve("img-2.png"), "x");
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            f.workbench.drop(List.of(images, export("also-a-model")));
            assertEquals(2, f.workbench.gallery().items().size());
            assertTrue(ids(f).contains("also-a-model"));
            assertTrue(f.backend.calls.contains("import also-a-model"));
            assertFalse(f.backend.calls.contains("import photos"));
        }
    }

    @Test
    void aFailedImportSaysWhyAndChangesNothing() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            f.workbench.library().importModel(export("bad-export"));
            assertEquals(List.of("broken", "vit", "plain"), ids(f));
            assertEquals("vit", f.session().selectedModelProperty().get().id());
            assertEquals("Cannot import bad-export", lastNotice(f).title());
            assertEquals("no config.json beside model.onnx", lastNotice(f).message());
            assertFalse(f.workbench.library().runningProperty().get());
        }
    }

    @Test
    void renamingKeepsTheChoiceWithoutRunningAgain() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            f.workbench.library().importModel(export("mine"));
            int calls = f.backend.calls.size();
            f.workbench.library().rename(f.session().selectedModelProperty().get(), "My model");
            assertEquals("My model", f.session().selectedModelProperty().get().displayName());
            assertEquals("mine", f.session().selectedModelProperty().get().id());
            assertEquals(List.of("rename mine My model"), f.backend.calls.subList(calls, f.backend.calls.size()),
                    "nothing was classified again");
        }
    }

    @Test
    void removingTheChosenModelFallsBackToTheDefaultAndRunsIt() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            f.workbench.library().importModel(export("mine"));
            int calls = f.backend.calls.size();
            f.workbench.library().remove(f.session().selectedModelProperty().get());
            assertEquals(List.of("broken", "vit", "plain"), ids(f));
            assertEquals("vit", f.session().selectedModelProperty().get().id());
            assertTrue(f.backend.calls.subList(calls, f.backend.calls.size()).contains("classify vit top5"),
                    "the shown image ran again with the new choice: " + f.backend.calls);
            assertEquals("Removed mine", lastNotice(f).title());
        }
    }

    @Test
    void bundledModelsCannotBeRenamedOrRemoved() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            ModelEntry bundled = f.session().selectedModelProperty().get();
            assertFalse(ModelLibraryViewModel.canChange(bundled));
            f.workbench.library().remove(bundled);
            assertTrue(lastNotice(f).message().contains("bundled with ViTLens"), lastNotice(f).message());
            f.workbench.library().rename(bundled, "x");
            assertTrue(f.backend.calls.stream().noneMatch(c -> c.startsWith("remove") || c.startsWith("rename")));
            assertEquals(List.of("broken", "vit", "plain"), ids(f));
        }
    }
}
