package dev.vitlens.ui;

import static dev.vitlens.ui.WorkbenchHarness.waitUntil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.testing.LabelledFolders;
import dev.vitlens.testing.TinyVitExport;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.FewShotViewModel;
import dev.vitlens.ui.viewmodel.ModelEntry;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
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

/**
 * The Few-shot page with the real engine, headless: two classes named in their fields and filled with images, Fit
 * clicked, the leave-one-out matrix shown, a rename making it out of date, F5 fitting again, and Save putting the new
 * model into the picker, selected, classifying its own classes.
 */
@ExtendWith(ApplicationExtension.class)
class FewShotPageFxTest {
    private static Path root;
    private static Path userModels;
    private static EngineBackend backend;

    private WorkbenchHarness harness;
    private WorkbenchViewModel viewModel;

    @BeforeAll
    static void createModels() throws Exception {
        root = Files.createTempDirectory("vitlens-fewshot-fx");
        new TinyVitExport().writeFolder(root.resolve("models/tiny"));
        userModels = root.resolve("user-models");
        Color[] warm = {new Color(230, 40, 30), new Color(250, 90, 20), new Color(210, 20, 60)};
        Color[] cold = {new Color(20, 60, 230), new Color(30, 120, 250), new Color(60, 20, 200)};
        for (int i = 0; i < 3; i++) {
            LabelledFolders.writeImage(root.resolve("warm/" + i + ".png"), warm[i]);
            LabelledFolders.writeImage(root.resolve("cold/" + i + ".png"), cold[i]);
        }
        backend = new EngineBackend(new ModelCatalog(root.resolve("models"), userModels), "tiny");
        FxToolkit.registerPrimaryStage();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Start
    void start(Stage stage) {
        harness = WorkbenchHarness.show(stage, backend, () -> new ModelCatalog(root.resolve("models"), userModels));
        viewModel = harness.viewModel;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static List<Path> images(String folder) {
        return List.of(root.resolve(folder + "/0.png"), root.resolve(folder + "/1.png"),
                root.resolve(folder + "/2.png"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void teachesTwoClassesAndSavesThemAsAModel(FxRobot robot) throws Exception {
        waitUntil(() -> viewModel.session().selectedModelProperty().get() != null);
        robot.clickOn("#fewshotTab");
        waitUntil(() -> robot.lookup("#fewShotClassName-1").tryQuery().isPresent());
        FewShotViewModel fs = viewModel.fewShot();
        ComboBox<ModelEntry> backbone = robot.lookup("#fewShotBackbone").queryAs(ComboBox.class);
        assertEquals("tiny", backbone.getValue().id(), "the first usable model is the default backbone");

        robot.doubleClickOn("#fewShotClassName-0").eraseText(10).write("warm");
        robot.doubleClickOn("#fewShotClassName-1").eraseText(10).write("cold");
        assertEquals("warm", fs.classes().get(0).nameProperty().get());
        robot.interact(() -> {
            fs.addFiles(fs.classes().get(0), images("warm")); // what a drop on the class card does
            fs.addFiles(fs.classes().get(1), images("cold"));
        });
        waitUntil(() -> fs.classes().get(1).examples().size() == 3);
        waitUntil(() -> ((Label) robot.lookup("#fewShotClassCount-1").query()).getText().equals("3 images"));

        robot.clickOn("#fewShotFit");
        waitUntil(() -> fs.resultProperty().get() != null && !fs.runningProperty().get());
        Label status = robot.lookup("#fewShotStatus").queryAs(Label.class);
        assertTrue(status.getText().startsWith("Leave-one-out accuracy"), status.getText());
        int diagonal = Integer.parseInt(robot.lookup("#fewShotCell-0-0").queryAs(Button.class).getText())
                + Integer.parseInt(robot.lookup("#fewShotCell-1-1").queryAs(Button.class).getText());
        int off = Integer.parseInt(robot.lookup("#fewShotCell-0-1").queryAs(Button.class).getText())
                + Integer.parseInt(robot.lookup("#fewShotCell-1-0").queryAs(Button.class).getText());
        assertEquals(6, diagonal + off, "every image is in the leave-one-out matrix once");
        assertTrue(robot.lookup("#fewShotClassAccuracy-0").queryAs(Label.class).getText().endsWith("%"));

        // a rename makes the result out of date: Save is disabled until F5 fits again
        robot.doubleClickOn("#fewShotClassName-1").eraseText(10).write("cool");
        waitUntil(() -> fs.staleProperty().get());
        assertTrue(robot.lookup("#fewShotSave").queryAs(Button.class).isDisabled());
        robot.clickOn("#fewShotMatrix"); // focus away from the text field: the page's keys
        robot.type(KeyCode.F5);
        waitUntil(() -> !fs.staleProperty().get() && !fs.runningProperty().get());
        assertEquals(List.of("warm", "cool"), fs.resultProperty().get().labels());

        robot.clickOn("#fewShotModelName").write("Warm or cool");
        robot.clickOn("#fewShotSave");
        ComboBox<ModelEntry> picker = robot.lookup("#modelPicker").queryAs(ComboBox.class);
        waitUntil(() -> picker.getValue() != null && picker.getValue().id().equals("warm-or-cool"));
        ModelEntry saved = picker.getValue();
        assertTrue(saved.available(), saved.unavailableReason());
        assertEquals("Warm or cool", saved.displayName());
        assertEquals(List.of("warm", "cool"), saved.labels());
        assertTrue(saved.userModel(), "a few-shot model is the user's: it can be renamed and removed: " + saved + " " + userModels);
        assertTrue(Files.isRegularFile(userModels.resolve("warm-or-cool/fewshot.json")));
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("vitlens-fewshot-")
                    && Files.isDirectory(p.resolve("warm-or-cool"))), "the temporary copy is removed");
        }

        // the saved model classifies in the Images tab
        robot.clickOn("#imagesTab");
        robot.interact(() -> viewModel.openFiles(List.of(root.resolve("warm/1.png"))));
        waitUntil(() -> !viewModel.session().predictions().isEmpty()
                && viewModel.session().imageNameProperty().get().equals("1.png"));
        assertEquals("warm", viewModel.session().predictions().get(0).label());
        assertFalse(robot.lookup("#fewShotModelName").queryAs(TextField.class).getText().isEmpty());
    }
}
