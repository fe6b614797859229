package dev.vitlens.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.Embedder;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.output.JsonOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitlens embed}: the embedding of one image from a backbone model (no classification head). */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Print the embedding of an image from a backbone model (one without classification head,"
                + " e.g. google/vit-base-patch16-224-in21k) as JSON:",
                "{\"model\", \"file\", \"cls\": [last_hidden_state[CLS]], \"pooled\": [pooler_output]}",
                "(a field is null when the export lacks that output)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:embedding printed", "1:the image could not be read or run", "2:usage or model error"})
public class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL_ID|PATH",
            description = "Backbone model id from `vitlens models`, or a model folder.")
    String model;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            converter = ClassifyCommand.DeviceConverter.class, description = "auto tries CUDA then the CPU.")
    Device device;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file.")
    Path image;

    @Override
    public Integer call() throws Exception {
        // ONNX Runtime's first initialisation needs more than the default thread stack (see BigStack).
        return BigStack.call("vitlens-embed", this::embed);
    }

    private Integer embed() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelInfo info;
        try {
            info = ModelCatalog.standard().resolve(model).require();
        } catch (ModelFormatException e) {
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        }
        try (Embedder embedder = Embedder.open(info, RunnerOptions.on(device))) {
            embedder.runner().fallbackReason().ifPresent(reason ->
                    err.println("note: CUDA unavailable (" + reason + "); running on the CPU"));
            Embedder.Embedding e = embedder.embed(image);
            ObjectNode o = JsonOutput.object();
            o.put("model", info.id());
            o.put("file", image.toString());
            putVector(o, "cls", e.cls());
            putVector(o, "pooled", e.pooled());
            out.println(JsonOutput.line(o));
            out.flush();
            return 0;
        } catch (ModelLoadException e) {
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        } catch (ImageDecodeException | InferenceException e) {
            return fail(err, e.getMessage(), Cli.EXIT_SOME_FAILED);
        }
    }

    private static void putVector(ObjectNode o, String name, float[] v) {
        if (v == null) {
            o.putNull(name);
            return;
        }
        ArrayNode a = o.putArray(name);
        for (float x : v) {
            a.add(x);
        }
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("error: " + message);
        err.flush();
        return code;
    }
}
