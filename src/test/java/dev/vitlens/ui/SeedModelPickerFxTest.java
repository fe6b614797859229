package dev.vitlens.ui;

import static dev.vitlens.ui.WorkbenchHarness.waitUntil;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.SeedModels;
import dev.vitlens.testing.LabelledFolders;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.ModelEntry;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window with the real engine, headless under Monocle: the model picker lists ViT base as not installed, and
 * picking it shows its export and import commands, copyable, while the model in use stays chosen.
 */
@ExtendWith(ApplicationExtension.class)
class SeedModelPickerFxTest {

    private static final long TIMEOUT_S = 60;
    private static Path root;
    private static EngineBackend backend;

    private WorkbenchHarness harness;
    private WorkbenchViewModel viewModel;
    private WorkbenchView view;

    @BeforeAll
    static void createModels() throws Exception {
        root = Files.createTempDirectory("vitlens-seed-fx");
        LabelledFolders.writeModel(root.resolve("models/tiny-fashion"));
        backend = new EngineBackend(new ModelCatalog(root.resolve("models"), root.resolve("user-models")),
                "tiny-fashion");
        FxToolkit.registerPrimaryStage();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Start
    void start(Stage stage) {
        harness = WorkbenchHarness.show(stage, backend, () -> new ModelCatalog(root.resolve("models"),
                root.resolve("user-models")));
        viewModel = harness.viewModel;
        view = harness.view;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (view.seedModelDialog().dialog() != null) {
            robotless(() -> view.seedModelDialog().dialog().close());
        }
        harness.close();
    }

    private static void robotless(Runnable action) throws Exception {
        WaitForAsyncUtils.asyncFx(action).get(TIMEOUT_S, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static Optional<ListCell<?>> cellOf(FxRobot robot, String id) {
        return robot.lookup(".list-cell").queryAll().stream().<ListCell<?>>map(c -> (ListCell<?>) c)
                .filter(c -> c.getItem() instanceof ModelEntry m && m.id().equals(id) && c.isVisible()).findFirst();
    }

    @Test
    @SuppressWarnings("unchecked")
    void pickingANotInstalledSeedModelShowsItsCommandsAndKeepsTheModel(FxRobot robot) throws Exception {
        ComboBox<ModelEntry> picker = robot.lookup("#modelPicker").queryAs(ComboBox.class);
        waitUntil(() -> picker.getValue() != null && picker.getValue().id().equals("tiny-fashion")
                && !viewModel.session().busyProperty().get());
        assertEquals(1 + SeedModels.all().size(), picker.getItems().size(), "tiny-fashion, then the seed models");

        robot.clickOn("#modelPicker");
        waitUntil(() -> cellOf(robot, "vit-base-patch16-224").isPresent());
        ListCell<?> vitBase = cellOf(robot, "vit-base-patch16-224").orElseThrow();
        assertFalse(vitBase.isDisabled(), "a not-installed entry can be picked, to see its commands");
        assertTrue(robot.from(vitBase).lookup(".label").queryAll().stream()
                        .anyMatch(l -> ((javafx.scene.control.Label) l).getText().startsWith("not installed")),
                "the entry says it is not installed");
        robot.clickOn(vitBase);

        waitUntil(() -> robot.lookup("#seedCommands").tryQuery().isPresent());
        TextArea commands = robot.lookup("#seedCommands").queryAs(TextArea.class);
        String expected = "optimum-cli export onnx --model google/vit-base-patch16-224 --task image-classification"
                + " vit-base-patch16-224/\nvitlens import vit-base-patch16-224/";
        assertEquals(expected, commands.getText());
        assertFalse(commands.isEditable());
        waitUntil(() -> picker.getValue() != null && picker.getValue().id().equals("tiny-fashion"));
        assertEquals("tiny-fashion", viewModel.session().selectedModelProperty().get().id(),
                "the model in use stays chosen");
        assertFalse(viewModel.session().busyProperty().get(), "nothing was loaded");

        robot.clickOn(robot.lookup("#copySeedCommands").queryAs(Button.class));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(expected, WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString())
                .get(TIMEOUT_S, TimeUnit.SECONDS));
    }
}
