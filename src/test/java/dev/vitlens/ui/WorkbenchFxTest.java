package dev.vitlens.ui;

import static dev.vitlens.ui.WorkbenchHarness.waitUntil;

import atlantafx.base.controls.Notification;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.testing.TinyModels;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.ui.viewmodel.ColormapChoice;
import dev.vitlens.ui.viewmodel.CurrentAnalysis;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.GalleryItem;
import dev.vitlens.ui.viewmodel.LiveViewModel;
import dev.vitlens.ui.viewmodel.ModelEntry;
import dev.vitlens.ui.viewmodel.PatchPosition;
import dev.vitlens.ui.viewmodel.QueryChoice;
import dev.vitlens.ui.viewmodel.TaskExecutor;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.image.Image;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workbench window end to end, headless under Monocle, with the real engine running tiny ONNX models written
 * in code (two ViT-layout models with attentions). Also records the longest FX-thread stall over all tests.
 */
@ExtendWith(ApplicationExtension.class)
class WorkbenchFxTest {

    private static Path root;
    private static Path modelsDir;
    private static Path red;
    private static Path blue;
    private static Path folder;
    private static EngineBackend backend;
    private static final FxStallWatchdog WATCHDOG = new FxStallWatchdog();
    /**
     * Pulse gaps after start-up only: started once each test's window is built and the FX queue has drained, stopped
     * before the window closes. Building the workbench's pages (CSS, class loading, a cold JIT) is start-up, which
     * the 250 ms bound of issue 19 leaves out; what the tests do in the window is not.
     */
    private static final FxStallWatchdog AFTER_STARTUP = new FxStallWatchdog();
    private static volatile double maxLoadAverage;

    private WorkbenchHarness harness;
    private WorkbenchViewModel viewModel;
    private WorkbenchView view;
    private TaskExecutor batch;
    private TaskExecutor live;
    private LiveViewModel liveViewModel;

    @BeforeAll
    static void createModelsAndImages() throws Exception {
        root = Files.createTempDirectory("vitlens-ui-test");
        modelsDir = root.resolve("models");
        // Two real (tiny) ONNX models with different inputs, classes and attention shapes.
        TinyModels.writeVitFolder(modelsDir.resolve("tiny-a"), 28, 7, 10, 3, 2);
        TinyModels.writeVitFolder(modelsDir.resolve("tiny-b"), 32, 8, 4, 2, 3);
        // A folder that looks like a model but whose graph is garbage: listed, but unavailable with the reason.
        Path broken = TinyModels.writeVitFolder(modelsDir.resolve("broken-model"), 28, 7, 10, 1, 1);
        Files.writeString(broken.resolve("model.onnx"), "not an ONNX graph");
        red = writeImage(root.resolve("red.png"), new Color(220, 30, 30), 28);
        blue = writeImage(root.resolve("blue.png"), new Color(30, 40, 220), 28);
        folder = Files.createDirectories(root.resolve("folder"));
        for (int i = 0; i < 6; i++) {
            writeImage(folder.resolve(String.format(Locale.ROOT, "img-%02d.png", i)),
                    new Color(40 * i, 255 - 40 * i, (90 * i) % 256), 28);
        }
        backend = new EngineBackend(new ModelCatalog(modelsDir, root.resolve("no-user-models")), "tiny-a");
        FxToolkit.registerPrimaryStage();
        WATCHDOG.start();
    }

    @AfterAll
    static void report() throws Exception {
        WATCHDOG.stop();
        String line = String.format(Locale.ROOT, "longest FX-thread stall during WorkbenchFxTest: %.1f ms over %d pulses",
                WATCHDOG.longestGapMillis(), WATCHDOG.pulses());
        System.out.println(line);
        System.out.println("  (gaps over 250 ms and where the FX thread was: target/fx-stall-report.txt)");
        double load = Math.max(maxLoadAverage,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String afterStartup = String.format(Locale.ROOT, "longest FX-thread gap after start-up during WorkbenchFxTest:"
                + " %.1f ms over %d pulses (highest load average %.2f)%n%s", AFTER_STARTUP.longestGapMillis(),
                AFTER_STARTUP.pulses(), load, String.join("\n", AFTER_STARTUP.longGaps()));
        System.out.println(afterStartup);
        // Timing depends on the machine, so it is reported, not asserted; WHERE the FX thread was while a pulse
        // was overdue is asserted: never in decoding, inference, explanation or file I/O.
        for (String stack : WATCHDOG.stallStacks()) {
            for (String forbidden : List.of("dev.vitlens.imaging", "dev.vitlens.inference", "dev.vitlens.explain",
                    "dev.vitlens.engine",
                    "EngineBackend", "javax.imageio", "sun.nio.fs", "ai.onnxruntime")) {
                assertTrue(!stack.contains(forbidden), "FX thread stalled in " + forbidden + ":" + stack);
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "fx-stall-report.txt"), line + System.lineSeparator()
                + afterStartup + System.lineSeparator()
                + String.join(System.lineSeparator(), WATCHDOG.longGaps()) + System.lineSeparator()
                + String.join(System.lineSeparator(), WATCHDOG.stallStacks()) + System.lineSeparator());
        backend.close();
        // On a quiet machine the bound is issue 19's 250 ms; on a loaded one a starved FX thread looks like a
        // blocked one, so only a gross stall fails (as BigDropFxTest).
        double bound = load >= 0 && load < 1.5 ? 250 : 2000;
        assertTrue(AFTER_STARTUP.longestGapMillis() < bound, afterStartup
                + String.join(System.lineSeparator(), AFTER_STARTUP.stallStacks()));
    }

    @BeforeEach
    void watchAfterStartup() throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        maxLoadAverage = Math.max(maxLoadAverage,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        AFTER_STARTUP.start();
    }

    static Path writeImage(Path file, Color color, int size) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, size, size);
        g.setColor(color.darker());
        g.fillRect(size / 4, size / 4, size / 2, size / 2);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Start
    void start(Stage stage) {
        System.out.printf("start %tT.%<tL%n", System.currentTimeMillis());
        // The registered pages plus one more, as a new teaching view would add itself.
        List<java.util.function.Function<PageContext, WorkbenchPage>> pages = new java.util.ArrayList<>(
                WorkbenchPages.ALL);
        pages.add(ProbePage::new);
        harness = WorkbenchHarness.show(stage, backend, () -> new ModelCatalog(modelsDir, root.resolve("no-user-models")), pages);
        batch = harness.batch;
        live = harness.live;
        viewModel = harness.viewModel;
        liveViewModel = harness.liveViewModel;
        view = harness.view;
    }

    @AfterEach
    void tearDown() throws Exception {
        AFTER_STARTUP.stop();
        harness.close();
    }

    private void openAndWait(FxRobot robot, Path file) throws Exception {
        waitUntil(() -> !viewModel.session().models().isEmpty());
        robot.interact(() -> viewModel.openFiles(List.of(file)));
        waitUntil(() -> file.getFileName().toString().equals(viewModel.session().imageNameProperty().get())
                && !viewModel.session().busyProperty().get());
    }

    private static String expectedTop1(Path file, String modelId) throws Exception {
        Analysis c = backend.classify(backend.decode(file).image(), modelId, 1, false);
        return c.top().get(0).label();
    }

    private static String percent(Path file, String modelId) throws Exception {
        Analysis c = backend.classify(backend.decode(file).image(), modelId, 1, false);
        return String.format(Locale.ROOT, "%.1f%%", (double) c.top().get(0).score() * 100);
    }

    /** A page that shows what it was bound to: the image name and the model of the current analysis. */
    static final class ProbePage implements WorkbenchPage {
        private final Label label = new Label("nothing yet");

        ProbePage(PageContext context) {
            label.setId("probeLabel");
        }

        @Override
        public String title() {
            return "Probe View";
        }

        @Override
        public javafx.scene.Node node() {
            return label;
        }

        @Override
        public void bind(javafx.beans.property.ReadOnlyObjectProperty<dev.vitlens.ui.viewmodel.CurrentAnalysis> analysis) {
            label.textProperty().bind(analysis.map(a -> a.image().name() + " on " + a.analysis().modelId())
                    .orElse("nothing yet"));
        }
    }

    @Test
    void aRegisteredPageIsATabThatFollowsTheCurrentAnalysis(FxRobot robot) throws Exception {
        javafx.scene.control.TabPane tabs = robot.lookup(".tab-pane").queryAs(javafx.scene.control.TabPane.class);
        assertEquals(List.of("Images", "Teach", "Live", "Few-shot", "Probe View"),
                tabs.getTabs().stream().map(t -> t.getText()).toList());
        assertEquals("probeviewTab", tabs.getTabs().get(4).getId());
        openAndWait(robot, red);
        robot.clickOn("Probe View");
        waitUntil(() -> robot.lookup("#probeLabel").tryQuery().map(Node::isVisible).orElse(false));
        assertEquals("red.png on tiny-a", robot.lookup("#probeLabel").queryAs(Label.class).getText());
    }

    @Test
    void droppedFileShowsItsTop1InTheResultsPanel(FxRobot robot) throws Exception {
        openAndWait(robot, red);
        Label top1 = robot.lookup("#top1").queryAs(Label.class);
        assertEquals(expectedTop1(red, "tiny-a"), top1.getText());
        assertTrue(robot.lookup(percent(red, "tiny-a")).tryQuery().isPresent(), "top-1 percentage is shown");
        assertTrue(viewModel.session().timingsProperty().get().contains("inference"));
        assertEquals("CPU", viewModel.session().deviceProperty().get());
        assertNotNull(viewModel.session().imageProperty().get());
        assertNotNull(viewModel.session().heatmapImageProperty().get(), "tiny-a exports attentions, so a heatmap is drawn");
    }

    @Test
    void switchingModelRerunsAndShowsTheOtherModelsResult(FxRobot robot) throws Exception {
        openAndWait(robot, blue);
        CurrentAnalysis before = viewModel.session().currentProperty().get();
        ModelEntry other = viewModel.session().models().stream().filter(m -> m.id().equals("tiny-b")).findFirst().orElseThrow();
        robot.interact(() -> viewModel.session().selectedModelProperty().set(other));
        waitUntil(() -> viewModel.session().predictions().size() == 4 && !viewModel.session().busyProperty().get());
        assertEquals(expectedTop1(blue, "tiny-b"), robot.lookup("#top1").queryAs(Label.class).getText());
        assertTrue(robot.lookup(percent(blue, "tiny-b")).tryQuery().isPresent());
        assertEquals(4, viewModel.session().gridRowsProperty().get(), "tiny-b has a 4x4 patch grid (32 px / 8)");
        assertEquals(2, viewModel.explorer().layerCountProperty().get());
        // A rerun is a new analysis by the other model. (Comparing the timings text was flaky: two
        // runs can round to the same tenths of a millisecond.)
        CurrentAnalysis after = viewModel.session().currentProperty().get();
        assertEquals("tiny-b", after.model().id());
        assertNotSame(before.analysis(), after.analysis());
        assertEquals("tiny-a", before.model().id());
    }

    @Test
    void heatmapToggleAndOpacityChangeWhatIsDrawn(FxRobot robot) throws Exception {
        openAndWait(robot, red);
        ImageCanvas canvas = view.imageCanvas();
        Point2D centre = canvas.patchCenter(new PatchPosition(1, 1));
        int withHeatmap = pixel(robot, canvas, centre);

        robot.clickOn(canvas, javafx.scene.input.MouseButton.SECONDARY); // focus the window without a patch click
        robot.type(KeyCode.H);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(false, viewModel.overlay().heatmapVisibleProperty().get());
        assertEquals(false, robot.lookup("#heatmapToggle").queryAs(CheckBox.class).isSelected());
        int without = pixel(robot, canvas, centre);
        assertNotEquals(withHeatmap, without, "hiding the heatmap changes the drawn pixel");

        robot.type(KeyCode.H);
        Slider opacity = robot.lookup("#opacity").queryAs(Slider.class);
        robot.interact(() -> opacity.setValue(1.0));
        assertEquals(1.0, viewModel.overlay().heatmapOpacityProperty().get(), 1e-9);
        int opaque = pixel(robot, canvas, centre);
        assertNotEquals(withHeatmap, opaque, "full opacity changes the blend");
    }

    private static int pixel(FxRobot robot, ImageCanvas canvas, Point2D at) {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage[] shot = new WritableImage[1];
        robot.interact(() -> shot[0] = canvas.snapshot(null, null));
        return shot[0].getPixelReader().getArgb((int) at.getX(), (int) at.getY());
    }

    @Test
    void clickingAPatchMakesItTheQuery(FxRobot robot) throws Exception {
        openAndWait(robot, red);
        Image before = viewModel.session().heatmapImageProperty().get();
        ImageCanvas canvas = view.imageCanvas();
        Point2D target = canvas.localToScreen(canvas.patchCenter(new PatchPosition(2, 3)));
        robot.clickOn(target);
        waitUntil(() -> viewModel.session().heatmapImageProperty().get() != before && !viewModel.session().busyProperty().get());
        assertEquals(QueryChoice.patch(2, 3), viewModel.explorer().queryProperty().get());
        assertTrue(viewModel.session().heatmapDescriptionProperty().get().contains("patch (2, 3)"),
                viewModel.session().heatmapDescriptionProperty().get());
    }

    @Test
    void explorerSwitchesToRawAttentionAndOcclusion(FxRobot robot) throws Exception {
        openAndWait(robot, blue);
        robot.interact(() -> viewModel.explorer().methodProperty().set(ExplanationMethods.get("attention")));
        waitUntil(() -> viewModel.session().heatmapDescriptionProperty().get().startsWith("raw attention")
                && !viewModel.session().busyProperty().get());
        robot.interact(() -> viewModel.explorer().layerProperty().set(0));
        waitUntil(() -> viewModel.session().heatmapDescriptionProperty().get().startsWith("raw attention, layer 0,")
                && !viewModel.session().busyProperty().get());
        robot.interact(() -> viewModel.explorer().methodProperty().set(ExplanationMethods.get("occlusion")));
        waitUntil(() -> viewModel.session().heatmapDescriptionProperty().get().startsWith("occlusion")
                && !viewModel.session().busyProperty().get());
        assertEquals(ColormapChoice.DIVERGING, viewModel.overlay().colormapProperty().get());
        assertTrue(viewModel.session().heatmapDescriptionProperty().get().contains(expectedTop1(blue, "tiny-a")));
    }

    @Test
    void folderBatchReachesHundredPercentAndCanBeCancelled(FxRobot robot) throws Exception {
        waitUntil(() -> !viewModel.session().models().isEmpty());
        robot.interact(() -> viewModel.openFiles(List.of(folder)));
        waitUntil(() -> viewModel.gallery().items().size() == 6 && viewModel.gallery().progressProperty().get() == 1.0
                && !viewModel.gallery().runningProperty().get());
        for (GalleryItem item : viewModel.gallery().items()) {
            assertEquals(GalleryItem.State.DONE, item.stateProperty().get(), item.name());
            assertEquals(expectedTop1(item.file(), "tiny-a"), item.top1().label());
        }
        waitUntil(() -> "img-00.png".equals(viewModel.session().imageNameProperty().get()));
        robot.interact(viewModel.gallery()::next);
        waitUntil(() -> "img-01.png".equals(viewModel.session().imageNameProperty().get()));

        // A big folder, cancelled once it has started: it stops short of 100% and keeps what it finished.
        Path big = Files.createDirectories(root.resolve("big"));
        // Large noisy PNGs decode slowly enough (tens of ms each) that the batch is surely still running.
        BufferedImage noise = new BufferedImage(1200, 1200, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        Path noisy = root.resolve("noise.png");
        ImageIO.write(noise, "png", noisy.toFile());
        for (int i = 0; i < 200; i++) {
            Files.copy(noisy, big.resolve(String.format(Locale.ROOT, "copy-%03d.png", i)));
        }
        // Press Cancel on the FX thread at the first progress update, so a fast machine can't finish first.
        javafx.scene.control.Button cancel = robot.lookup("#galleryCancel").queryAs(javafx.scene.control.Button.class);
        javafx.beans.value.ChangeListener<Number> cancelOnFirstProgress = (obs, old, now) -> {
            if (now.doubleValue() > 0 && now.doubleValue() < 1 && !cancel.isDisabled()) {
                cancel.fire();
            }
        };
        robot.interact(() -> {
            viewModel.gallery().progressProperty().addListener(cancelOnFirstProgress);
            viewModel.openFiles(List.of(big));
        });
        waitUntil(() -> viewModel.gallery().statusProperty().get().startsWith("Cancelled"));
        robot.interact(() -> viewModel.gallery().progressProperty().removeListener(cancelOnFirstProgress));
        assertTrue(!viewModel.gallery().runningProperty().get());
        double stoppedAt = viewModel.gallery().progressProperty().get();
        assertTrue(stoppedAt < 1.0, "cancelled before the end, at " + stoppedAt);
        assertTrue(viewModel.gallery().statusProperty().get().startsWith("Cancelled"));
        Thread.sleep(300);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(stoppedAt, viewModel.gallery().progressProperty().get(), 1e-9, "no progress after cancel");
    }

    @Test
    void exportsOverlayPngAndResultsAsJsonAndCsvWithoutLeavingTempFiles(FxRobot robot) throws Exception {
        openAndWait(robot, red);
        Path out = Files.createDirectories(root.resolve("export-" + UUID.randomUUID()));
        Path png = out.resolve("overlay.png");
        Path json = out.resolve("results.json");
        Path csv = out.resolve("results.csv");
        Files.writeString(json, "old content the user agreed to replace");
        robot.interact(() -> {
            viewModel.export().saveOverlay(png);
            viewModel.export().saveResults(json);
            viewModel.export().saveResults(csv);
        });
        waitUntil(() -> viewModel.notices().stream().filter(n -> n.title().endsWith("saved")).count() == 3);
        BufferedImage overlay = ImageIO.read(png.toFile());
        assertEquals(28, overlay.getWidth());
        assertNotEquals(ImageIO.read(red.toFile()).getRGB(14, 14), overlay.getRGB(14, 14), "heatmap blended in");
        String top1 = expectedTop1(red, "tiny-a");
        assertTrue(Files.readString(json).contains("\"label\" : \"" + top1 + "\""), Files.readString(json));
        assertTrue(Files.readString(csv).lines().skip(1).findFirst().orElseThrow().contains(",1," + top1 + ","));
        assertEquals(viewModel.export().resultsJson().orElseThrow(), Files.readString(json));
        try (var listing = Files.list(out)) {
            assertEquals(3, listing.count(), "no temp files left behind");
        }
    }

    @Test
    void liveTabRunsAFolderSourceThroughTheModelAndStops(FxRobot robot) throws Exception {
        Path frames = Files.createDirectories(root.resolve("live-" + UUID.randomUUID()));
        try (var astronaut = WorkbenchFxTest.class.getResourceAsStream("/dev/vitlens/camera/astronaut.png")) {
            Files.copy(Objects.requireNonNull(astronaut, "camera test image"), frames.resolve("astronaut.png"));
        }
        robot.clickOn("Live");
        waitUntil(() -> liveViewModel.models().contains("tiny-a"));
        robot.interact(() -> {
            liveViewModel.sourceProperty().set(frames.toString());
            liveViewModel.modelProperty().set("tiny-a");
        });
        robot.clickOn("#liveStart");
        waitUntil(() -> liveViewModel.frameProperty().get() != null && liveViewModel.fpsProperty().get().contains("FPS")
                && liveViewModel.statusProperty().get().startsWith("frame"));
        assertTrue(liveViewModel.statusProperty().get().contains("%"), liveViewModel.statusProperty().get());
        assertNotNull(robot.lookup("#liveFrame").queryAs(javafx.scene.image.ImageView.class).getImage());
        robot.clickOn("#liveStop");
        waitUntil(() -> !liveViewModel.runningProperty().get());
        assertEquals("Stopped", liveViewModel.statusProperty().get());
    }

    @Test
    void liveTabReportsABadSourceWithoutCrashing(FxRobot robot) throws Exception {
        robot.clickOn("Live");
        robot.interact(() -> {
            liveViewModel.sourceProperty().set(root.resolve("no-such-clip.avi").toString());
            liveViewModel.start();
        });
        waitUntil(() -> viewModel.notices().stream().anyMatch(n -> n.title().equals("Cannot start live view")));
        assertTrue(!liveViewModel.runningProperty().get());
    }

    @Test
    void ctrlVPastesAClipboardImageAndClassifiesIt(FxRobot robot) throws Exception {
        waitUntil(() -> !viewModel.session().models().isEmpty() && !viewModel.session().busyProperty().get());
        robot.interact(() -> {
            javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
            content.putImage(new Image(blue.toUri().toString()));
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
        });
        robot.clickOn(view.imageCanvas(), javafx.scene.input.MouseButton.SECONDARY);
        robot.press(KeyCode.CONTROL).type(KeyCode.V).release(KeyCode.CONTROL);
        waitUntil(() -> "Pasted image".equals(viewModel.session().imageNameProperty().get()) && !viewModel.session().busyProperty().get());
        assertEquals(expectedTop1(blue, "tiny-a"), robot.lookup("#top1").queryAs(Label.class).getText());
    }

    @Test
    void unusableModelIsListedDisabledWithItsReason(FxRobot robot) throws Exception {
        waitUntil(() -> !viewModel.session().models().isEmpty());
        ModelEntry broken = viewModel.session().models().stream().filter(m -> m.id().equals("broken-model")).findFirst()
                .orElseThrow();
        assertTrue(!broken.available() && !broken.unavailableReason().isBlank(), broken.toString());
        assertEquals("tiny-a", viewModel.session().selectedModelProperty().get().id(), "an unusable model is never chosen");
        robot.clickOn("#modelPicker");
        waitUntil(() -> robot.lookup(".list-cell").queryAll().stream()
                .anyMatch(c -> ((javafx.scene.control.ListCell<?>) c).getItem() == broken));
        javafx.scene.control.ListCell<?> cell = robot.lookup(".list-cell").queryAll().stream()
                .map(c -> (javafx.scene.control.ListCell<?>) c).filter(c -> c.getItem() == broken).findFirst()
                .orElseThrow();
        assertTrue(cell.isDisabled());
        assertEquals(broken.unavailableReason(), cell.getTooltip().getText());
        robot.type(KeyCode.ESCAPE);
    }

    @Test
    void unreadableFileGivesANotificationAndKeepsThePreviousResult(FxRobot robot) throws Exception {
        openAndWait(robot, red);
        String shown = robot.lookup("#top1").queryAs(Label.class).getText();
        Path broken = Files.writeString(root.resolve("broken.png"), "this is not a PNG");
        robot.interact(() -> viewModel.openFiles(List.of(broken)));
        waitUntil(() -> robot.lookup(".notification").tryQuery().isPresent());
        Notification notification = robot.lookup(".notification").queryAs(Notification.class);
        assertTrue(notification.getMessage().contains("broken.png"), notification.getMessage());
        assertEquals(shown, robot.lookup("#top1").queryAs(Label.class).getText());
        assertEquals("red.png", viewModel.session().imageNameProperty().get());
        assertNotNull(viewModel.session().imageProperty().get());
    }
}
