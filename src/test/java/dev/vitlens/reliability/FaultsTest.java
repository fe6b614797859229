package dev.vitlens.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelDirectories;
import dev.vitlens.cli.Cli;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.output.AtomicFiles;
import dev.vitlens.testing.TinyModels;
import dev.vitlens.testing.TinyVitExport;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.ModelEntry;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Faults (issue 10): no GPU, a model file deleted or corrupted while the app runs, read-only output folders.
 * A camera that is missing or lost mid-stream is covered by the camera package's tests (CameraSourceTest,
 * LivePipelineTest), not repeated here.
 */
class FaultsTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    // ------------------------------------------------------------------ no GPU

    @Test
    void cudaWithoutAGpuFallsBackWithANoticeOrFailsClearlyWhenForced() throws Exception {
        Path model = TinyModels.writeVitFolder(tmp.resolve("models/tiny"), 28, 7, 4, 0, 0);
        try (ModelRunner probe = ModelRunner.open(ModelCatalog.byPath(model).require(),
                RunnerOptions.on(Device.parse("auto")))) {
            Assumptions.assumeTrue(probe.device() == Device.CPU,
                    "this machine runs CUDA: the no-GPU fallback cannot be exercised here");
        }
        Path image = tmp.resolve("red.png");
        javax.imageio.ImageIO.write(BadImages.uniform(20, 20, Color.RED), "png", image.toFile());

        Run auto = cli("classify", "-m", model.toString(), "--device", "auto", "--format", "json", image.toString());
        assertEquals(0, auto.exit(), auto.err());
        assertTrue(auto.err().contains("note: CUDA unavailable (") && auto.err().contains("); running on the CPU"),
                auto.err());
        assertTrue(auto.out().contains("\"device\" : \"cpu\""), auto.out());

        Run cuda = cli("classify", "-m", model.toString(), "--device", "cuda", image.toString());
        assertEquals(Cli.EXIT_USAGE, cuda.exit());
        assertTrue(cuda.err().startsWith("error: ") && cuda.err().contains("CUDA requested but unavailable: "),
                cuda.err());
        assertEquals("", cuda.out());
    }

    // ------------------------------------------------------------------ model file changes under a running app

    @Test
    void modelDeletedOrCorruptedWhileTheAppRuns() throws Exception {
        Path models = tmp.resolve("models");
        Path dir = TinyModels.writeVitFolder(models.resolve("tiny"), 28, 7, 4, 0, 0);
        BufferedImage image = BadImages.uniform(30, 30, Color.BLUE);
        try (EngineBackend running = new EngineBackend(() -> new ModelCatalog(models, tmp.resolve("user")), "tiny",
                RunnerOptions.on(Device.CPU))) {
            int before = running.classify(image, "tiny", 1, true).top().get(0).index();

            // Corrupted on disk: the open session has the graph in memory and keeps answering the same.
            byte[] original = Files.readAllBytes(dir.resolve("model.onnx"));
            Files.write(dir.resolve("model.onnx"), java.util.Arrays.copyOf(original, original.length / 3));
            assertEquals(before, running.classify(image, "tiny", 1, true).top().get(0).index());

            // A reload (a new backend, as after a restart or a catalogue refresh) reports the corrupt file.
            try (EngineBackend reloaded = new EngineBackend(() -> new ModelCatalog(models, tmp.resolve("user")),
                    "tiny", RunnerOptions.on(Device.CPU))) {
                ModelEntry entry = reloaded.listModels().get(0);
                assertFalse(entry.unavailableReason().isEmpty(), "corrupt model listed as unavailable");
                assertTrue(entry.unavailableReason().contains("model.onnx is not a readable ONNX model"), entry.unavailableReason());
                Exception e = assertThrows(Exception.class, () -> reloaded.classify(image, "tiny", 1, true));
                assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
            }

            // Deleted: the running app still answers; a reload says the file is missing.
            Files.delete(dir.resolve("model.onnx"));
            assertEquals(before, running.classify(image, "tiny", 1, true).top().get(0).index());
            try (EngineBackend reloaded = new EngineBackend(() -> new ModelCatalog(models, tmp.resolve("user")),
                    "tiny", RunnerOptions.on(Device.CPU))) {
                assertTrue(reloaded.listModels().get(0).unavailableReason().contains("missing model.onnx"),
                        reloaded.listModels().get(0).unavailableReason());
            }
            // The CLI, started now, refuses the model with the same reason and exit code 2.
            Path img = tmp.resolve("blue.png");
            javax.imageio.ImageIO.write(image, "png", img.toFile());
            Run r = cli("classify", "-m", dir.toString(), "--device", "cpu", img.toString());
            assertEquals(Cli.EXIT_USAGE, r.exit());
            assertTrue(r.err().contains("missing model.onnx"), r.err());
        }
    }

    // ------------------------------------------------------------------ read-only destinations

    /**
     * A folder nobody may write to. As root (CI) permission bits do not stop writes, so {@code /proc} (a file
     * system that refuses new files even to root) stands in; there, "no partial files" holds trivially.
     */
    private Path readOnlyFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
            System.out.println("[faults] privileged user: chmod 555 does not block writes; using /proc as the "
                    + "read-only destination");
            return Path.of("/proc");
        } catch (IOException expected) {
            return dir;
        }
    }

    private static List<Path> listing(Path dir) throws IOException {
        if (dir.startsWith("/proc") || !Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }

    @Test
    void exportsIntoAReadOnlyFolderFailClearlyAndLeaveNothing() throws Exception {
        Path readOnly = readOnlyFolder();
        try {
            List<Path> before = listing(readOnly);
            // The UI's exports (overlay PNG, results JSON) go through AtomicFiles.
            IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(readOnly.resolve("results.json"),
                    out -> out.write("{}".getBytes())));
            assertTrue(e.getMessage().contains(readOnly.toString()), e.getMessage());
            assertEquals(before, listing(readOnly));

            // The CLI's --out.
            Path model = TinyModels.writeVitFolder(tmp.resolve("explain-model"), 28, 7, 4, 1, 1);
            Path image = tmp.resolve("photo.png");
            javax.imageio.ImageIO.write(BadImages.marker(), "png", image.toFile());
            Run r = cli("explain", "-m", model.toString(), "--device", "cpu", "--out",
                    readOnly.resolve("overlay.png").toString(), image.toString());
            assertNotEquals(0, r.exit());
            assertTrue(r.err().startsWith("error: " + readOnly), r.err());
            assertTrue(r.err().contains(": permission denied") || r.err().contains(": no such file or folder"),
                    r.err());
            assertEquals(before, listing(readOnly));
        } finally {
            if (!readOnly.startsWith("/proc")) {
                Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    @Test
    void importIntoAReadOnlyModelsFolderFailsClearlyAndLeavesNothing() throws Exception {
        Path readOnly = readOnlyFolder();
        Path export = new TinyVitExport().writeFolder(tmp.resolve("exports/vit"));
        String old = System.getProperty(ModelDirectories.USER_DIR_PROPERTY);
        String oldBundled = System.getProperty(ModelDirectories.MODELS_DIR_PROPERTY);
        try {
            Path userDir = readOnly.resolve("vitlens-user");
            System.setProperty(ModelDirectories.USER_DIR_PROPERTY, userDir.toString());
            System.setProperty(ModelDirectories.MODELS_DIR_PROPERTY, Files.createDirectories(tmp.resolve("bundled"))
                    .toString());
            List<Path> before = listing(readOnly);
            Run r = cli("import", export.toString());
            assertEquals(Cli.EXIT_USAGE, r.exit(), r.out() + r.err());
            // After the progress lines: "error: import refused: import failed: <folder>: <what happened>".
            assertTrue(r.err().contains("error: import refused: import failed: " + readOnly), r.err());
            assertTrue(r.err().matches("(?s).*import failed: \\S+: (permission denied|no such file or folder).*"),
                    r.err());
            assertEquals(before, listing(readOnly), "no partial files");
        } finally {
            restore(ModelDirectories.USER_DIR_PROPERTY, old);
            restore(ModelDirectories.MODELS_DIR_PROPERTY, oldBundled);
            if (!readOnly.startsWith("/proc")) {
                Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
