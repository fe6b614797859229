package dev.vitlens.ui;

import static dev.vitlens.ui.WorkbenchHarness.waitUntil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.teach.Lesson;
import dev.vitlens.teach.TeachInput;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.ModelEntry;
import dev.vitlens.ui.viewmodel.TeachViewModel;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
import java.util.concurrent.TimeUnit;

/**
 * The Teach page on the bundled models, headless: the lesson is stepped through with the keyboard only, the
 * predict-then-reveal question is answered by clicking the patch picker, exploration shows every view, and the
 * lesson is saved as one HTML page.
 */
@ExtendWith(ApplicationExtension.class)
class TeachPageFxTest {

    private static Path tmp;
    private static EngineBackend backend;
    private static String oldCache;

    private WorkbenchHarness harness;
    private WorkbenchViewModel viewModel;
    private WorkbenchView view;

    @BeforeAll
    static void setUp() throws Exception {
        tmp = Files.createTempDirectory("vitlens-teach-fx");
        oldCache = System.getProperty(AttentionModelCache.DIR_PROPERTY);
        System.setProperty(AttentionModelCache.DIR_PROPERTY, tmp.resolve("derived").toString());
        backend = new EngineBackend(new ModelCatalog(Path.of("models").toAbsolutePath(), tmp.resolve("no-user-models")),
                "vit-fashion");
        FxToolkit.registerPrimaryStage();
    }

    @AfterAll
    static void tearDown() {
        backend.close();
        if (oldCache == null) {
            System.clearProperty(AttentionModelCache.DIR_PROPERTY);
        } else {
            System.setProperty(AttentionModelCache.DIR_PROPERTY, oldCache);
        }
    }

    @Start
    void start(Stage stage) {
        harness = WorkbenchHarness.show(stage, backend, () -> new ModelCatalog(null, null));
        viewModel = harness.viewModel;
        view = harness.view;
    }

    @AfterEach
    void closeExecutors() throws Exception {
        harness.close();
    }

    /** Selects {@code modelId}, waits for its first sample to be shown, and opens the Teach tab. */
    private TeachViewModel openTeach(FxRobot robot, String modelId, Path image) throws Exception {
        waitUntil(() -> !viewModel.session().models().isEmpty() && !viewModel.session().busyProperty().get());
        ModelEntry entry = viewModel.session().models().stream().filter(m -> m.id().equals(modelId)).findFirst()
                .orElseThrow();
        robot.interact(() -> viewModel.session().selectedModelProperty().set(entry));
        robot.interact(() -> viewModel.openFiles(List.of(image)));
        waitUntil(() -> image.getFileName().toString().equals(viewModel.session().imageNameProperty().get())
                && !viewModel.session().busyProperty().get()
                && viewModel.session().currentProperty().get() != null
                && viewModel.session().currentProperty().get().model().id().equals(modelId));
        TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
        robot.interact(() -> tabs.getSelectionModel().select(
                tabs.getTabs().stream().filter(t -> "teachTab".equals(t.getId())).findFirst().orElseThrow()));
        TeachViewModel teach = viewModel.teach();
        waitUntil(() -> teach.inputProperty().get() != null && !teach.busyProperty().get()
                && teach.inputProperty().get().model().id().equals(modelId));
        // Choosing the model re-runs the start-up sample and opening the file runs it again: let a second lesson
        // run for the same picture land before a test takes the input as "the" one.
        WaitForAsyncUtils.sleep(300, TimeUnit.MILLISECONDS);
        waitUntil(() -> !viewModel.session().busyProperty().get() && !teach.busyProperty().get());
        return teach;
    }

    private static Path sample(String name) {
        return Path.of("assets", "samples", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-fashion", "beit-fashion", "deit-mask"})
    void theLessonStepsThroughWithTheKeyboard(String modelId, FxRobot robot) throws Exception {
        Path image = modelId.equals("deit-mask") ? firstSample("deit-mask") : sample("fashion-0013-dress.png");
        TeachViewModel teach = openTeach(robot, modelId, image);
        TeachInput in = teach.inputProperty().get();
        List<Lesson.Step> steps = teach.stepsProperty().get();
        assertEquals(Lesson.ORDER.size(), steps.size());
        assertEquals(0, teach.stepProperty().get());
        Label stepLabel = robot.lookup("#teachStepLabel").queryAs(Label.class);
        javafx.scene.control.Button next = robot.lookup("#teachNext").queryAs(javafx.scene.control.Button.class);
        javafx.scene.control.Button back = robot.lookup("#teachBack").queryAs(javafx.scene.control.Button.class);
        assertFalse(next.isDisabled(), "Next is enabled on the first step");
        assertTrue(back.isDisabled(), "Back is disabled on the first step");
        robot.clickOn("#teachStatus"); // focus the page, not a control that wants the arrows
        for (int i = 0; i < steps.size(); i++) {
            int step = i;
            assertEquals(step, teach.stepProperty().get());
            assertTrue(stepLabel.getText().startsWith("Step " + (step + 1) + " of " + steps.size()),
                    stepLabel.getText());
            assertEquals(steps.get(step).view(), teach.viewProperty().get().name());
            if (teach.questionProperty().get() != null) {
                // Predict, then reveal: the picture waits for the answer.
                assertTrue(teach.pictureHiddenProperty().get());
                assertTrue(robot.lookup("#teachHidden").queryAs(Label.class).isVisible());
                robot.type(KeyCode.ENTER); // answers with the current pick
                waitUntil(() -> teach.answerProperty().get() != null);
                assertFalse(teach.answerProperty().get().feedback().isBlank());
            }
            waitUntil(() -> teach.pictureProperty().get() != null || !teach.unavailableProperty().get().isEmpty());
            assertNotNull(teach.pictureProperty().get(), steps.get(step).view() + " on " + modelId + ": "
                    + teach.unavailableProperty().get());
            assertTrue(robot.lookup("#teachPicture").queryAs(ImageView.class).isVisible());
            assertEquals(step == steps.size() - 1, next.isDisabled(), "Next on step " + step);
            assertEquals(step == 0, back.isDisabled(), "Back on step " + step);
            if (step < steps.size() - 1) {
                robot.type(KeyCode.RIGHT);
                try {
                    waitUntil(() -> teach.stepProperty().get() == step + 1);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("Right did not leave step " + step + " (" + steps.get(step).view()
                            + "); focus on " + robot.targetWindow().getScene().getFocusOwner(), e);
                }
            }
        }
        robot.type(KeyCode.RIGHT); // past the end: stays on the last step
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(steps.size() - 1, teach.stepProperty().get());
        robot.type(KeyCode.PAGE_UP);
        waitUntil(() -> teach.stepProperty().get() == steps.size() - 2);
        robot.type(KeyCode.N);
        waitUntil(() -> teach.stepProperty().get() == steps.size() - 1);

        // The linked selection: [ and ] change the layer everywhere, , and . the head.
        int layer = teach.selectionProperty().get().layer();
        robot.type(KeyCode.OPEN_BRACKET);
        waitUntil(() -> teach.selectionProperty().get().layer() == Math.max(0, layer - 1));
        robot.type(KeyCode.PERIOD);
        waitUntil(() -> teach.selectionProperty().get().head() == 1 % in.layout().heads());
    }

    @Test
    void clickingThePatchPickerAnswersTheAttentionQuestion(FxRobot robot) throws Exception {
        TeachViewModel teach = openTeach(robot, "vit-fashion", sample("fashion-0000-ankle-boot.png"));
        int heads = Lesson.ORDER.indexOf("heads");
        robot.interact(() -> teach.goToStep(heads));
        waitUntil(() -> teach.questionProperty().get() != null);
        assertTrue(teach.pictureHiddenProperty().get());
        Canvas picker = robot.lookup("#teachPatchPicker").queryAs(Canvas.class);
        robot.clickOn(picker); // the centre of the picker: the centre patch
        waitUntil(() -> teach.answerProperty().get() != null);
        int grid = teach.inputProperty().get().layout().gridWidth();
        assertEquals((grid / 2) * grid + grid / 2, teach.selectionProperty().get().patch());
        String feedback = robot.lookup("#teachFeedback").queryAs(Label.class).getText();
        assertTrue(feedback.contains("%"), feedback);
        waitUntil(() -> teach.pictureProperty().get() != null);
        assertFalse(teach.pictureHiddenProperty().get());
    }

    @Test
    void imagesOpenedWhileAnotherTabIsShownAreTaughtOnlyWhenTheTeachTabIsBack(FxRobot robot) throws Exception {
        TeachViewModel teach = openTeach(robot, "vit-fashion", sample("fashion-0000-ankle-boot.png"));
        TeachInput first = teach.inputProperty().get();
        TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
        robot.interact(() -> tabs.getSelectionModel().select(0)); // Images
        Path next = sample("fashion-0013-dress.png");
        robot.interact(() -> viewModel.openFiles(List.of(next)));
        waitUntil(() -> next.getFileName().toString().equals(viewModel.session().imageNameProperty().get())
                && !viewModel.session().busyProperty().get());
        WaitForAsyncUtils.sleep(500, TimeUnit.MILLISECONDS);
        assertEquals(first, teach.inputProperty().get(), "no lesson run for an image nobody sees in the Teach tab");
        robot.interact(() -> tabs.getSelectionModel().select(
                tabs.getTabs().stream().filter(t -> "teachTab".equals(t.getId())).findFirst().orElseThrow()));
        waitUntil(() -> teach.inputProperty().get() != first && !teach.busyProperty().get());
        assertTrue(teach.statusProperty().get().startsWith("vit-fashion"), teach.statusProperty().get());
    }

    @Test
    void exploreShowsEveryViewAndTheLessonSavesAsOnePage(FxRobot robot) throws Exception {
        TeachViewModel teach = openTeach(robot, "deit-mask", firstSample("deit-mask"));
        robot.clickOn("#teachModeExplore");
        waitUntil(() -> !teach.guidedProperty().get());
        for (var v : teach.views()) {
            robot.interact(() -> teach.showView(v));
            waitUntil(() -> teach.viewProperty().get() == v
                    && (teach.dataProperty().get() != null || !teach.unavailableProperty().get().isEmpty()));
            assertTrue(teach.unavailableProperty().get().isEmpty(), v.name() + ": " + teach.unavailableProperty().get());
        }
        Path html = tmp.resolve("lesson.html");
        robot.interact(() -> teach.saveLesson(html, false));
        waitUntil(() -> Files.isRegularFile(html) && !teach.busyProperty().get());
        String page = Files.readString(html);
        for (String heading : List.of("Patchify", "Patch embedding", "Position", "Special tokens", "Attention",
                "Logit lens", "Prediction")) {
            assertTrue(page.contains(heading), heading);
        }
        assertEquals(Lesson.ORDER.size(), page.split("data:image/png;base64,", -1).length - 1,
                "one inlined picture per step");
        assertTrue(page.contains("<details><summary>Answer</summary>"), "questions keep their answer folded");
    }

    /** deit-mask ships no samples (its face images are not redistributable); the test photo has a face. */
    private static Path firstSample(String modelId) {
        return Path.of("src", "test", "resources", "dev", "vitlens", "camera", "astronaut.png");
    }
}
