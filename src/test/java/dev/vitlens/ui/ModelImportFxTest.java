package dev.vitlens.ui;

import static dev.vitlens.ui.WorkbenchHarness.waitUntil;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.evaluate.EvaluationReport;
import dev.vitlens.testing.LabelledFolders;
import dev.vitlens.testing.TinyVitExport;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.GalleryItem;
import dev.vitlens.ui.viewmodel.ModelEntry;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
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

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.vitlens.testing.LabelledFolders.expectedTop1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window with the real engine, headless under Monocle: an export folder dropped on the window is imported and
 * becomes the picker's choice, a folder of images dropped the same way is still a gallery, and Evaluate Folder shows
 * a confusion matrix whose cells open their images.
 */
@ExtendWith(ApplicationExtension.class)
class ModelImportFxTest {

    private static Path root;
    private static Path userModels;
    private static Path export;
    private static Path photos;
    private static Path labelled;
    private static EngineBackend backend;

    private WorkbenchHarness harness;
    private WorkbenchViewModel viewModel;
    private WorkbenchView view;

    @BeforeAll
    static void createModelsAndFolders() throws Exception {
        root = Files.createTempDirectory("vitlens-import-fx");
        Path bundled = root.resolve("models");
        LabelledFolders.writeModel(bundled.resolve("tiny-fashion"));
        userModels = root.resolve("user-models");
        // An optimum-style export: logits only, so the import adds attention outputs by graph surgery.
        export = new TinyVitExport().writeFolder(root.resolve("drops/my-vit"));
        photos = root.resolve("drops/photos");
        LabelledFolders.writeImage(photos.resolve("a.png"), LabelledFolders.RED);
        LabelledFolders.writeImage(photos.resolve("b.png"), LabelledFolders.SKY);
        labelled = root.resolve("labelled");
        LabelledFolders.writeImage(labelled.resolve("t_shirt_top/1.png"), LabelledFolders.ORANGE);
        LabelledFolders.writeImage(labelled.resolve("t_shirt_top/2.png"), LabelledFolders.MAGENTA);
        LabelledFolders.writeImage(labelled.resolve("bag/3.png"), LabelledFolders.SKY);
        backend = new EngineBackend(new ModelCatalog(bundled, userModels), "tiny-fashion");
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
        view = harness.view;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void droppingAnExportFolderImportsItIntoThePicker(FxRobot robot) throws Exception {
        ComboBox<ModelEntry> picker = robot.lookup("#modelPicker").queryAs(ComboBox.class);
        waitUntil(() -> picker.getValue() != null && picker.getValue().id().equals("tiny-fashion"));

        robot.interact(() -> viewModel.drop(List.of(export, photos)));

        waitUntil(() -> picker.getItems().stream().anyMatch(m -> m.id().equals("my-vit"))
                && picker.getValue() != null && picker.getValue().id().equals("my-vit"));
        ModelEntry imported = picker.getValue();
        assertTrue(imported.available(), imported.unavailableReason());
        assertTrue(imported.userModel(), "an imported model can be renamed and removed");
        assertEquals(5, imported.labels().size());
        assertTrue(Files.isRegularFile(userModels.resolve("my-vit/model.onnx")));
        assertTrue(Files.isRegularFile(export.resolve("model.onnx")), "the source stays");
        // The image folder dropped with it is still a gallery.
        waitUntil(() -> viewModel.gallery().items().size() == 2);
        assertEquals(List.of(photos.resolve("a.png"), photos.resolve("b.png")),
                viewModel.gallery().items().stream().map(GalleryItem::file).toList());
        waitUntil(() -> !viewModel.library().runningProperty().get());
        assertTrue(viewModel.notices().stream().anyMatch(n -> n.title().startsWith("Imported")),
                viewModel.notices().toString());
    }

    @Test
    void evaluateFolderShowsTheMatrixAndACellOpensItsImages(FxRobot robot) throws Exception {
        waitUntil(() -> viewModel.session().selectedModelProperty().get() != null);
        robot.interact(() -> {
            ModelEntry fashion = viewModel.session().models().stream().filter(m -> m.id().equals("tiny-fashion"))
                    .findFirst().orElseThrow();
            viewModel.session().selectedModelProperty().set(fashion);
            viewModel.evaluate().evaluate(labelled);
            view.evaluateDialog().show();
        });
        waitUntil(() -> viewModel.evaluate().reportProperty().get() != null);
        EvaluationReport report = viewModel.evaluate().reportProperty().get();
        int magenta = expectedTop1(LabelledFolders.MAGENTA);
        assertEquals(1, magenta, "the magenta T-shirt is taken for an ankle boot");
        assertEquals(List.of("T-shirt/top", "Ankle boot", "Bag"), report.labels());
        Button wrong = robot.lookup("#evalCell-0-1").queryAs(Button.class);
        assertEquals("1", wrong.getText());
        assertEquals("1", robot.lookup("#evalCell-0-0").queryAs(Button.class).getText());
        assertEquals("1", robot.lookup("#evalCell-2-2").queryAs(Button.class).getText());
        assertEquals("0", robot.lookup("#evalCell-2-0").queryAs(Button.class).getText());
        assertTrue(robot.lookup("#evalCell-1-1").tryQuery().isEmpty(), "Ankle boot was only predicted: no row");

        robot.clickOn(wrong);
        waitUntil(() -> viewModel.gallery().items().size() == 1);
        assertEquals(labelled.resolve("t_shirt_top/2.png"), viewModel.gallery().items().get(0).file());
        robot.interact(() -> view.evaluateDialog().stage().close());
    }
}
