package dev.vitlens.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Export of the shown analysis over a fake backend, with no FX toolkit. */
class ExportViewModelTest {

    @TempDir
    Path dir;

    @Test
    void nothingShownMeansNothingToSave() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            ExportViewModel export = f.workbench.export();
            assertFalse(export.hasResult());
            assertTrue(export.resultsJson().isEmpty());
            assertEquals("vitlens", export.exportStem());
            export.saveResults(dir.resolve("r.json"));
            assertEquals("Nothing to save", f.workbench.notices().get(0).title());
            assertFalse(Files.exists(dir.resolve("r.json")));
        }
    }

    @Test
    void savesTheShownResultsAndOverlay() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            ExportViewModel export = f.workbench.export();
            assertTrue(export.hasResult());
            assertEquals("cat-1", export.exportStem());
            String json = export.resultsJson().orElseThrow();
            assertTrue(json.contains("\"vit\"") && json.contains("class1") && json.contains("rollout"), json);

            export.saveResults(dir.resolve("r.json"));
            export.saveResults(dir.resolve("r.csv"));
            f.workbench.overlay().heatmapOpacityProperty().set(0.25);
            export.saveOverlay(dir.resolve("o.png"));
            assertEquals(json, Files.readString(dir.resolve("r.json")));
            assertTrue(Files.readString(dir.resolve("r.csv")).contains("class1"));
            assertNotNull(ImageIO.read(dir.resolve("o.png").toFile()));
            assertTrue(f.backend.calls.contains("overlay " + ColormapChoice.VIRIDIS + " 0.25"), f.backend.calls.toString());
            assertEquals(3, f.workbench.notices().stream().filter(n -> n.title().endsWith("saved")).count());
        }
    }

    @Test
    void aHiddenHeatmapExportsThePlainImage() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            f.workbench.overlay().toggleHeatmap();
            f.backend.calls.clear();
            f.workbench.export().saveOverlay(dir.resolve("plain.png"));
            assertTrue(Files.exists(dir.resolve("plain.png")));
            assertFalse(f.backend.calls.stream().anyMatch(c -> c.startsWith("overlay")), f.backend.calls.toString());
        }
    }
}
