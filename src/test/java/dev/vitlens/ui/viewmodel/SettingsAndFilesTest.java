package dev.vitlens.ui.viewmodel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SettingsAndFilesTest {

    private final Preferences node = Preferences.userRoot().node("dev/vitlens/test-" + UUID.randomUUID());

    @AfterEach
    void removeNode() throws Exception {
        node.removeNode();
    }

    @Test
    void recentFilesAreNewestFirstWithoutDuplicatesAndCapped(@TempDir Path dir) {
        WorkbenchSettings settings = new WorkbenchSettings(node);
        for (int i = 0; i < 15; i++) {
            settings.addRecent(dir.resolve("f" + i + ".png"));
        }
        settings.addRecent(dir.resolve("f3.png"));
        List<Path> recent = new WorkbenchSettings(node).recentFiles();
        assertEquals(WorkbenchSettings.MAX_RECENT, recent.size());
        assertEquals(dir.resolve("f3.png").toAbsolutePath(), recent.get(0));
        assertEquals(dir.resolve("f14.png").toAbsolutePath(), recent.get(1));
        assertEquals(1, recent.stream().filter(p -> p.endsWith("f3.png")).count());
    }

    @Test
    void remembersModelAndWindowSize() {
        WorkbenchSettings settings = new WorkbenchSettings(node);
        settings.setLastModel("vit-fashion");
        settings.setWindowSize(1000, 700);
        WorkbenchSettings reread = new WorkbenchSettings(node);
        assertEquals("vit-fashion", reread.lastModel());
        assertEquals(1000, reread.windowWidth());
        assertEquals(700, reread.windowHeight());
    }

    @Test
    void expandListsOnlyImagesOfAFolderSorted(@TempDir Path dir) throws IOException {
        Files.createFile(dir.resolve("b.png"));
        Files.createFile(dir.resolve("a.JPG"));
        Files.createFile(dir.resolve("c.svg")); // listed: the gallery shows why it cannot be read
        Files.createFile(dir.resolve("notes.txt"));
        Files.createDirectory(dir.resolve("sub"));
        assertEquals(List.of(dir.resolve("a.JPG"), dir.resolve("b.png"), dir.resolve("c.svg")),
                WorkbenchViewModel.expand(List.of(dir)));
    }
}
