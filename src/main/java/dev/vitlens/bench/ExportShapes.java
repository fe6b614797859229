package dev.vitlens.bench;

import dev.vitlens.inference.OrtNatives;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The ViT-B/16-shaped graph (random weights, exact shapes of google/vit-base-patch16-224, logits only) made by
 * {@code models/recipes/export_shapes.py}, generated on demand into {@code <cache>/export-shapes/bench/}.
 */
final class ExportShapes {
    static final String VIT_B16 = "vit-base-patch16-224";
    /** What users type for it with {@code -m}. */
    static final String ALIAS = "vit-b16";
    static final String PYTHON = "/usr/bin/python3";
    static final String SCRIPT = "models/recipes/export_shapes.py";

    private ExportShapes() {
    }

    static Path root() {
        // Own sub-folder: other tools share export-shapes/ and may clean their own layers-N folders.
        return OrtNatives.cacheRoot().resolve("export-shapes").resolve("bench");
    }

    static Path vitB16(PrintWriter err) throws IOException {
        Path dir = root().resolve(VIT_B16);
        if (Files.isRegularFile(dir.resolve("model.onnx")) && Files.isRegularFile(dir.resolve("config.json"))) {
            return dir;
        }
        Path script = Paths.get(SCRIPT);
        if (!Files.isRegularFile(Paths.get(PYTHON)) || !Files.isRegularFile(script)) {
            throw new IOException("the ViT-B/16-shaped graph is not in " + dir + " and cannot be generated here ("
                    + (Files.isRegularFile(script) ? PYTHON + " is missing" : SCRIPT + " not found; run from the "
                    + "repository root") + "). Produce it with PyTorch (python3-torch): " + howTo());
        }
        err.println("generating the ViT-B/16-shaped graph (random weights, ~350 MB, about a minute): " + howTo());
        err.flush();
        ProcessBuilder pb = new ProcessBuilder(List.of(PYTHON, SCRIPT, "--out", root().toString(), "--only", VIT_B16,
                "--variant", "plain"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        try {
            int rc = pb.start().waitFor();
            if (rc != 0 || !Files.isRegularFile(dir.resolve("model.onnx"))) {
                throw new IOException("export_shapes.py failed (exit " + rc + "); run it by hand: " + howTo());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating the ViT-B/16 graph", e);
        }
        return dir;
    }

    /**
     * "shape:NAME" for a folder made by export_shapes.py (its config.json carries a note naming the script; the
     * PyTorch peer can rebuild its weights from the seed), else "folder".
     */
    static String kindOf(Path dir) {
        try {
            String config = Files.readString(dir.resolve("config.json"));
            if (config.contains("export_shapes.py")) {
                String name = dir.getFileName().toString().replaceFirst("-attn$", "");
                return "shape:" + name;
            }
        } catch (IOException | RuntimeException ignored) {
            // not a shape export
        }
        return "folder";
    }

    static String howTo() {
        return PYTHON + " " + SCRIPT + " --out " + root() + " --only " + VIT_B16 + " --variant plain";
    }
}
