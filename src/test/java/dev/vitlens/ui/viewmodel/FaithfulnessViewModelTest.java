package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.method.ExplanationMethods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The faithfulness curves follow the shown analysis and give way to the session's work. No FX toolkit. */
class FaithfulnessViewModelTest {

    @TempDir
    Path dir;

    static long count(ViewModelFixture f, String call) {
        return f.backend.calls.stream().filter(call::equals).count();
    }

    static List<String> names(FaithfulnessViewModel vm) {
        return vm.series().stream().map(FaithfulnessViewModel.Series::name).toList();
    }

    @Test
    void theShownImageGetsCurvesOfTheExplorersMethodFirstThenRandomAndOcclusion() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            FaithfulnessViewModel vm = f.workbench.faithfulness();
            List<List<String>> shownAtEachCall = new java.util.ArrayList<>();
            f.backend.faithfulnessGate = () -> shownAtEachCall.add(names(vm));
            f.workbench.start(List.of());
            assertEquals(List.of(List.of(), List.of("rollout")), shownAtEachCall,
                    "the explorer's curves are shown while the references are measured");
            assertEquals(List.of("rollout", "random", "occlusion"), names(vm));
            FaithfulnessViewModel.Series rollout = vm.series().get(0);
            // FakeBackend's rollout deletion curve 0.8, 0.2, 0.1, 0.05, 0 over quarters: trapezoids by hand.
            double deletion = 0.25 * ((0.8 + 0.2) / 2 + (0.2 + 0.1) / 2 + (0.1 + 0.05) / 2 + 0.05 / 2);
            assertEquals(deletion, rollout.deletionAuc(), 1e-12);
            assertEquals(0.8 - deletion, rollout.insertionAuc(), 1e-12);
            assertEquals("rollout \u00b7 del 0.19 \u00b7 ins 0.61", rollout.label());
            assertEquals(5, rollout.fractions().length);
            assertTrue(vm.statusProperty().get().startsWith("P(class0) 0.80"), vm.statusProperty().get());
            assertTrue(vm.statusProperty().get().endsWith("7 ms"), vm.statusProperty().get());
            assertFalse(vm.runningProperty().get());
            assertThrows(UnsupportedOperationException.class, () -> vm.series().clear());

            // Same image, other explorer choices: random and occlusion are not measured again.
            f.workbench.explorer().methodProperty().set(ExplanationMethods.get("occlusion"));
            assertEquals(List.of("random", "occlusion"), names(vm), "occlusion once");
            f.workbench.explorer().methodProperty().set(ExplanationMethods.get("attention"));
            assertEquals(List.of("attention", "random", "occlusion"), names(vm));
            assertEquals(1, count(f, "faithfulness references"), f.backend.calls.toString());
            assertEquals(0, count(f, "faithfulness occlusion"));
            assertEquals(1, count(f, "faithfulness attention"));
        }
    }

    @Test
    void aModelWithoutAttentionsStillShowsRandomAndOcclusionAndSaysWhy() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            f.session().selectedModelProperty().set(FakeBackend.entry("plain"));
            FaithfulnessViewModel vm = f.workbench.faithfulness();
            assertEquals("plain", f.session().currentProperty().get().model().id());
            assertEquals(List.of("random", "occlusion"), names(vm));
            assertTrue(vm.statusProperty().get().startsWith("rollout unavailable: " + FakeBackend.NO_ATTENTIONS),
                    vm.statusProperty().get());
        }
    }

    @Test
    void aMeasurementGivesWayToTheSessionAndStaleResultsAreNotShown() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir, true)) {
            f.workbench.start(List.of(dir.resolve("img-0.png")));
            f.held.removeFirst().run(); // the catalogue
            f.held.removeFirst().run(); // list images
            f.held.removeFirst().run(); // the analysis of img-0: its curves are queued next
            FaithfulnessViewModel vm = f.workbench.faithfulness();
            assertTrue(vm.runningProperty().get());
            assertTrue(vm.series().isEmpty());
            // A new image before the measurement ran: it is cancelled and never reaches the backend.
            f.session().showFile(dir.resolve("img-1.png"));
            assertFalse(vm.runningProperty().get());
            f.runHeld();
            assertEquals(2, f.backend.calls.stream().filter(c -> c.startsWith("faithfulness")).count(),
                    "img-1's rollout and references only: " + f.backend.calls);
            assertEquals("img-1.png", f.session().currentProperty().get().image().name());
            assertEquals(3, vm.series().size());

            // A measurement that finishes after the image changed is dropped.
            f.session().showFile(dir.resolve("img-2.png"));
            f.held.removeFirst().run(); // the analysis of img-2; its measurement is queued
            Runnable measurement = f.held.removeFirst();
            f.backend.faithfulnessGate = () -> f.session().showFile(dir.resolve("img-0.png"));
            measurement.run(); // the gate starts img-0's analysis: the running measurement is cancelled
            f.backend.faithfulnessGate = null;
            assertTrue(vm.series().isEmpty(), "neither img-1's curves nor img-2's cancelled ones");
            assertTrue(vm.statusProperty().get().startsWith("measuring"), vm.statusProperty().get());
            f.runHeld();
            assertEquals(5, f.backend.calls.stream().filter(c -> c.startsWith("faithfulness")).count(),
                    "img-1 (2), img-2 (cancelled inside its first), img-0 (2): " + f.backend.calls);
            assertEquals("img-0.png", f.session().currentProperty().get().image().name());
            assertEquals(3, vm.series().size());
            assertTrue(vm.statusProperty().get().startsWith("P(class0)"), vm.statusProperty().get());
        }
    }
}
