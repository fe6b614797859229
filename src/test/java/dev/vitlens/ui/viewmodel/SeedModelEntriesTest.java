package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.SeedModel;
import dev.vitlens.catalog.SeedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The picker's not-installed seed model entries, over a fake backend with no FX toolkit. */
class SeedModelEntriesTest {

    @TempDir
    Path dir;

    @Test
    void thePickerListsTheInstalledModelsThenEverySeedModel() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of());

            List<ModelEntry> entries = session.pickerEntries();
            assertEquals(session.models(), entries.subList(0, 3), "the installed models come first, as listed");
            assertEquals(List.of("vit-base-patch16-224", "vit-base-patch16-224-in21k", "beit-base-patch16-224",
                    "deit-facemask"), entries.subList(3, entries.size()).stream().map(ModelEntry::id).toList());
            ModelEntry vitBase = entries.get(3);
            assertFalse(vitBase.installed());
            assertFalse(vitBase.available(), "a seed model that is not installed never runs");
            assertEquals(ModelEntry.NOT_INSTALLED, vitBase.unavailableReason());
            assertEquals("ViT base", vitBase.displayName());
            assertEquals("google/vit-base-patch16-224", vitBase.seed().repoId());
            assertEquals(3, session.models().size(), "models() (few-shot backbones, evaluate) has only installed ones");
            assertTrue(session.models().stream().allMatch(ModelEntry::installed));
            assertThrows(UnsupportedOperationException.class, () -> session.pickerEntries().clear());
        }
    }

    @Test
    void anInstalledSeedModelIsNotListedTwice() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of());
            assertEquals(1, countOf(session, "beit-base-patch16-224"));

            // The README's import of beit-base-patch16-224/ gives the model that id.
            f.workbench.library().importModel(dir.resolve("beit-base-patch16-224"));

            assertEquals(1, countOf(session, "beit-base-patch16-224"));
            ModelEntry beit = session.pickerEntries().stream().filter(m -> m.id().equals("beit-base-patch16-224"))
                    .findFirst().orElseThrow();
            assertTrue(beit.installed() && beit.available() && beit.userModel(), beit.toString());
            assertEquals(beit, session.selectedModelProperty().get(), "the import is the choice");
            assertEquals(4 + SeedModels.all().size() - 1, session.pickerEntries().size());
        }
    }

    @Test
    void choosingANotInstalledSeedModelShowsItsCommandsAndKeepsTheModel() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            SessionViewModel session = f.session();
            f.workbench.start(List.of());
            ModelEntry before = session.selectedModelProperty().get();
            CurrentAnalysis shown = session.currentProperty().get();
            assertEquals("vit", before.id());
            ModelEntry deit = session.pickerEntries().stream().filter(m -> m.id().equals("deit-facemask"))
                    .findFirst().orElseThrow();
            String remembered = f.settings.lastModel();
            f.backend.calls.clear();
            f.workbench.notices().clear();

            session.choose(deit);

            SeedModel asked = session.seedInstructionsProperty().get();
            assertSame(deit.seed(), asked);
            assertEquals("optimum-cli export onnx --model AkshatSurolia/DeiT-FaceMask-Finetuned"
                    + " --task image-classification deit-facemask/\nvitlens import deit-facemask/", asked.commands());
            assertEquals(before, session.selectedModelProperty().get(), "the previous model stays chosen");
            assertSame(shown, session.currentProperty().get(), "the shown analysis stays");
            assertEquals(List.of(), f.backend.calls, "nothing is loaded or run");
            assertEquals(List.of(), f.workbench.notices());
            assertEquals(remembered, f.settings.lastModel(), "the remembered model stays");

            session.dismissSeedInstructions();
            assertNull(session.seedInstructionsProperty().get());
            // The same entry again asks again.
            session.choose(deit);
            assertSame(deit.seed(), session.seedInstructionsProperty().get());

            ModelEntry plain = session.pickerEntries().stream().filter(m -> m.id().equals("plain")).findFirst()
                    .orElseThrow();
            session.choose(plain);
            assertEquals(plain, session.selectedModelProperty().get(), "an installed model is chosen as before");
            assertTrue(f.backend.calls.contains("classify plain top5"), f.backend.calls.toString());
            assertEquals("plain", f.settings.lastModel());
        }
    }

    private static long countOf(SessionViewModel session, String id) {
        return session.pickerEntries().stream().filter(m -> m.id().equals(id)).count();
    }
}
