package dev.vitlens.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.AnalysisEngine;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.engine.method.InvalidParameterException;
import dev.vitlens.engine.method.Need;
import dev.vitlens.engine.method.ParameterValues;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.metrics.Baseline;
import dev.vitlens.metrics.Faithfulness;
import dev.vitlens.metrics.MeanInterval;
import dev.vitlens.metrics.PerturbationCurves;
import dev.vitlens.output.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vitlens faithfulness}: how faithful each explanation method's heatmap is to the model, by the deletion and
 * insertion curves of {@link dev.vitlens.metrics}, against a random ranking, over a set of images. Method options
 * ({@code --fusion}, {@code --discard}, ...) come from the registry as in {@code vitlens explain} and apply to every
 * listed method that declares them.
 */
@Command(name = "faithfulness", mixinStandardHelpOptions = true, modelTransformer = ExplainCommand.MethodOptions.class,
        description = "Deletion and insertion AUC (RISE) of explanation methods over images, with a random-ranking "
                + "baseline and 95% confidence intervals. Deletion: lower is better; insertion: higher is better.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image was measured", "1:some images could not be read or run",
                "2:usage or model error"})
public class FaithfulnessCommand implements Callable<Integer> {
    enum Format { text, json }

    /** Progress lines on stderr at most this often. */
    static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = ClassifyCommand.DEFAULT_MODEL, paramLabel = "MODEL_ID|PATH",
            description = "Model id from `vitlens models`, or a model folder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--methods", defaultValue = "rollout,attention,occlusion,random", paramLabel = "M1,M2,...",
            description = "Registered methods and `random`, comma-separated (default: ${DEFAULT-VALUE}).")
    String methods;

    @Option(names = "--steps", defaultValue = "20", paramLabel = "N",
            description = "Steps from no patch to all patches, at most the patch count (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--baseline", defaultValue = "blur", paramLabel = "blur|mean|zero",
            description = "What deleted patches become and insertion starts from (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--sigma", paramLabel = "PX",
            description = "Blur sigma in model-input pixels (default: one patch side).")
    Double sigma;

    @Option(names = "--seeds", defaultValue = "5", paramLabel = "N",
            description = "Random rankings averaged per image for `random` (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N",
            description = "Perturbed images per inference call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--limit", paramLabel = "N", description = "Measure only the first N images (sorted by path).")
    Integer limit;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            converter = ClassifyCommand.DeviceConverter.class, description = "auto tries CUDA then the CPU.")
    Device device;

    @Option(names = "--threads", description = "Intra-op threads (default: available processors).")
    Integer threads;

    @Parameters(arity = "1..*", paramLabel = "IMAGES|DIR", description = "Image files and folders (recursive).")
    List<Path> paths;

    /** One method's per-image values, or why it could not run. */
    static final class MethodReport {
        final String name;
        final List<String> files = new ArrayList<>();
        final List<Double> deletion = new ArrayList<>();
        final List<Double> insertion = new ArrayList<>();
        String unavailable;

        MethodReport(String name) {
            this.name = name;
        }

        MeanInterval deletionSummary() {
            return MeanInterval.of(deletion.stream().mapToDouble(Double::doubleValue).toArray());
        }

        MeanInterval insertionSummary() {
            return MeanInterval.of(insertion.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    /** Everything measured, for the reports. */
    record Report(String model, int images, int steps, Baseline baseline, double sigma, int seeds, int batch,
                  Map<String, MethodReport> methods, List<Target> targets, List<String[]> errors,
                  double totalMillis) {
    }

    /** Per image: the class the curves track, its probability, and what the baseline image leaves of it. */
    record Target(String file, int index, String label, double probability, double baselineProbability) {
    }

    @Override
    public Integer call() throws Exception {
        return dev.vitlens.inference.BigStack.call("vitlens-faithfulness", this::measure);
    }

    private Integer measure() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        // Usage checks first: nothing is loaded for a typo.
        List<String> names = new ArrayList<>();
        for (String n : methods.split(",")) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !names.contains(name)) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            return fail(err, "--methods is empty: give e.g. rollout,attention,occlusion,random");
        }
        for (String name : names) {
            if (!name.equals(Faithfulness.RANDOM) && ExplanationMethods.find(name).isEmpty()) {
                return fail(err, "unknown method '" + name + "' in --methods: expected "
                        + ExplanationMethods.names(ExplanationMethods.all()) + " or " + Faithfulness.RANDOM);
            }
        }
        Baseline base;
        try {
            base = Baseline.parse(baseline);
        } catch (IllegalArgumentException e) {
            return fail(err, "--baseline: " + e.getMessage());
        }
        if (steps < 1 || seeds < 1 || batch < 1 || (limit != null && limit < 1)) {
            return fail(err, "--steps, --seeds, --batch and --limit must be at least 1");
        }
        if (sigma != null && !(sigma > 0 && Double.isFinite(sigma))) {
            return fail(err, "--sigma must be a positive number of pixels, got " + sigma);
        }
        ParameterValues values = ExplainCommand.MethodOptions.given(spec);
        List<Faithfulness.Candidate> candidates = new ArrayList<>();
        for (String name : names) {
            if (name.equals(Faithfulness.RANDOM)) {
                candidates.add(new Faithfulness.RandomCandidate(seeds));
                continue;
            }
            ExplanationMethod method = ExplanationMethods.get(name);
            ParameterValues own = ownValues(method, values);
            try {
                method.validate(own);
            } catch (InvalidParameterException e) {
                return fail(err, name + ": --" + e.getMessage());
            }
            candidates.add(new Faithfulness.MethodCandidate(method, own));
        }

        ModelInfo info;
        try {
            info = ModelCatalog.standard().resolve(model).require();
        } catch (ModelFormatException e) {
            return fail(err, e.getMessage());
        }
        if (!info.hasClassifier()) {
            return fail(err, "faithfulness tracks class probabilities, and model \"" + info.id()
                    + "\" has no classification head");
        }
        List<ImageFiles.Item> items = ImageFiles.expand(paths);
        if (limit != null && items.size() > limit) {
            items = items.subList(0, limit);
        }
        if (items.isEmpty()) {
            return fail(err, "no image files found in " + paths);
        }

        RunnerOptions options = RunnerOptions.on(device);
        if (threads != null) {
            options = options.withThreads(Math.max(1, threads), 1);
        }
        boolean wantsAttentions = candidates.stream().anyMatch(c -> c instanceof Faithfulness.MethodCandidate m
                && m.method().needs(Need.ATTENTIONS));
        Map<String, MethodReport> reports = new LinkedHashMap<>();
        names.forEach(n -> reports.put(n, new MethodReport(n)));
        List<String[]> errors = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        int measured = 0;
        int usedSteps = Math.min(steps, info.layout().patches());
        double usedSigma = sigma != null ? sigma : info.layout().patchSize();
        long start = System.nanoTime();
        try (ModelSession session = AnalysisEngine.standard(options).open(info, wantsAttentions
                ? AnalysisEngine.AttentionOutputs.IF_POSSIBLE : AnalysisEngine.AttentionOutputs.AS_EXPORTED)) {
            session.runner().fallbackReason().ifPresent(reason ->
                    err.println("note: CUDA unavailable (" + reason + "); running on the CPU"));
            if (usedSteps < steps) {
                err.println("note: " + info.id() + " has " + info.layout().patches() + " patches; using "
                        + usedSteps + " steps");
            }
            // A model without attentions: say so once, measure the rest.
            List<Faithfulness.Candidate> runnable = new ArrayList<>();
            for (Faithfulness.Candidate c : candidates) {
                if (c instanceof Faithfulness.MethodCandidate m && m.method().needs(Need.ATTENTIONS)
                        && !session.givesAttentions()) {
                    reports.get(c.name()).unavailable = m.method().title() + " needs attention maps: "
                            + session.noAttentionsReason();
                } else {
                    runnable.add(c);
                }
            }
            err.flush();
            PerturbationCurves.Options curveOptions = new PerturbationCurves.Options(usedSteps, base, usedSigma,
                    batch);
            int neededSide = Preprocessor.forModel(info).neededShortSide();
            long lastProgress = System.nanoTime();
            for (int i = 0; i < items.size(); i++) {
                ImageFiles.Item item = items.get(i);
                if (item.error() != null) {
                    errors.add(new String[] {item.path().toString(), item.error()});
                    continue;
                }
                try {
                    RgbImage image = ImageDecoder.decode(item.path(), neededSide).image();
                    Analysis analysis = session.analyse(image, 1, session.givesAttentions() && wantsAttentions);
                    Faithfulness.ImageResult r = Faithfulness.evaluate(session, analysis, runnable, curveOptions, i,
                            null);
                    for (Faithfulness.Outcome o : r.outcomes().values()) {
                        MethodReport report = reports.get(o.name());
                        if (o.available()) {
                            report.files.add(item.path().toString());
                            report.deletion.add(o.curves().deletionAuc());
                            report.insertion.add(o.curves().insertionAuc());
                        } else if (report.unavailable == null) {
                            report.unavailable = o.unavailable();
                        }
                    }
                    targets.add(new Target(item.path().toString(), r.targetClass(), r.targetLabel(), r.probability(),
                            r.baselineProbability()));
                    measured++;
                } catch (ImageDecodeException | InferenceException e) {
                    errors.add(new String[] {item.path().toString(), e.getMessage()});
                } catch (RuntimeException e) {
                    // One bad file must not end a long run.
                    errors.add(new String[] {item.path().toString(), "unexpected error: " + Cli.messageOf(e)});
                }
                long now = System.nanoTime();
                if (now - lastProgress >= PROGRESS_EVERY_NANOS && i + 1 < items.size()) {
                    lastProgress = now;
                    double perImage = (now - start) / 1e9 / (i + 1);
                    err.printf(Locale.ROOT, "faithfulness: %d/%d images, %.2f s/image, about %.0f s left%n", i + 1,
                            items.size(), perImage, perImage * (items.size() - i - 1));
                    err.flush();
                }
            }
        } catch (ModelLoadException e) {
            return fail(err, e.getMessage());
        }
        double totalMillis = (System.nanoTime() - start) / 1e6;
        err.printf(Locale.ROOT, "faithfulness: %d images in %.1f s (%.3f s/image)%n", measured, totalMillis / 1000,
                measured == 0 ? 0 : totalMillis / 1000 / measured);
        for (String[] e : errors) {
            err.println("error: " + e[1]);
        }
        err.flush();

        Report report = new Report(info.id(), measured, usedSteps, base, usedSigma, seeds, batch, reports, targets,
                errors, totalMillis);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(json(report));
        } else {
            text(out, report);
        }
        out.flush();
        return errors.isEmpty() ? 0 : Cli.EXIT_SOME_FAILED;
    }


    /** Only the values {@code method} declares: {@code --head 2} is raw attention's and must not reach rollout. */
    static ParameterValues ownValues(ExplanationMethod method, ParameterValues all) {
        Map<String, String> own = new LinkedHashMap<>();
        all.given().forEach((k, v) -> {
            if (method.parameter(k).isPresent()) {
                own.put(k, v);
            }
        });
        return ParameterValues.of(own);
    }

    static String json(Report r) throws Exception {
        ObjectNode o = JsonOutput.object();
        o.put("model", r.model());
        o.put("images", r.images());
        o.put("steps", r.steps());
        o.put("baseline", r.baseline().label());
        if (r.baseline() == Baseline.BLUR) {
            o.put("blur_sigma_px", r.sigma());
        }
        o.put("batch", r.batch());
        o.put("ci95", "t-distribution over images");
        ObjectNode methods = o.putObject("methods");
        for (MethodReport m : r.methods().values()) {
            ObjectNode node = methods.putObject(m.name);
            if (m.deletion.isEmpty()) {
                node.put("unavailable", m.unavailable != null ? m.unavailable : "no image could be measured");
                continue;
            }
            MeanInterval del = m.deletionSummary();
            MeanInterval ins = m.insertionSummary();
            node.put("deletion_auc", del.mean());
            node.put("insertion_auc", ins.mean());
            putInterval(node, "deletion_ci95", del);
            putInterval(node, "insertion_ci95", ins);
            node.put("images", m.deletion.size());
            if (m.name.equals(Faithfulness.RANDOM)) {
                node.put("seeds", r.seeds());
            }
            if (m.unavailable != null) {
                node.put("unavailable_on_some_images", m.unavailable);
            }
            ArrayNode per = node.putArray("per_image");
            for (int i = 0; i < m.deletion.size(); i++) {
                per.addObject().put("file", m.files.get(i)).put("deletion_auc", m.deletion.get(i))
                        .put("insertion_auc", m.insertion.get(i));
            }
        }
        // A baseline that leaves the target's probability high makes flat curves: the reader should see it.
        ArrayNode targets = o.putArray("targets");
        for (Target t : r.targets()) {
            targets.addObject().put("file", t.file()).put("class", t.index()).put("label", t.label())
                    .put("probability", t.probability()).put("baseline_probability", t.baselineProbability());
        }
        if (!r.errors().isEmpty()) {
            ArrayNode errors = o.putArray("errors");
            for (String[] e : r.errors()) {
                errors.addObject().put("file", e[0]).put("error", e[1]);
            }
        }
        ObjectNode t = o.putObject("timings_ms");
        t.put("total", Math.round(r.totalMillis()));
        t.put("per_image", r.images() == 0 ? 0 : Math.round(r.totalMillis() / r.images() * 10) / 10.0);
        return JsonOutput.document(o);
    }

    /** [lo, hi], or null when fewer than two images give no interval. */
    private static void putInterval(ObjectNode node, String key, MeanInterval m) {
        if (m.hasInterval()) {
            node.putArray(key).add(m.lo()).add(m.hi());
        } else {
            node.putNull(key);
        }
    }

    static void text(PrintWriter out, Report r) {
        out.printf(Locale.ROOT, "faithfulness of %s on %d image(s): %d steps, baseline %s%s%s%n",
                r.model(), r.images(), r.steps(), r.baseline().label(), r.baseline() == Baseline.BLUR
                        ? String.format(Locale.ROOT, " (sigma %.3g px)", r.sigma()) : "",
                r.methods().containsKey(Faithfulness.RANDOM)
                        ? String.format(Locale.ROOT, ", random over %d seed(s)", r.seeds()) : "");
        out.println("mean AUC [95% CI, t-distribution]; deletion: lower is better, insertion: higher is better");
        int width = Math.max(8, r.methods().keySet().stream().mapToInt(String::length).max().orElse(8));
        String row = "%-" + width + "s  %-24s  %s";
        out.println(String.format(Locale.ROOT, row, "method", "deletion AUC", "insertion AUC"));
        for (MethodReport m : r.methods().values()) {
            if (m.deletion.isEmpty()) {
                out.printf(Locale.ROOT, "%-" + width + "s  unavailable: %s%n", m.name,
                        m.unavailable != null ? m.unavailable : "no image could be measured");
                continue;
            }
            out.println(String.format(Locale.ROOT, row, m.name, cell(m.deletionSummary()),
                    cell(m.insertionSummary())));
        }
    }

    private static String cell(MeanInterval m) {
        return m.hasInterval() ? String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", m.mean(), m.lo(), m.hi())
                : String.format(Locale.ROOT, "%.3f", m.mean());
    }

    private static int fail(PrintWriter err, String message) {
        err.println("error: " + message);
        err.flush();
        return Cli.EXIT_USAGE;
    }
}
