package dev.vitlens.bench;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.output.JsonOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vitlens bench}: per-stage timings, throughput, our pipeline vs bare ORT, optionally peer runtimes. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark the pipeline stage by stage (decode, preprocess, inference with and without "
                + "attentions, rollout, overlay), throughput at several batch sizes, end to end vs a bare ONNX "
                + "Runtime session.run of the same session, and optionally peer runtimes (PyTorch eager, "
                + "transformers.js) on the same model and image.",
                "Without -m: every available bundled model plus the ViT-B/16-shaped graph (" + ExportShapes.ALIAS
                        + ", generated on demand with models/recipes/export_shapes.py)."})
public class BenchCommand implements Callable<Integer> {
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL_ID|PATH|" + ExportShapes.ALIAS,
            description = "Model(s) to measure (repeatable).")
    List<String> models;

    @Option(names = "--iterations", defaultValue = "30", description = "Timed runs per stage (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32", description = "Batch sizes for throughput.")
    List<Integer> batches;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--peers", description = "Also run the peer runtimes (src/bench/peers), each in its own process.")
    boolean peers;

    @Option(names = "--peers-dir", defaultValue = "src/bench/peers", description = "Peer scripts folder.")
    Path peersDir;

    @Option(names = "--recipes", defaultValue = "models/recipes",
            description = "PyTorch model recipes for the PyTorch peer (default: ${DEFAULT-VALUE}).")
    Path recipes;

    @Option(names = "--image", description = "PNG to use for every model (default: the model's first sample, "
            + "else a synthetic 320x240 PNG).")
    Path image;

    @Option(names = "--device", defaultValue = "cpu", converter = DeviceConverter.class,
            description = "cpu (default), cuda or auto.")
    Device device;

    @Option(names = "--threads", description = "Intra-op threads (default: available processors).")
    Integer threads;

    @Option(names = "--skip-output-check",
            description = "Skip comparing outputs with ONNX Runtime's graph optimisations off.")
    boolean skipOutputCheck;

    @Option(names = "--json-out", description = "Also write the JSON report to this file.")
    Path jsonOut;

    @Option(names = "--plot", description = "Also draw the stage breakdown as a PNG.")
    Path plot;

    @Option(names = "--int8", description = "Also measure the INT8 option (dynamic quantisation of the weight "
            + "MatMuls) and its accuracy change on the Fashion-MNIST test set for the fashion models.")
    boolean int8;

    @Option(names = "--accuracy-data", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Fashion-MNIST idx gz folder (default: ${DEFAULT-VALUE}).")
    Path accuracyData;

    @Option(names = "--accuracy-images", defaultValue = "10000", description = "Test images for --int8 accuracy.")
    int accuracyImages;

    @Option(names = "--work-dir", description = "Where derived graphs and the synthetic image are cached "
            + "(default: <cache>/bench).")
    Path workDir;

    @Option(names = "--note", defaultValue = "", description = "Conditions to record with the results.")
    String note;

    static final class DeviceConverter implements picocli.CommandLine.ITypeConverter<Device> {
        @Override
        public Device convert(String value) {
            return Device.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (iterations < 1 || warmup < 0 || batches.stream().anyMatch(b -> b < 1)) {
            throw new ParameterException(spec.commandLine(), "--iterations, --batches must be >= 1, --warmup >= 0");
        }
        RunnerOptions options = RunnerOptions.on(device);
        if (threads != null) {
            options = options.withThreads(Math.max(1, threads), 1);
        }
        List<ModelInfo> infos = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        try {
            resolveModels(infos, kinds, err);
        } catch (ModelFormatException | IOException | dev.vitlens.inference.ModelLoadException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return dev.vitlens.cli.Cli.EXIT_USAGE;
        }
        Path work = workDir != null ? workDir : dev.vitlens.inference.OrtNatives.cacheRoot().resolve("bench");
        Harness harness = new Harness(warmup, iterations);
        ModelBench bench = new ModelBench(harness, options, batches, !skipOutputCheck, work, int8, accuracyData,
                accuracyImages, err);
        List<ModelResult> results = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            ModelInfo info = infos.get(i);
            Path png = image != null ? image.toAbsolutePath() : BenchImages.forModel(info, work).toAbsolutePath();
            ModelResult r = bench.run(info, png);
            if (peers) {
                PeerRunner runner = new PeerRunner(peersDir, recipes, warmup, iterations, options.intraOpThreads(),
                        err);
                r = r.withPeers(runner.run(r, kinds.get(i)));
            }
            results.add(r);
        }
        BenchReport report = new BenchReport(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Machine.cpuName(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), Machine.ortVersion(),
                warmup, iterations, note, results);
        String jsonText = JsonOutput.document(report);
        if (jsonOut != null) {
            Files.writeString(jsonOut, jsonText + System.lineSeparator());
        }
        if (plot != null) {
            StagePlot.write(report, plot);
        }
        if (format == Format.json) {
            out.println(jsonText);
        } else {
            out.print(TextReport.render(report));
        }
        out.flush();
        return 0;
    }

    private void resolveModels(List<ModelInfo> infos, List<String> kinds, PrintWriter err)
            throws ModelFormatException, IOException, dev.vitlens.inference.ModelLoadException {
        ModelCatalog catalog = ModelCatalog.standard();
        List<String> wanted = models;
        if (wanted == null || wanted.isEmpty()) {
            wanted = new ArrayList<>();
            for (ModelCatalog.Entry e : catalog.list()) {
                if (e.source() == ModelCatalog.Source.BUNDLED && e.available()) {
                    wanted.add(e.id());
                }
            }
            wanted.add(ExportShapes.ALIAS);
        }
        for (String m : wanted) {
            if (m.equals(ExportShapes.ALIAS)) {
                infos.add(ModelCatalog.byPath(ExportShapes.vitB16(err)).require());
                kinds.add("shape:" + ExportShapes.VIT_B16);
            } else {
                ModelCatalog.Entry e = catalog.resolve(m);
                infos.add(e.require());
                kinds.add(e.source() == ModelCatalog.Source.BUNDLED ? "bundled" : ExportShapes.kindOf(e.dir()));
            }
        }
        ModelRunner.sharedEnvironment(); // fail early with a clear message if ONNX Runtime cannot start
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
    }
}
