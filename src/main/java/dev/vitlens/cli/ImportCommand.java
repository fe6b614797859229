package dev.vitlens.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ImportResult;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelImportException;
import dev.vitlens.catalog.ModelImporter;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.ImportSmokeTest;
import dev.vitlens.output.JsonOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitlens import PATH}: adds a Hugging Face ONNX export to the user's models. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a Hugging Face ViT / DeiT / BEiT ONNX export (e.g. from `optimum-cli export onnx`) into"
                + " your models folder.",
                "PATH is the export folder (model.onnx, config.json, preprocessor_config.json) or an .onnx file with"
                        + " those JSON files beside it. The source is never modified. Exports without attention"
                        + " outputs get them by graph surgery (stored in the imported copy). Exit code 2 when the"
                        + " import is refused."})
public class ImportCommand implements Callable<Integer> {
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "Export folder or .onnx file.")
    Path source;

    @Option(names = "--id", paramLabel = "ID",
            description = "Model id (folder name) to import as; default: the folder or file name.")
    String id;

    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Override
    public Integer call() throws Exception {
        // ONNX Runtime's first initialisation needs more than the default thread stack (see BigStack).
        return BigStack.call("vitlens-import", this::importModel);
    }

    private Integer importModel() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelImporter importer = new ModelImporter(ModelCatalog.standard(), ImportSmokeTest.onCpu());
        ModelImporter.ProgressListener progress = format == Format.text
                ? (step, fraction) -> {
                    err.printf("[%3d%%] %s%n", Math.round(fraction * 100), step);
                    err.flush();
                }
                : ModelImporter.ProgressListener.NONE;
        try {
            ImportResult result = importer.importModel(source, Optional.ofNullable(id), progress);
            if (format == Format.json) {
                out.println(JsonOutput.document(toJson(result)));
            } else {
                printText(out, result);
            }
            out.flush();
            return 0;
        } catch (ModelImportException e) {
            if (format == Format.json) {
                ObjectNode o = JsonOutput.object();
                o.put("imported", false);
                o.put("reason", e.reason().name().toLowerCase(Locale.ROOT));
                o.put("error", e.getMessage());
                out.println(JsonOutput.document(o));
                out.flush();
            }
            err.println("error: import refused: " + e.getMessage());
            err.flush();
            return Cli.EXIT_USAGE;
        }
    }

    static ObjectNode toJson(ImportResult r) {
        ModelInfo info = r.info();
        ObjectNode o = JsonOutput.object();
        o.put("imported", true);
        o.put("id", r.id());
        o.put("path", r.dir().toString());
        o.put("source", r.source().toString());
        o.put("family", info.family().displayName());
        o.putObject("input").put("height", info.inputHeight()).put("width", info.inputWidth());
        o.put("head", info.hasClassifier() ? "classifier" : "none");
        o.put("classes", info.hasClassifier() ? info.labels().size() : 0);
        o.put("layers", info.layout().layers());
        o.put("heads", info.layout().heads());
        o.put("attentions", attentions(r));
        var external = o.putArray("externalData");
        r.externalDataFiles().forEach(external::add);
        o.put("smokeTest", r.smokeTest());
        var warnings = o.putArray("warnings");
        r.warnings().forEach(warnings::add);
        return o;
    }

    private static String attentions(ImportResult r) {
        if (r.attentionsAdded()) {
            return "surgery";
        }
        return r.info().hasAttentions() ? "native" : "none";
    }

    private static void printText(PrintWriter out, ImportResult r) {
        ModelInfo info = r.info();
        out.println("Imported \"" + r.id() + "\" into " + r.dir());
        out.println("  family:     " + info.family().displayName() + ", input " + info.inputHeight() + "x"
                + info.inputWidth() + ", " + info.layout().layers() + " layers x " + info.layout().heads() + " heads");
        out.println("  head:       " + (info.hasClassifier() ? info.labels().size() + " classes"
                : "none (backbone: use `vitlens embed`)"));
        out.println("  attentions: " + switch (attentions(r)) {
            case "surgery" -> "added by graph surgery (the source file is unchanged)";
            case "native" -> "exported by the model";
            default -> "none: attention maps unavailable";
        });
        if (!r.externalDataFiles().isEmpty()) {
            out.println("  external data: " + String.join(", ", r.externalDataFiles()));
        }
        out.println("  test run:   " + r.smokeTest());
        for (String w : r.warnings()) {
            out.println("  warning:    " + w);
        }
    }
}
