package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.Prediction;
import dev.vitlens.engine.method.ExplanationMethods;
import javafx.beans.value.WritableValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session view-model over a fake backend, with no FX toolkit. */
class SessionViewModelTest {

    @TempDir
    Path dir;

    @Test
    void startChoosesTheDefaultUsableModelAndShowsItsFirstSample() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            assertNull(session.currentProperty().get());
            f.workbench.start(List.of());

            assertEquals("vit", session.selectedModelProperty().get().id(), "the broken first entry is skipped");
            CurrentAnalysis shown = session.currentProperty().get();
            assertNotNull(shown);
            assertEquals("cat-1.png", shown.image().name());
            assertEquals("vit", shown.model().id());
            assertEquals("class1", shown.analysis().top().get(0).label(), "a 2-wide image is class 1");
            assertEquals("rollout", shown.explanation().method());
            assertEquals(List.of("class1", "class0", "class2"),
                    session.predictions().stream().map(Prediction::label).toList());
            assertEquals(4, session.gridRowsProperty().get());
            assertEquals(4, session.gridColumnsProperty().get());
            assertNotNull(session.heatmapImageProperty().get());
            assertTrue(session.timingsProperty().get().contains("explain 4.0 ms"), session.timingsProperty().get());
            assertEquals("cat-1.png \u2014 Fake ViT", session.statusProperty().get());
            assertFalse(session.busyProperty().get());
            assertEquals(1, f.workbench.explorer().layerProperty().get(), "starts at the model's last layer");
        }
    }

    @Test
    void derivedStateCannotBeWrittenFromOutside() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of());
            assertFalse(session.gridRowsProperty() instanceof WritableValue<?>);
            assertFalse(session.currentProperty() instanceof WritableValue<?>);
            assertFalse(session.imageProperty() instanceof WritableValue<?>);
            assertThrows(UnsupportedOperationException.class, () -> session.predictions().clear());
            assertThrows(UnsupportedOperationException.class, () -> session.models().clear());
            assertFalse(f.workbench.explorer().layerCountProperty() instanceof WritableValue<?>);
            assertThrows(UnsupportedOperationException.class, () -> f.workbench.explorer().headChoices().clear());
        }
    }

    @Test
    void aModelWithoutAttentionsShowsWhyThereIsNoMap() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of());
            session.selectedModelProperty().set(FakeBackend.entry("plain"));

            CurrentAnalysis shown = session.currentProperty().get();
            assertEquals("plain", shown.model().id(), "choosing a model re-runs the shown image");
            assertNull(shown.explanation());
            assertNull(session.heatmapImageProperty().get());
            assertEquals("this model exports no attentions (" + FakeBackend.NO_ATTENTIONS + ")",
                    session.heatmapDescriptionProperty().get());
            assertEquals(2, session.gridRowsProperty().get());
            assertEquals("plain", f.settings.lastModel(), "the choice is remembered");
        }
    }

    @Test
    void anUnavailableModelIsRefusedWithItsReason() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of());
            CurrentAnalysis before = session.currentProperty().get();
            session.selectedModelProperty().set(FakeBackend.entry("broken"));
            assertEquals(before, session.currentProperty().get());
            Notice notice = f.workbench.notices().get(f.workbench.notices().size() - 1);
            assertEquals("Model Broken is unavailable", notice.title());
            assertEquals("config.json: bad", notice.message());
        }
    }

    @Test
    void aFileThatFailsKeepsThePreviousResultAndSaysWhy() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of());
            CurrentAnalysis before = session.currentProperty().get();
            session.showFile(dir.resolve("bad.png"));
            assertEquals(before, session.currentProperty().get());
            assertEquals("Cannot open bad.png", session.statusProperty().get());
            Notice notice = f.workbench.notices().get(f.workbench.notices().size() - 1);
            assertEquals("not an image: bad.png", notice.message());
            assertFalse(session.busyProperty().get());
        }
    }

    @Test
    void aLateResultOfAnEarlierRequestIsDropped() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir, true)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of(dir.resolve("img-0.png")));
            f.held.removeFirst().run(); // the catalogue
            f.runHeld();                // list images, then the analysis of img-0
            session.showFile(dir.resolve("img-1.png"));
            session.showFile(dir.resolve("img-2.png"));
            assertTrue(session.busyProperty().get());
            // The newer request finishes first; the older one, cancelled, must not replace it.
            Runnable older = f.held.removeFirst();
            f.held.removeFirst().run();
            older.run();
            assertEquals("img-2.png", session.currentProperty().get().image().name());
            assertEquals("img-2.png", session.imageNameProperty().get());
            assertFalse(session.busyProperty().get());
        }
    }

    @Test
    void aSignedMethodSwitchesToTheDivergingColormapAndBack() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of());
            f.workbench.explorer().methodProperty().set(ExplanationMethods.get("occlusion"));
            assertEquals(ColormapChoice.DIVERGING, f.workbench.overlay().colormapProperty().get());
            assertEquals("occlusion", session.currentProperty().get().explanation().method());
            assertEquals("occlusion", session.explanationProperty().get().method());
            assertTrue(session.heatmapDescriptionProperty().get().startsWith("occlusion"));
            f.workbench.explorer().methodProperty().set(ExplanationMethods.get("attention"));
            assertEquals(ColormapChoice.VIRIDIS, f.workbench.overlay().colormapProperty().get());
            assertEquals("attention", session.currentProperty().get().explanation().method());
        }
    }

    @Test
    void aNewColormapReRendersWithoutRunningTheModel() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            f.backend.calls.clear();
            f.workbench.overlay().colormapProperty().set(ColormapChoice.INFERNO);
            assertEquals(List.of("render " + ColormapChoice.INFERNO), f.backend.calls);
        }
    }
}
