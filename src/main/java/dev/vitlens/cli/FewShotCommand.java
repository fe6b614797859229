package dev.vitlens.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.fewshot.FeatureExtractor;
import dev.vitlens.fewshot.FewShotException;
import dev.vitlens.fewshot.FewShotModelWriter;
import dev.vitlens.fewshot.FewShotResult;
import dev.vitlens.fewshot.FewShotTrainer;
import dev.vitlens.fewshot.TrainingSet;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.output.JsonOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vitlens fewshot}: teach a backbone new classes from a few images each. */
@Command(name = "fewshot", mixinStandardHelpOptions = true,
        description = "Teach a model new classes from a few images each (a ridge-regression head on its frozen"
                + " read-out features, as in the ViT paper's few-shot evaluation).",
        subcommands = {FewShotCommand.Train.class})
public class FewShotCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: vitlens fewshot train ... (try --help)");
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Fit a new head on BACKBONE's read-out features ([CLS]; BEiT: the mean of the patches;"
                    + " DeiT: [CLS] and [DIST]) from DIR, which holds one sub-folder of images per class (the folder"
                    + " names become the labels), and save it as a new model folder OUT in the Hugging Face layout.",
                    "The regulariser is chosen by leave-one-out cross-validation; its per-class accuracy and"
                            + " confusion matrix are printed. The saved model works with classify, explain, teach,"
                            + " live and evaluate (`-m OUT`), and `vitlens import OUT` adds it to the catalogue."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:model saved", "2:usage, backbone, folder or write error (nothing was written)"})
    static class Train implements Callable<Integer> {
        enum Format { text, json }

        @Spec
        CommandSpec spec;

        @Option(names = {"-b", "--backbone"}, required = true, paramLabel = "ID|PATH",
                description = "Backbone: a model id from `vitlens models` (with or without a head), or a model folder.")
        String backbone;

        @Option(names = "--data", required = true, paramLabel = "DIR",
                description = "Folder with one sub-folder of images per class.")
        Path data;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "New model folder to write (must not exist, or be empty).")
        Path out;

        @Option(names = "--shots", defaultValue = "0", paramLabel = "N",
                description = "Use at most N images per class, picked at random with --seed (default: all).")
        int shots;

        @Option(names = "--seed", defaultValue = "1", description = "Seed for picking --shots images (default: 1).")
        long seed;

        @Option(names = "--name", paramLabel = "TEXT", description = "Display name (default: the folder name).")
        String name;

        @Option(names = "--format", defaultValue = "text", description = "Report: ${COMPLETION-CANDIDATES}.")
        Format format;

        @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
                converter = ClassifyCommand.DeviceConverter.class,
                description = "auto tries CUDA then the CPU (default: auto).")
        Device device;

        @Override
        public Integer call() throws Exception {
            // ONNX Runtime's first initialisation needs more than the default thread stack (see BigStack).
            return BigStack.call("vitlens-fewshot", this::train);
        }

        private Integer train() throws Exception {
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ModelInfo info;
            TrainingSet set;
            try {
                info = ModelCatalog.standard().resolve(backbone).require();
                // The folder is checked before the backbone loads, so a misnamed folder is reported at once.
                set = TrainingSet.scan(data, shots, seed);
            } catch (ModelFormatException | FewShotException e) {
                return fail(err, e.getMessage());
            }
            FewShotResult result;
            try (FeatureExtractor extractor = FeatureExtractor.open(info, RunnerOptions.on(device))) {
                ClassifyCommand.Progress progress = new ClassifyCommand.Progress(err, set.size());
                result = FewShotTrainer.train(extractor, set, (done, total, file) -> progress.step(Path.of(file)),
                        () -> false);
                progress.done();
            } catch (FewShotException | ModelLoadException | InferenceException e) {
                return fail(err, e.getMessage());
            }
            for (String w : result.warnings()) {
                err.println("warning: " + w);
            }
            try {
                FewShotModelWriter.write(result, info, out, name);
            } catch (FewShotException e) {
                return fail(err, e.getMessage());
            }
            err.flush();
            if (format == Format.json) {
                ObjectNode o = json(result);
                o.put("out", out.toString());
                stdout.println(JsonOutput.document(o));
            } else {
                text(stdout, result, info);
                stdout.println("saved " + out + "  (try: vitlens classify -m " + out + " IMAGE; add it to the"
                        + " catalogue with: vitlens import " + out + ")");
            }
            stdout.flush();
            return 0;
        }

        private static int fail(PrintWriter err, String message) {
            err.println("error: " + message);
            err.flush();
            return Cli.EXIT_USAGE;
        }
    }

    static ObjectNode json(FewShotResult r) {
        ObjectNode o = JsonOutput.object();
        o.put("backbone", r.backboneId());
        o.put("features", r.featureDescription());
        o.put("featureWidth", r.featureWidth());
        o.put("images", r.size());
        o.put("lambda", r.head().lambda());
        o.put("lambdaChosenByLeaveOneOut", r.head().chosenByLoo());
        putRatio(o, "leaveOneOutAccuracy", r.looAccuracy());
        ArrayNode classes = o.putArray("classes");
        for (int k = 0; k < r.labels().size(); k++) {
            ObjectNode c = classes.addObject();
            c.put("label", r.labels().get(k));
            c.put("images", r.count(k));
            putRatio(c, "leaveOneOutAccuracy", r.classAccuracy(k));
        }
        ArrayNode confusion = o.putArray("confusion");
        for (int[] row : r.confusion()) {
            ArrayNode a = confusion.addArray();
            for (int v : row) {
                a.add(v);
            }
        }
        ArrayNode warnings = o.putArray("warnings");
        r.warnings().forEach(warnings::add);
        o.put("featureSeconds", Math.round(r.featureSeconds() * 1000) / 1000.0);
        o.put("fitMillis", Math.round(r.fitMillis() * 100) / 100.0);
        return o;
    }

    private static void putRatio(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, Math.round(v * 10000) / 10000.0);
        }
    }

    static void text(PrintWriter out, FewShotResult r, ModelInfo backbone) {
        out.printf(Locale.ROOT, "backbone %s: %s (%d numbers per image)%n", backbone.id(), r.featureDescription(),
                r.featureWidth());
        out.printf(Locale.ROOT, "%d images, %d classes; features in %.1f s, head fitted in %.1f ms (lambda %.4g%s)%n",
                r.size(), r.labels().size(), r.featureSeconds(), r.fitMillis(), r.head().lambda(),
                r.head().chosenByLoo() ? ", chosen by leave-one-out" : ", default: no class has two images");
        double loo = r.looAccuracy();
        out.println(Double.isNaN(loo) ? "leave-one-out accuracy: not measurable (every class has one image)"
                : String.format(Locale.ROOT, "leave-one-out accuracy: %.1f%%", 100 * loo));
        int width = Math.max(5, r.labels().stream().mapToInt(String::length).max().orElse(5));
        out.printf(Locale.ROOT, "%-" + width + "s  %6s  %s%n", "class", "images", "leave-one-out");
        for (int k = 0; k < r.labels().size(); k++) {
            double a = r.classAccuracy(k);
            out.printf(Locale.ROOT, "%-" + width + "s  %6d  %s%n", r.labels().get(k), r.count(k),
                    Double.isNaN(a) ? "n/a (one image)" : String.format(Locale.ROOT, "%.1f%%", 100 * a));
        }
        out.println("confusion (rows: true class, columns: leave-one-out prediction):");
        for (int k = 0; k < r.labels().size(); k++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-" + width + "s", r.labels().get(k)));
            for (int v : r.confusion()[k]) {
                row.append(String.format(Locale.ROOT, " %4d", v));
            }
            out.println(row);
        }
    }
}
