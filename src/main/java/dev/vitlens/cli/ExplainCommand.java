package dev.vitlens.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.AnalysisEngine;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.Prediction;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.engine.method.InvalidParameterException;
import dev.vitlens.engine.method.Need;
import dev.vitlens.engine.method.Parameter;
import dev.vitlens.engine.method.ParameterValues;
import dev.vitlens.explain.Colormap;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.HeatmapRenderer;
import dev.vitlens.explain.RenderOptions;
import dev.vitlens.explain.Scaling;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.output.AtomicFiles;
import dev.vitlens.output.JsonOutput;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vitlens explain}: one image through the analysis engine, explained by a method from the registry. The
 * {@code --method} values and every method option ({@code --fusion}, {@code --window}, ...) come from
 * {@link ExplanationMethods} at runtime.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, modelTransformer = ExplainCommand.MethodOptions.class,
        description = "Explain one prediction: attention rollout, one layer's raw attention, attention flow or "
                + "occlusion sensitivity. Models exported without attention outputs get them added in a cached copy.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:explained", "1:the image or the inference failed", "2:usage or model error"})
public class ExplainCommand implements Callable<Integer> {
    enum Format { text, json }

    /** Below this short side the overlay is drawn on an enlarged copy, so 28-px images stay readable. */
    static final int MIN_OVERLAY_SIDE = 224;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = ClassifyCommand.DEFAULT_MODEL, paramLabel = "MODEL_ID|PATH",
            description = "Model id from `vitlens models`, or a model folder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--method", defaultValue = ExplanationMethods.DEFAULT, completionCandidates = MethodNames.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--colormap", paramLabel = "viridis|inferno|diverging",
            description = "Overlay colours (default: viridis; diverging for signed maps such as occlusion).")
    String colormap;

    @Option(names = "--alpha", defaultValue = "0.5", description = "Overlay opacity 0-1 (default: 0.5).")
    float alpha;

    @Option(names = "--grid", description = "Draw the patch grid on the overlay.")
    boolean gridLines;

    @Option(names = "--out", paramLabel = "OVERLAY.png", description = "Write the heatmap over the image as PNG.")
    Path out;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--dump-attentions", paramLabel = "FILE.json",
            description = "Write the attentions used, {\"layers\": [layer][head][T][T]}.")
    Path dumpAttentions;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            converter = ClassifyCommand.DeviceConverter.class, description = "auto tries CUDA then the CPU.")
    Device device;

    @Option(names = "--threads", description = "Intra-op threads (default: available processors).")
    Integer threads;

    @Parameters(arity = "1", paramLabel = "IMAGE", description = "The image to explain.")
    Path image;

    /** The registry's method names, for {@code --method}'s help and shell completion. */
    static final class MethodNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ExplanationMethods.all().stream().map(ExplanationMethod::name).iterator();
        }
    }

    /** Adds one {@code --name} option per registered method parameter, with its syntax, default and help. */
    static final class MethodOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            for (Parameter p : ExplanationMethods.allParameters()) {
                command.addOption(OptionSpec.builder("--" + p.name()).paramLabel(p.type()).type(String.class)
                        .description(help(p)).build());
            }
            return command;
        }

        /** The method options the user gave on {@code spec}'s command line, by parameter name. */
        static ParameterValues given(CommandSpec spec) {
            Map<String, String> given = new LinkedHashMap<>();
            for (Parameter p : ExplanationMethods.allParameters()) {
                OptionSpec option = spec.findOption("--" + p.name());
                if (option != null && option.getValue() != null) {
                    given.put(p.name(), option.getValue());
                }
            }
            return ParameterValues.of(given);
        }

        /** The parameter's help with its default, as the other options say it: "... (default: 16)." */
        static String help(Parameter p) {
            if (p.defaultValue() == null) {
                return p.help();
            }
            String text = p.help().endsWith(".") ? p.help().substring(0, p.help().length() - 1) : p.help();
            return text + " (default: " + p.defaultValue() + ").";
        }
    }

    /** Everything computed, for the text and JSON reports. */
    record Report(ModelInfo info, String method, String deviceId, boolean derivedModel, List<Prediction> top, HeatGrid grid,
                  Map<String, Object> settings, Map<String, Double> timingsMs) {
    }

    @Override
    public Integer call() throws Exception {
        return dev.vitlens.inference.BigStack.call("vitlens-explain", this::explain);
    }

    private Integer explain() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ExplanationMethod chosen = chosenMethod();
        ParameterValues values = MethodOptions.given(spec);
        RenderOptions render = checkOptions(chosen, values);
        ModelInfo info;
        try {
            info = ModelCatalog.standard().resolve(model).require();
        } catch (ModelFormatException e) {
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        }
        RunnerOptions options = RunnerOptions.on(device);
        if (threads != null) {
            options = options.withThreads(Math.max(1, threads), 1);
        }

        long t0 = System.nanoTime();
        RgbImage decoded;
        try {
            decoded = ImageDecoder.decode(image, Preprocessor.forModel(info).neededShortSide()).image();
        } catch (ImageDecodeException e) {
            return fail(err, e.getMessage(), Cli.EXIT_SOME_FAILED);
        }
        double decodeMs = ms(t0, System.nanoTime());

        if (chosen.needs(Need.SCORER) && !info.hasClassifier()) {
            return fail(err, chosen.name() + " needs class scores but model \"" + info.id() + "\" has no"
                    + " classification head; use --method " + attentionMethods() + " (attentions only)", Cli.EXIT_USAGE);
        }
        boolean attentions = chosen.needs(Need.ATTENTIONS);
        AnalysisEngine engine = AnalysisEngine.standard(options);
        Map<String, Double> timings = new LinkedHashMap<>();
        Analysis analysis;
        Explanation explanation;
        String deviceId;
        boolean derived;
        try (ModelSession session = engine.open(info, attentions ? AnalysisEngine.AttentionOutputs.REQUIRED
                : AnalysisEngine.AttentionOutputs.AS_EXPORTED)) {
            deviceId = session.runner().device().id();
            derived = session.attentionsAdded();
            session.runner().fallbackReason().ifPresent(reason ->
                    err.println("note: CUDA unavailable (" + reason + "); running on the CPU"));
            err.flush();
            analysis = session.analyse(decoded, 5, attentions);
            explanation = session.explain(analysis, chosen, values, () -> false);
            timings.put("decode", decodeMs);
            timings.put("preprocess", analysis.preprocessMillis());
            if (derived) {
                timings.put("attention_outputs", session.deriveMillis());
            }
            timings.put("load", session.loadMillis());
            timings.put("inference", analysis.inferenceMillis());
            timings.put("explain", explanation.millis());
        } catch (ModelLoadException e) {
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        } catch (InferenceException e) {
            return fail(err, e.getMessage(), Cli.EXIT_SOME_FAILED);
        } catch (InvalidParameterException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        } catch (IllegalArgumentException e) {
            // e.g. a query the model cannot answer ("dist" on a ViT), a patch outside the grid
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        }
        if (dumpAttentions != null) {
            long d0 = System.nanoTime();
            writeAtomically(dumpAttentions, JsonOutput.lineBytes(Map.of("layers", analysis.attentions())));
            timings.put("dump", ms(d0, System.nanoTime()));
        }
        if (out != null) {
            long r0 = System.nanoTime();
            HeatmapRenderer.writePng(renderOverlay(decoded, Preprocessor.forModel(info), explanation.grid(), render), out);
            timings.put("render", ms(r0, System.nanoTime()));
        }
        Report report = new Report(info, chosen.name(), deviceId, derived, analysis.top(), explanation.grid(),
                explanation.settings(), timings);
        PrintWriter stdout = spec.commandLine().getOut();
        if (format == Format.json) {
            stdout.println(json(report));
        } else {
            text(stdout, report);
        }
        stdout.flush();
        return 0;
    }

    private ExplanationMethod chosenMethod() {
        return ExplanationMethods.find(method).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--method " + method + " is unknown: expected " + ExplanationMethods.names(ExplanationMethods.all())));
    }


    /** Checks everything that needs no model, so usage errors come before loading it. */
    private RenderOptions checkOptions(ExplanationMethod chosen, ParameterValues values) {
        try {
            chosen.validate(values);
        } catch (InvalidParameterException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        try {
            if (!chosen.needs(Need.ATTENTIONS) && dumpAttentions != null) {
                throw new IllegalArgumentException("--dump-attentions needs --method " + attentionMethods());
            }
            if (out != null && !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw new IllegalArgumentException("--out writes PNG; give a file name ending in .png");
            }
            Colormap map = colormap != null ? Colormap.parse(colormap)
                    : chosen.signed() ? Colormap.DIVERGING : Colormap.VIRIDIS;
            // Signed maps (occlusion drops: occluding can help) centre 0 on the middle colour.
            Scaling scaling = chosen.signed() ? Scaling.ZERO_CENTERED : Scaling.MIN_MAX;
            return new RenderOptions(map, scaling, alpha, gridLines, 0x80FFFFFF);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** "rollout or attention": the methods that explain from attentions alone. */
    private static String attentionMethods() {
        return String.join(" or ", ExplanationMethods.all().stream().filter(m -> m.needs(Need.ATTENTIONS))
                .map(ExplanationMethod::name).toList());
    }

    /**
     * The heatmap over the original image, on the region the model saw (after resize and centre crop). Tiny images
     * are enlarged first (nearest neighbour) so the overlay is legible; if the crop padded the image, the overlay
     * goes on the model's input image instead.
     */
    static BufferedImage renderOverlay(RgbImage original, Preprocessor preprocessor, HeatGrid grid, RenderOptions options) {
        BufferedImage base;
        Rectangle region;
        if (ImageRegion.cropPads(preprocessor.config(), original.height(), original.width())) {
            base = preprocessor.resizeAndCrop(original).toBufferedImage();
            region = new Rectangle(0, 0, base.getWidth(), base.getHeight());
        } else {
            base = original.toBufferedImage();
            region = ImageRegion.seenBy(preprocessor.config(), original.height(), original.width())
                    .toPixels(base.getWidth(), base.getHeight());
        }
        int scale = Math.max(1, (int) Math.ceil((double) MIN_OVERLAY_SIDE / Math.min(base.getWidth(), base.getHeight())));
        if (scale > 1) {
            BufferedImage big = new BufferedImage(base.getWidth() * scale, base.getHeight() * scale, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = big.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
                g.drawImage(base, 0, 0, big.getWidth(), big.getHeight(), null);
            } finally {
                g.dispose();
            }
            base = big;
            region = new Rectangle(region.x * scale, region.y * scale, region.width * scale, region.height * scale);
        }
        return HeatmapRenderer.overlay(base, grid, region, options);
    }

    static String json(Report r) throws IOException {
        ObjectNode o = JsonOutput.object();
        o.put("model", r.info().id());
        o.put("device", r.deviceId());
        o.put("method", r.method());
        o.put("attentions_added", r.derivedModel());
        o.putArray("grid").add(r.grid().height()).add(r.grid().width());
        o.put("prefix_tokens", r.info().layout().prefixTokens());
        ArrayNode heat = o.putArray("heatmap");
        for (float v : r.grid().values()) {
            heat.add(v);
        }
        ArrayNode top = o.putArray("top");
        for (Prediction p : r.top()) {
            top.addObject().put("label", p.label()).put("index", p.index()).put("score", p.score());
        }
        o.set("settings", JsonOutput.tree(r.settings()));
        ObjectNode t = o.putObject("timings_ms");
        r.timingsMs().forEach((k, v) -> t.put(k, Math.round(v * 1000) / 1000.0));
        return JsonOutput.document(o);
    }

    static void text(PrintWriter out, Report r) {
        ModelInfo info = r.info();
        out.printf(Locale.ROOT, "model: %s (%s, %s)%s%n", info.id(), info.family().displayName(), r.deviceId(),
                r.derivedModel() ? ", attention outputs added in a cached copy" : "");
        StringBuilder top = new StringBuilder();
        for (Prediction p : r.top()) {
            top.append(top.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s %.3f", p.label(), p.score()));
        }
        out.println("top: " + (r.top().isEmpty() ? "none (no classification head)" : top));
        StringBuilder settings = new StringBuilder();
        r.settings().forEach((k, v) -> settings.append(settings.length() > 0 ? ", " : "").append(k).append(' ').append(v));
        out.println("method: " + r.method() + " (" + settings + ")");
        HeatGrid grid = r.grid();
        out.printf(Locale.ROOT, "heatmap %dx%d, min %.4g, max %.4g (shown scaled to 0-9):%n", grid.height(),
                grid.width(), grid.min(), grid.max());
        if (grid.width() <= 40) {
            HeatGrid n = grid.normalized();
            for (int row = 0; row < grid.height(); row++) {
                StringBuilder line = new StringBuilder("  ");
                for (int col = 0; col < grid.width(); col++) {
                    line.append(Math.min(9, (int) (n.at(row, col) * 10))).append(' ');
                }
                out.println(line.toString().stripTrailing());
            }
        }
        StringBuilder patches = new StringBuilder();
        for (int i : grid.topIndices(5)) {
            patches.append(patches.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "(%d,%d) %.4g",
                    i / grid.width(), i % grid.width(), grid.values()[i]));
        }
        out.println("strongest patches (row,col): " + patches);
        StringBuilder t = new StringBuilder();
        r.timingsMs().forEach((k, v) -> t.append(t.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s %.1f", k, v)));
        out.println("timings ms: " + t);
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        AtomicFiles.write(target, bytes);
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("error: " + message);
        err.flush();
        return code;
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }
}
