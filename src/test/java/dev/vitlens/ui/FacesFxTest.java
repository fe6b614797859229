package dev.vitlens.ui;

import static dev.vitlens.ui.WorkbenchHarness.waitUntil;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.GroupPhoto;
import dev.vitlens.testing.TinyModels;
import dev.vitlens.ui.viewmodel.CurrentAnalysis;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.FacesViewModel;
import dev.vitlens.ui.viewmodel.FacesViewModel.FaceRow;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Face mode of the Images tab end to end under Monocle: the real engine with the bundled deit-mask (a face classifier
 * by its vitlens.json) and BlazeFace, on the group photo of six astronaut heads ({@link GroupPhoto}).
 */
@ExtendWith(ApplicationExtension.class)
class FacesFxTest {

    private static Path root;
    private static Path models;
    private static Path group;
    private static EngineBackend backend;

    private WorkbenchHarness harness;
    private WorkbenchViewModel viewModel;
    private FacesViewModel faces;

    @BeforeAll
    static void modelsAndPhoto() throws Exception {
        root = Files.createTempDirectory("vitlens-faces-fx");
        models = root.resolve("models");
        Path mask = Files.createDirectories(models.resolve("deit-mask"));
        for (String file : List.of("model.onnx", "config.json", "preprocessor_config.json", "vitlens.json")) {
            Files.copy(Path.of("models/deit-mask").resolve(file), mask.resolve(file));
        }
        TinyModels.writeVitFolder(models.resolve("shirts"), 28, 7, 3, 1, 1);
        group = GroupPhoto.write(root.resolve("group.png"));
        ModelCatalog catalog = new ModelCatalog(models, root.resolve("no-user-models"));
        backend = new EngineBackend(() -> catalog, "deit-mask", RunnerOptions.on(Device.CPU));
        FxToolkit.registerPrimaryStage();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Start
    void start(Stage stage) {
        harness = WorkbenchHarness.show(stage, backend, () -> new ModelCatalog(models, root.resolve("no-user-models")));
        viewModel = harness.viewModel;
        faces = viewModel.faces();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private boolean idle() {
        return !viewModel.session().busyProperty().get() && !faces.searchingProperty().get();
    }

    /** The face rows as the list draws them (the labels inside its cells). */
    private static List<String> listedFaces(FxRobot robot) {
        return robot.lookup("#faceList").lookup(".list-cell").queryAllAs(ListCell.class).stream()
                .filter(cell -> cell.getItem() != null && cell.getGraphic() != null)
                .map(cell -> ((Label) cell.getGraphic().lookup(".label")).getText()).sorted().toList();
    }

    @Test
    void theGroupPhotoShowsSixLabelledFacesTheToggleHidesThemAndAClickedFaceGetsItsAttentionMap(FxRobot robot)
            throws Exception {
        waitUntil(() -> !viewModel.session().models().isEmpty() && idle());
        assertEquals("deit-mask", viewModel.session().selectedModelProperty().get().id());
        ToggleButton toggle = robot.lookup("#facesToggle").queryAs(ToggleButton.class);
        assertTrue(toggle.isVisible(), "deit-mask is a face classifier: the Faces toggle is offered");
        assertTrue(toggle.isSelected(), "and on by default");

        robot.interact(() -> viewModel.openFiles(List.of(group)));
        waitUntil(() -> "group.png".equals(viewModel.session().imageNameProperty().get()) && idle()
                && faces.faces().size() == 6);
        List<String> listed = listedFaces(robot);
        assertEquals(6, listed.size(), listed.toString());
        for (int i = 0; i < 6; i++) {
            assertTrue(listed.get(i).matches("Face " + (i + 1) + ": (with_mask|without_mask) \\d+%"), listed.get(i));
        }
        assertTrue(robot.lookup("#facesStatus").queryAs(Label.class).getText().startsWith("6 faces"));
        assertEquals("Prediction", robot.lookup("#predictionTitle").queryAs(Label.class).getText(),
                "the bars are the whole image's");

        // Each face's box is drawn in its class's colour: read the middle of the first face's left edge.
        ImageCanvas canvas = harness.view.imageCanvas();
        FaceRow first = faces.faces().get(0);
        Point2D edge = canvas.toCanvas(first.box().x(), first.box().y() + first.box().height() / 2.0);
        int withBox = closestAcrossEdge(robot, canvas, edge, first.rgb());
        assertColour(first.rgb(), withBox);

        // Off: no faces listed or drawn. F: on again.
        robot.clickOn(toggle);
        waitUntil(() -> faces.faces().isEmpty());
        assertFalse(robot.lookup("#faceList").query().isVisible());
        assertFalse(toggle.isSelected());
        int without = closestAcrossEdge(robot, canvas, edge, first.rgb());
        assertTrue(distance(first.rgb(), without) > distance(first.rgb(), withBox),
                String.format("the box is no longer drawn: #%06x there now", without & 0xFFFFFF));
        robot.clickOn(canvas, MouseButton.SECONDARY); // focus the window without a patch click
        robot.type(KeyCode.F);
        waitUntil(() -> faces.faces().size() == 6 && idle());
        assertTrue(toggle.isSelected());
        assertEquals(6, listedFaces(robot).size());

        // A click on a face's box: its crop's analysis, drawn over the photo, with an attention map.
        FaceRow third = faces.faces().get(2);
        robot.clickOn(canvas.localToScreen(canvas.faceCenter(third)));
        waitUntil(() -> faces.selectedProperty().get() == third && idle());
        CurrentAnalysis shown = viewModel.session().currentProperty().get();
        assertTrue(shown.isPart());
        assertSame(third.crop(), shown.analysed());
        assertNotNull(shown.explanation(), "the face's attention map");
        assertNotNull(viewModel.session().heatmapImageProperty().get());
        assertEquals("Prediction \u2014 face 3", robot.lookup("#predictionTitle").queryAs(Label.class).getText());
        ListView<?> list = robot.lookup("#faceList").queryAs(ListView.class);
        assertSame(third, list.getSelectionModel().getSelectedItem(), "the list shows the clicked face");
        assertEquals(8, viewModel.session().gridRowsProperty().get(), "deit-mask's 8x8 patches over the crop");

        // A click in the list selects another face; Whole image goes back.
        FaceRow fifth = faces.faces().get(4);
        Node fifthCell = robot.lookup("#faceList").lookup(".list-cell").queryAllAs(ListCell.class).stream()
                .filter(cell -> cell.getItem() == fifth).findFirst().orElseThrow();
        robot.clickOn(fifthCell);
        waitUntil(() -> faces.selectedProperty().get() == fifth && idle());
        assertSame(fifth.crop(), viewModel.session().currentProperty().get().analysed());
        robot.clickOn("#wholeImageButton");
        waitUntil(() -> !viewModel.session().currentProperty().get().isPart() && idle());
        assertEquals("Prediction", robot.lookup("#predictionTitle").queryAs(Label.class).getText());
        assertEquals(6, faces.faces().size());
    }

    @Test
    void aModelThatIsNotAFaceClassifierHasNoFacesToggle(FxRobot robot) throws Exception {
        waitUntil(() -> !viewModel.session().models().isEmpty() && idle());
        robot.interact(() -> viewModel.openFiles(List.of(group)));
        waitUntil(() -> faces.faces().size() == 6 && idle());
        robot.interact(() -> viewModel.session().selectedModelProperty().set(viewModel.session().models().stream()
                .filter(m -> m.id().equals("shirts")).findFirst().orElseThrow()));
        waitUntil(() -> "shirts".equals(viewModel.session().currentProperty().get().model().id()) && idle());
        assertFalse(robot.lookup("#facesToggle").query().isVisible());
        assertTrue(faces.faces().isEmpty());
        assertFalse(robot.lookup("#facesPanel").query().isVisible(), "no faces panel");
    }

    /**
     * The pixel nearest in colour to {@code rgb} within 2 canvas pixels left and right of {@code edge}: the stroke is
     * anti-aliased, so its exact centre can be a blend with the photo.
     */
    private static int closestAcrossEdge(FxRobot robot, ImageCanvas canvas, Point2D edge, int rgb) {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage[] shot = new WritableImage[1];
        robot.interact(() -> shot[0] = canvas.snapshot(null, null));
        int x0 = (int) Math.round(edge.getX());
        int y = (int) Math.round(edge.getY());
        int best = shot[0].getPixelReader().getArgb(x0, y);
        for (int x = x0 - 2; x <= x0 + 2; x++) {
            int argb = shot[0].getPixelReader().getArgb(x, y);
            if (distance(rgb, argb) < distance(rgb, best)) {
                best = argb;
            }
        }
        return best;
    }

    private static void assertColour(int rgb, int argb) {
        assertTrue(distance(rgb, argb) < 60, String.format("expected about #%06x, drawn #%06x", rgb, argb & 0xFFFFFF));
    }

    private static int distance(int rgb, int argb) {
        return Math.abs((rgb >> 16 & 0xFF) - (argb >> 16 & 0xFF)) + Math.abs((rgb >> 8 & 0xFF) - (argb >> 8 & 0xFF))
                + Math.abs((rgb & 0xFF) - (argb & 0xFF));
    }
}
