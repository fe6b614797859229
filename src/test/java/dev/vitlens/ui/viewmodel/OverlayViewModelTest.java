package dev.vitlens.ui.viewmodel;

import javafx.beans.value.WritableValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overlay and view controls, wired to a session over a fake backend, with no FX toolkit. */
class OverlayViewModelTest {

    @TempDir
    Path dir;

    @Test
    void zoomStaysBetweenItsLimitsAndFitResetsIt() {
        OverlayViewModel overlay = new OverlayViewModel();
        for (int i = 0; i < 40; i++) {
            overlay.zoomIn();
        }
        assertEquals(32, overlay.zoomProperty().get(), 1e-9);
        for (int i = 0; i < 80; i++) {
            overlay.zoomOut();
        }
        assertEquals(0.1, overlay.zoomProperty().get(), 1e-9);
        overlay.fit();
        assertEquals(1.0, overlay.zoomProperty().get(), 1e-9);
        assertFalse(overlay.zoomProperty() instanceof WritableValue<?>);
    }

    @Test
    void togglesFlipTheirSetting() {
        OverlayViewModel overlay = new OverlayViewModel();
        overlay.toggleGrid();
        overlay.toggleHeatmap();
        assertFalse(overlay.gridVisibleProperty().get());
        assertFalse(overlay.heatmapVisibleProperty().get());
        overlay.toggleHeatmap();
        assertTrue(overlay.heatmapVisibleProperty().get());
    }

    @Test
    void followsWhatTheSessionShowsAndAClickedPatchBecomesTheQuery() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            OverlayViewModel overlay = f.workbench.overlay();
            overlay.selectPatch(new PatchPosition(1, 1));
            assertEquals(QueryChoice.AUTO, overlay.queryProperty().get(), "no grid yet: a click does nothing");
            assertFalse(overlay.hasImageProperty().get());

            f.workbench.start(List.of());
            assertTrue(overlay.hasImageProperty().get());
            assertNotNull(overlay.imageProperty().get());
            assertNotNull(overlay.heatmapImageProperty().get());
            assertEquals(4, overlay.gridRowsProperty().get());
            assertFalse(overlay.gridRowsProperty() instanceof WritableValue<?>);

            f.backend.calls.clear();
            overlay.selectPatch(new PatchPosition(2, 3));
            assertEquals(QueryChoice.patch(2, 3), overlay.queryProperty().get());
            assertTrue(f.backend.calls.contains("explain rollout layer 1 query " + QueryChoice.patch(2, 3)),
                    f.backend.calls.toString());
        }
    }
}
