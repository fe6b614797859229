package dev.vitlens.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The composition root: what opening gives the gallery or the session, and how a model switch reaches both. */
class WorkbenchViewModelTest {

    @TempDir
    Path dir;

    @Test
    void oneFileIsShownAndAFolderBecomesAGallery() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir.resolve("models"))) {
            f.workbench.start(List.of());
            Path folder = Files.createDirectories(dir.resolve("pics"));
            for (String name : List.of("img-0.png", "img-2.png", "notes.txt")) {
                Files.writeString(folder.resolve(name), "x");
            }
            f.workbench.openFiles(List.of(folder));
            assertEquals(2, f.workbench.gallery().items().size(), "only image files");
            assertEquals("img-0.png", f.session().imageNameProperty().get());

            f.workbench.openFiles(List.of(folder.resolve("img-2.png")));
            assertTrue(f.workbench.gallery().items().isEmpty(), "a single file clears the gallery");
            assertEquals("img-2.png", f.session().imageNameProperty().get());
            assertEquals(folder.resolve("img-2.png"), f.workbench.recentFiles().get(0));
        }
    }

    @Test
    void anEmptyFolderSaysSo() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir.resolve("models"))) {
            f.workbench.start(List.of());
            f.workbench.openFiles(List.of(Files.createDirectories(dir.resolve("empty"))));
            assertEquals("No images found", f.workbench.notices().get(f.workbench.notices().size() - 1).title());
        }
    }

    @Test
    void aModelSwitchReRunsTheImageAndTheGallery() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir.resolve("models"))) {
            f.workbench.start(List.of());
            Path folder = Files.createDirectories(dir.resolve("pics"));
            Files.writeString(folder.resolve("img-1.png"), "x");
            Files.writeString(folder.resolve("img-2.png"), "x");
            f.workbench.openFiles(List.of(folder));
            f.backend.calls.clear();
            f.session().selectedModelProperty().set(FakeBackend.entry("plain"));
            assertEquals(1, f.backend.calls.stream().filter(c -> c.equals("classify plain top5")).count());
            assertEquals(2, f.backend.calls.stream().filter(c -> c.equals("classify plain top1")).count());
            assertEquals("plain", f.session().currentProperty().get().model().id());
        }
    }
}
