package dev.vitlens.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Exact-shape, randomly initialised Hugging Face exports written by {@code models/recipes/export_shapes.py} (needs
 * Debian's PyTorch: {@code /usr/bin/python3} with {@code torch} and {@code onnx}). Generated on demand into
 * {@code ~/.cache/vitlens/export-shapes/layers-N/} and reused while the script is unchanged; never committed.
 * Tests skip with a clear message when the script or PyTorch is missing.
 *
 * <p>System properties: {@code vitlens.exportShapes.layers} (default 2: real widths, heads, patches and label
 * counts, 2 encoder layers; 12 gives the full-size checkpoints, ~350 MB each), {@code vitlens.exportShapes.script}
 * (default {@code models/recipes/export_shapes.py}), {@code vitlens.exportShapes.python} (default
 * {@code /usr/bin/python3}), {@code vitlens.exportShapes.dir} (cache root).
 */
public final class ShapeExports {
    /** The export names of export_shapes.py; each comes as {@code NAME/} (optimum-style) and {@code NAME-attn/}. */
    public static final List<String> NAMES = List.of("vit-base-patch16-224", "beit-base-patch16-224",
            "deit-base-distilled-patch16-224", "vit-base-patch16-224-in21k");

    private ShapeExports() {
    }

    public static int layers() {
        return Integer.getInteger("vitlens.exportShapes.layers", 2);
    }

    /** The folder holding all exports, generating them first if needed; skips the test when that is impossible. */
    public static synchronized Path root() throws IOException, InterruptedException {
        Path script = Paths.get(System.getProperty("vitlens.exportShapes.script", "models/recipes/export_shapes.py"));
        assumeTrue(Files.isRegularFile(script), "skipped: " + script.toAbsolutePath() + " not found (the exact-shape"
                + " exports come from the models branch's recipe; set -Dvitlens.exportShapes.script=PATH)");
        String python = System.getProperty("vitlens.exportShapes.python", "/usr/bin/python3");
        Path cache = Paths.get(System.getProperty("vitlens.exportShapes.dir",
                Paths.get(System.getProperty("user.home"), ".cache", "vitlens", "export-shapes").toString()));
        int layers = layers();
        Path root = cache.resolve("layers-" + layers);
        Path stamp = root.resolve(".complete");
        String key = recipeDigest(script) + " layers=" + layers;
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(key)) {
            return root;
        }
        assumeTrue(hasTorch(python), "skipped: " + python + " with torch and onnx is needed to write the exact-shape"
                + " exports (Debian: apt-get install python3-torch python3-onnx)");
        Files.createDirectories(root);
        Files.deleteIfExists(stamp);
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--out", root.toString(),
                "--layers", Integer.toString(layers)));
        Path log = root.resolve("export.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("export_shapes.py did not finish within 60 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException("export_shapes.py failed (exit " + p.exitValue() + "): " + String.join(" ", command)
                    + "\n" + Files.readString(log));
        }
        Files.writeString(stamp, key);
        return root;
    }

    private static boolean hasTorch(String python) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch, onnx").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The script and the recipe modules it imports: a change to any of them regenerates the exports. */
    private static String recipeDigest(Path script) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> sources;
            try (var files = Files.list(script.toAbsolutePath().getParent())) {
                sources = files.filter(f -> f.getFileName().toString().endsWith(".py")).sorted().toList();
            }
            for (Path f : sources) {
                md.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }
}
