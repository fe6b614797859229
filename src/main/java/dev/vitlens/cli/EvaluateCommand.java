package dev.vitlens.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.evaluate.EvaluationException;
import dev.vitlens.evaluate.EvaluationReport;
import dev.vitlens.evaluate.EvaluationSet;
import dev.vitlens.evaluate.Evaluator;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.output.JsonOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitlens evaluate}: accuracy, per-class precision and recall and the confusion matrix on a labelled folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate a classifier on a labelled folder: DIR has one sub-folder per class, named after the"
                + " model's labels (matched ignoring case, with _ - / and spaces alike: t_shirt_top is \"T-shirt/top\").",
                "Prints accuracy, the confusion matrix (rows: true class, columns: predicted), per-class precision"
                        + " and recall and the misclassified files. Folders that match no label are reported and"
                        + " skipped; a file that cannot be read is reported and the run goes on."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image classified", "1:some files could not be read (see \"errors\")",
                "2:usage, model or folder error (no label matches, two folders for one label, ...)"})
public class EvaluateCommand implements Callable<Integer> {
    enum Format { text, json }

    /** Misclassified files the text report lists (JSON lists all). */
    static final int TEXT_MISCLASSIFIED = 10;
    static final int TEXT_ERRORS = 10;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL_ID|PATH",
            description = "Model id from `vitlens models`, or a model folder.")
    String model;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--batch", defaultValue = "" + Evaluator.DEFAULT_BATCH, paramLabel = "N",
            description = "Images per inference call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            converter = ClassifyCommand.DeviceConverter.class,
            description = "auto tries CUDA then the CPU (default: auto).")
    Device device;

    @Option(names = "--threads", description = "Intra-op threads (default: available processors).")
    Integer threads;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder with one sub-folder of images per class.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        // ONNX Runtime's first initialisation needs more than the default thread stack (see BigStack).
        return BigStack.call("vitlens-evaluate", this::evaluate);
    }

    private Integer evaluate() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batch < 1 || batch > 4096) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batch must be between 1 and 4096");
        }
        ModelInfo info;
        EvaluationSet set;
        try {
            info = ModelCatalog.standard().resolve(model).require();
            if (!info.hasClassifier()) {
                return fail(err, ModelSession.noHeadMessage(info));
            }
            // The folder is checked before the model loads: a misnamed folder is reported at once.
            set = EvaluationSet.scan(dir, info.labels());
        } catch (ModelFormatException | EvaluationException e) {
            return fail(err, e.getMessage());
        }
        RunnerOptions options = RunnerOptions.on(device);
        if (threads != null) {
            options = options.withThreads(Math.max(1, threads), 1);
        }
        EvaluationReport report;
        try (ModelSession session = ModelSession.forClassification(info, options)) {
            session.runner().fallbackReason().ifPresent(reason ->
                    err.println("note: CUDA unavailable (" + reason + "); running on the CPU"));
            err.flush();
            ClassifyCommand.Progress progress = new ClassifyCommand.Progress(err, set.imageCount());
            report = new Evaluator(batch).evaluate(set, Evaluator.classifier(session),
                    (done, total, file) -> progress.step(file), () -> false);
            progress.done();
        } catch (ModelLoadException | InferenceException e) {
            return fail(err, e.getMessage());
        }
        warnings(err, report);
        if (format == Format.json) {
            out.println(JsonOutput.document(json(report)));
        } else {
            text(out, report);
        }
        out.flush();
        return report.errors().isEmpty() ? 0 : Cli.EXIT_SOME_FAILED;
    }

    private static int fail(PrintWriter err, String message) {
        err.println("error: " + message);
        err.flush();
        return Cli.EXIT_USAGE;
    }

    private static void warnings(PrintWriter err, EvaluationReport r) {
        for (Path folder : r.unmatchedFolders()) {
            err.println("warning: folder \"" + folder.getFileName() + "\" matches no label of " + r.modelId()
                    + ": not evaluated");
        }
        for (Path folder : r.emptyFolders()) {
            err.println("warning: class folder \"" + folder.getFileName() + "\" holds no images");
        }
        if (r.looseImages() > 0) {
            err.println("warning: " + r.looseImages() + " image file(s) directly in " + r.root()
                    + " belong to no class folder: not evaluated");
        }
        err.flush();
    }

    static ObjectNode json(EvaluationReport r) {
        ObjectNode o = JsonOutput.object();
        o.put("model", r.modelId());
        o.put("folder", r.root().toString());
        o.put("images", r.images());
        o.put("correct", r.correct());
        putRatio(o, "accuracy", r.accuracy());
        o.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        putRatio(o, "images_per_second", Math.round(r.imagesPerSecond() * 10) / 10.0);
        o.put("batch", r.batchSize());
        ObjectNode confusion = o.putObject("confusion");
        confusion.put("rows", "true");
        confusion.put("columns", "predicted");
        ArrayNode labels = confusion.putArray("labels");
        r.labels().forEach(labels::add);
        ArrayNode matrix = confusion.putArray("matrix");
        for (int[] row : r.confusion()) {
            ArrayNode line = matrix.addArray();
            for (int v : row) {
                line.add(v);
            }
        }
        ArrayNode perClass = o.putArray("per_class");
        List<EvaluationReport.ClassMetrics> metrics = r.perClass();
        for (int i = 0; i < metrics.size(); i++) {
            EvaluationReport.ClassMetrics m = metrics.get(i);
            ObjectNode c = perClass.addObject();
            c.put("label", m.label());
            c.put("index", m.index());
            c.put("evaluated", r.evaluated(i));
            c.put("support", m.support());
            c.put("predicted", m.predicted());
            c.put("correct", m.correct());
            putRatio(c, "precision", m.precision());
            putRatio(c, "recall", m.recall());
        }
        ArrayNode wrong = o.putArray("misclassified");
        for (EvaluationReport.ImageResult m : r.misclassified()) {
            wrong.addObject().put("file", m.file().toString()).put("true", r.labelOf(m.trueIndex()))
                    .put("predicted", r.labelOf(m.predictedIndex())).put("score", m.score())
                    .put("true_score", m.trueScore());
        }
        ArrayNode unmatched = o.putArray("unmatched_folders");
        r.unmatchedFolders().forEach(f -> unmatched.add(f.toString()));
        ArrayNode empty = o.putArray("empty_folders");
        r.emptyFolders().forEach(f -> empty.add(f.toString()));
        o.put("loose_images", r.looseImages());
        ArrayNode errors = o.putArray("errors");
        r.errors().forEach(e -> errors.addObject().put("file", e.file().toString()).put("error", e.message()));
        return o;
    }

    private static void putRatio(ObjectNode o, String name, double value) {
        if (Double.isNaN(value)) {
            o.putNull(name);
        } else {
            o.put(name, value);
        }
    }

    static void text(PrintWriter out, EvaluationReport r) {
        List<String> labels = r.labels();
        int classes = (int) r.perClass().stream().filter(m -> m.support() > 0).count();
        out.printf(Locale.ROOT, "%s on %s: %d images in %d classes, %.1f s (%.0f images/s, batch %d)%n", r.modelId(),
                r.root(), r.images(), classes, r.seconds(), r.imagesPerSecond(), r.batchSize());
        out.printf(Locale.ROOT, "accuracy %s (%d/%d)%n%n", percent(r.accuracy()), r.correct(), r.images());

        int nameWidth = Math.min(22, labels.stream().mapToInt(String::length).max().orElse(5));
        int cell = Math.max(4, String.valueOf(r.images()).length() + 1);
        int number = String.valueOf(labels.size() - 1).length();
        out.println("confusion (rows: true class, columns: predicted, numbered as the rows)");
        StringBuilder header = new StringBuilder(" ".repeat(number + 2 + nameWidth));
        for (int c = 0; c < labels.size(); c++) {
            header.append(pad(String.valueOf(c), cell));
        }
        out.println(header);
        for (int row = 0; row < labels.size(); row++) {
            StringBuilder line = new StringBuilder(pad(String.valueOf(row), number)).append(' ')
                    .append(padRight(shorten(labels.get(row), nameWidth), nameWidth)).append(' ');
            for (int c = 0; c < labels.size(); c++) {
                line.append(pad(String.valueOf(r.count(row, c)), cell));
            }
            out.println(line);
        }
        out.println();
        out.println(padRight("class", nameWidth + number + 1) + "  precision    recall  support");
        for (EvaluationReport.ClassMetrics m : r.perClass()) {
            out.println(padRight(shorten(m.label(), nameWidth + number + 1), nameWidth + number + 1)
                    + pad(percent(m.precision()), 11) + pad(percent(m.recall()), 10) + pad(String.valueOf(m.support()), 9));
        }
        List<EvaluationReport.ImageResult> wrong = r.misclassified();
        if (!wrong.isEmpty()) {
            out.println();
            out.println(wrong.size() <= TEXT_MISCLASSIFIED ? "misclassified (" + wrong.size() + "):"
                    : "misclassified (first " + TEXT_MISCLASSIFIED + " of " + wrong.size() + "; all with --format json):");
            for (EvaluationReport.ImageResult m : wrong.subList(0, Math.min(TEXT_MISCLASSIFIED, wrong.size()))) {
                out.printf(Locale.ROOT, "  %s: %s, predicted %s (%.2f)%n", m.file(), r.labelOf(m.trueIndex()),
                        r.labelOf(m.predictedIndex()), m.score());
            }
        }
        if (!r.errors().isEmpty()) {
            out.println();
            out.println("not classified (" + r.errors().size() + "):");
            r.errors().stream().limit(TEXT_ERRORS).forEach(e -> out.println("  " + e.message()));
            if (r.errors().size() > TEXT_ERRORS) {
                out.println("  ... " + (r.errors().size() - TEXT_ERRORS) + " more (all with --format json)");
            }
        }
    }

    private static String percent(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f%%", ratio * 100);
    }

    private static String shorten(String s, int width) {
        return s.length() <= width ? s : s.substring(0, Math.max(1, width - 1)) + "\u2026";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? " " + s : " ".repeat(width - s.length()) + s;
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
