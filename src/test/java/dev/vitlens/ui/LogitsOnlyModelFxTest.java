package dev.vitlens.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.cli.Cli;
import dev.vitlens.engine.AnalysisEngine;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.onnx.TinyVit;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
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

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A logits-only export (Hugging Face layout: config.json, preprocessor_config.json, model.onnx without
 * {@code attentions.i} outputs) copied straight into the user models folder: the workbench shows a rollout, and
 * it is the rollout {@code vitlens explain} prints for the same image.
 */
@ExtendWith(ApplicationExtension.class)
class LogitsOnlyModelFxTest {

    private static final long TIMEOUT_S = 60;
    private static Path root;
    private static Path userModel;
    private static Path image;
    private static EngineBackend backend;
    private static String oldCache;

    private WorkbenchHarness harness;
    private WorkbenchViewModel viewModel;

    @BeforeAll
    static void createUserModelAndImage() throws Exception {
        root = Files.createTempDirectory("vitlens-logits-only");
        Path userModels = Files.createDirectories(root.resolve("user-models"));
        // 32x32 input, 8-px patches (4x4 grid), 2 layers of 2 heads, logits output only.
        userModel = TinyVit.forImages(5, 2, 2, 4, 32, 8).withNativeAttentions(false)
                .writeFolder(userModels.resolve("hf-logits-only"));
        BufferedImage picture = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(11);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                picture.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | random.nextInt(256));
            }
        }
        image = root.resolve("photo.png");
        ImageIO.write(picture, "png", image.toFile());
        // The CLI and the workbench each build their derived copy, in separate caches: no shared state helps.
        oldCache = System.getProperty(AttentionModelCache.DIR_PROPERTY);
        System.setProperty(AttentionModelCache.DIR_PROPERTY, root.resolve("cli-cache").toString());
        AnalysisEngine engine = new AnalysisEngine(RunnerOptions.on(Device.CPU),
                new AttentionModelCache(root.resolve("workbench-cache")));
        backend = new EngineBackend(() -> new ModelCatalog(root.resolve("no-bundled-models"), userModels),
                "hf-logits-only", engine);
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
    }

    @AfterEach
    void closeExecutors() throws Exception {
        harness.close();
    }

    @Test
    void workbenchShowsTheSameRolloutAsVitlensExplain(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !viewModel.session().models().isEmpty());
        robot.interact(() -> viewModel.openFiles(List.of(image)));
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> "photo.png".equals(
                viewModel.session().imageNameProperty().get()) && !viewModel.session().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();

        String description = viewModel.session().heatmapDescriptionProperty().get();
        assertFalse(description.contains("no attentions"), description);
        assertTrue(description.startsWith("rollout"), description);
        assertNotNull(viewModel.session().heatmapImageProperty().get(), "a heatmap is drawn");
        Explanation shown = viewModel.session().explanationProperty().get();
        assertNotNull(shown);

        // The same image through the CLI, with the workbench's default explorer settings (discard 0.9).
        double discard = viewModel.explorer().discardRatioProperty().get();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Cli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("explain", "-m", userModel.toString(), "--device", "cpu", "--format", "json",
                "--discard", Double.toString(discard), image.toString());
        assertEquals(0, exit, err.toString());
        JsonNode printed = new ObjectMapper().readTree(out.toString());
        assertTrue(printed.get("attentions_added").asBoolean(), "the CLI too ran a derived copy");

        assertEquals(printed.get("grid").get(0).asInt(), shown.gridHeight());
        assertEquals(printed.get("grid").get(1).asInt(), shown.gridWidth());
        float[] expected = new float[printed.get("heatmap").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (float) printed.get("heatmap").get(i).asDouble();
        }
        float[] actual = shown.grid().values();
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6f, "patch " + i);
        }
        assertEquals(printed.get("top").get(0).get("label").asText(), viewModel.session().predictions().get(0).label());

        // The user's folder is left as it was copied: the derived model lives in the cache.
        try (Stream<Path> files = Files.list(userModel)) {
            assertEquals(3, files.count());
        }
    }
}
