package dev.vitlens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.testing.LabelledFolders;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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

/**
 * 2,000 images dropped at once (issue 19): the gallery lists and classifies them all while the FX thread keeps
 * pulsing. The longest gap between pulses after start-up is written to {@code target/fx-stall-bigdrop.txt}. The
 * 250 ms target is asserted when the machine is quiet (load average below 1.5): on a loaded runner every thread is
 * delayed and a starved FX thread looks like a blocked one, so there only a 2 s bound is checked.
 */
@ExtendWith(ApplicationExtension.class)
class BigDropFxTest {
    private static final int IMAGES = 2_000;
    private static Path root;
    private static EngineBackend backend;
    private WorkbenchHarness harness;
    private WorkbenchViewModel viewModel;

    @BeforeAll
    static void writeImages() throws Exception {
        root = Files.createTempDirectory("vitlens-bigdrop");
        LabelledFolders.writeModel(root.resolve("models/tiny-fashion"));
        Path first = LabelledFolders.writeImage(root.resolve("drop/00000.png"), LabelledFolders.SKY);
        byte[] png = Files.readAllBytes(first);
        for (int i = 1; i < IMAGES; i++) {
            Files.write(root.resolve(String.format(Locale.ROOT, "drop/%05d.png", i)), png);
        }
        backend = new EngineBackend(new ModelCatalog(root.resolve("models"), root.resolve("user")), "tiny-fashion");
        FxToolkit.registerPrimaryStage();
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @Start
    void start(Stage stage) {
        harness = WorkbenchHarness.show(stage, backend, () -> new ModelCatalog(root.resolve("models"),
                root.resolve("user")));
        viewModel = harness.viewModel;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void twoThousandDroppedImagesAreListedAndClassifiedWithoutStallingTheFxThread(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> viewModel.session().selectedModelProperty().get() != null
                && !viewModel.session().busyProperty().get());
        FxStallWatchdog watchdog = new FxStallWatchdog();
        watchdog.start();
        long t0 = System.nanoTime();
        robot.interact(() -> viewModel.drop(List.of(root.resolve("drop"))));
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> viewModel.gallery().items().size() == IMAGES
                && viewModel.gallery().items().stream()
                        .allMatch(i -> i.stateProperty().get() == dev.vitlens.ui.viewmodel.GalleryItem.State.DONE));
        double seconds = (System.nanoTime() - t0) / 1e9;
        watchdog.stop();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        String report = String.format(Locale.ROOT, "2000 dropped images listed and classified in %.1f s; longest "
                        + "FX-thread gap %.1f ms over %d pulses; load average %.2f on %d cores%n%s%n", seconds,
                watchdog.longestGapMillis(), watchdog.pulses(), load, cores, String.join("\n", watchdog.longGaps()));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "fx-stall-bigdrop.txt"), report + String.join("\n",
                watchdog.stallStacks()));
        System.out.print(report);
        assertEquals(IMAGES, viewModel.gallery().items().size());
        double bound = load >= 0 && load < 1.5 ? 250 : 2000;
        assertTrue(watchdog.longestGapMillis() < bound, report + String.join("\n", watchdog.stallStacks()));
    }
}
