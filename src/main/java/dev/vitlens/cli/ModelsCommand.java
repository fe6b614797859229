package dev.vitlens.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelCatalog.Entry;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.output.JsonOutput;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitlens models}: lists bundled and user models with their availability. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the available models.")
public class ModelsCommand implements Callable<Integer> {
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Override
    public Integer call() throws Exception {
        ModelCatalog catalog = ModelCatalog.standard();
        List<Entry> entries = catalog.list();
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(JsonOutput.document(toJson(entries)));
        } else {
            printText(out, catalog, entries);
        }
        out.flush();
        return 0;
    }

    static ArrayNode toJson(List<Entry> entries) {
        ArrayNode array = JsonOutput.array();
        for (Entry e : entries) {
            ObjectNode o = array.addObject();
            o.put("id", e.id());
            o.put("name", e.displayName());
            o.put("source", e.source().name().toLowerCase());
            o.put("path", e.dir().toString());
            o.put("available", e.available());
            if (e.available()) {
                ModelInfo info = e.info();
                o.put("family", info.family().displayName());
                o.put("description", info.meta().description());
                o.putObject("input").put("height", info.inputHeight()).put("width", info.inputWidth());
                o.put("head", info.hasClassifier() ? "classifier" : "none");
                o.put("classes", info.hasClassifier() ? info.labels().size() : 0);
                ArrayNode labels = o.putArray("labels");
                info.labels().forEach(labels::add);
                o.put("attentions", info.hasAttentions());
            } else {
                o.put("reason", e.problem());
            }
        }
        return array;
    }

    private static void printText(PrintWriter out, ModelCatalog catalog, List<Entry> entries) {
        if (entries.isEmpty()) {
            out.println("No models found. Looked in: "
                    + catalog.bundledDir().map(Object::toString).orElse("(no bundled models folder)") + " and "
                    + catalog.userDir().map(Object::toString).orElse("(no user folder)"));
            return;
        }
        String format = "%-22s %-28s %-6s %-9s %-7s %s%n";
        out.printf(format, "ID", "NAME", "FAMILY", "INPUT", "CLASSES", "STATUS");
        for (Entry e : entries) {
            if (e.available()) {
                ModelInfo i = e.info();
                out.printf(format, e.id(), i.displayName(), i.family().displayName(),
                        i.inputHeight() + "x" + i.inputWidth(),
                        i.hasClassifier() ? String.valueOf(i.labels().size()) : "none",
                        "ok (" + e.source().name().toLowerCase() + ")");
            } else {
                out.printf(format, e.id(), "-", "-", "-", "-", "unavailable: " + e.problem());
            }
        }
    }
}
