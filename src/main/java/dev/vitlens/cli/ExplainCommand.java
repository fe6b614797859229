package dev.vitlens.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.AttentionRollout;
import dev.vitlens.explain.Colormap;
import dev.vitlens.explain.HeadFusion;
import dev.vitlens.explain.HeadSelection;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.HeatmapRenderer;
import dev.vitlens.explain.OcclusionSensitivity;
import dev.vitlens.explain.Query;
import dev.vitlens.explain.RawAttention;
import dev.vitlens.explain.RenderOptions;
import dev.vitlens.explain.Scaling;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.Prediction;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.inference.Scores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
import java.nio.FloatBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vitlens explain}: attention rollout, raw attention or occlusion sensitivity for one image. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain one prediction: attention rollout, one layer's raw attention, or occlusion "
                + "sensitivity. Models exported without attention outputs get them added in a cached copy.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:explained", "1:the image or the inference failed", "2:usage or model error"})
public class ExplainCommand implements Callable<Integer> {
    enum Method { rollout, attention, occlusion }

    enum Format { text, json }

    /** Below this short side the overlay is drawn on an enlarged copy, so 28-px images stay readable. */
    static final int MIN_OVERLAY_SIDE = 224;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = ClassifyCommand.DEFAULT_MODEL, paramLabel = "MODEL_ID|PATH",
            description = "Model id from `vitlens models`, or a model folder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--method", defaultValue = "rollout", description = "${COMPLETION-CANDIDATES} (default: rollout).")
    Method method;

    @Option(names = "--fusion", defaultValue = "mean", paramLabel = "mean|max|min",
            description = "How rollout fuses the heads of a layer (default: mean).")
    String fusion;

    @Option(names = "--discard", defaultValue = "0", paramLabel = "0.0-0.99",
            description = "Rollout: fraction of the weakest patch-to-patch attentions dropped per layer (default: 0).")
    double discard;

    @Option(names = "--query", defaultValue = "auto", paramLabel = "auto|cls|dist|cls+dist|mean|patch:N",
            description = "Query token(s); auto = CLS (ViT), CLS+DIST (DeiT), mean of patches (BEiT).")
    String query;

    @Option(names = "--layer", paramLabel = "N", description = "Raw attention: layer, 0-based (default: last).")
    Integer layer;

    @Option(names = "--head", defaultValue = "mean", paramLabel = "N|mean|max|min",
            description = "Raw attention: a head index or a fusion of all heads (default: mean).")
    String head;

    @Option(names = "--window", defaultValue = "1", paramLabel = "K",
            description = "Occlusion: window side in patches (default: 1).")
    int window;

    @Option(names = "--stride", paramLabel = "S", description = "Occlusion: window step in patches (default: window).")
    Integer stride;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "B",
            description = "Occlusion: images per inference call (default: 16).")
    int batchSize;

    @Option(names = "--target", paramLabel = "CLASS",
            description = "Occlusion: class index to explain (default: the top class).")
    Integer target;

    @Option(names = "--colormap", paramLabel = "viridis|inferno|diverging",
            description = "Overlay colours (default: viridis; diverging for occlusion).")
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
        Settings s = parseSettings();
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
        Map<String, Double> timings = new LinkedHashMap<>();

        long t0 = System.nanoTime();
        Preprocessor preprocessor = Preprocessor.forModel(info);
        RgbImage decoded;
        try {
            decoded = ImageDecoder.decode(image, preprocessor.neededShortSide()).image();
        } catch (ImageDecodeException e) {
            return fail(err, e.getMessage(), Cli.EXIT_SOME_FAILED);
        }
        long t1 = System.nanoTime();
        float[] pixels = preprocessor.toArray(decoded);
        long t2 = System.nanoTime();
        timings.put("decode", ms(t0, t1));
        timings.put("preprocess", ms(t1, t2));

        TokenLayout layout = info.layout();
        Family family = info.family();
        HeatGrid grid;
        List<Prediction> top;
        boolean derived = false;
        String deviceId;
        Map<String, Object> settings = new LinkedHashMap<>();
        try {
            ModelInfo runnable = info;
            if (method == Method.occlusion && !info.hasClassifier()) {
                return fail(err, "occlusion needs class scores but model \"" + info.id() + "\" has no"
                        + " classification head; use --method rollout or raw (attentions only)", Cli.EXIT_USAGE);
            }
            if (method != Method.occlusion) {
                long c0 = System.nanoTime();
                AttentionModelCache.Resolved resolved = AttentionModelCache.standard().withAttentions(info);
                runnable = resolved.model();
                derived = resolved.derived();
                if (derived) {
                    timings.put("attention_outputs", ms(c0, System.nanoTime()));
                }
            }
            long l0 = System.nanoTime();
            try (ModelRunner runner = ModelRunner.open(runnable, options)) {
                timings.put("load", ms(l0, System.nanoTime()));
                deviceId = runner.device().id();
                runner.fallbackReason().ifPresent(reason ->
                        err.println("note: CUDA unavailable (" + reason + "); running on the CPU"));
                err.flush();
                long i0 = System.nanoTime();
                if (method == Method.occlusion) {
                    float[][] logits = runner.logits(new float[][] {pixels});
                    timings.put("inference", ms(i0, System.nanoTime()));
                    top = Scores.topK(Scores.softmax(logits[0]), info.labels(), 5);
                    int targetClass = target != null ? target : top.get(0).index();
                    if (targetClass < 0 || targetClass >= info.labels().size()) {
                        throw new ParameterException(spec.commandLine(), "--target " + targetClass + " is outside 0.."
                                + (info.labels().size() - 1));
                    }
                    long e0 = System.nanoTime();
                    OcclusionSensitivity.Result r = OcclusionSensitivity.compute(pixels, 3, info.inputHeight(),
                            info.inputWidth(), layout, inputs -> score(runner, inputs), targetClass,
                            new OcclusionSensitivity.Options(window, stride != null ? stride : window, batchSize,
                                    OcclusionSensitivity.ScoreKind.LOGITS));
                    timings.put("explain", ms(e0, System.nanoTime()));
                    grid = r.drop();
                    settings.put("target_class", r.targetClass());
                    settings.put("target_label", info.labels().get(r.targetClass()));
                    settings.put("baseline_probability", r.baselineProbability());
                    settings.put("window", window);
                    settings.put("stride", stride != null ? stride : window);
                    settings.put("forward_passes", r.forwardPasses());
                    settings.put("batches", r.batches());
                } else {
                    FloatBuffer input = FloatBuffer.wrap(pixels);
                    ModelRunner.Output output = runner.run(input, 1, true);
                    timings.put("inference", ms(i0, System.nanoTime()));
                    if (!output.hasAttentions()) {
                        return fail(err, "model " + info.id() + " returned no attentions", Cli.EXIT_USAGE);
                    }
                    // A backbone (no classification head) has no labels; its attentions still explain the image.
                    top = output.logits() == null ? List.of()
                            : Scores.topK(Scores.softmax(output.logits()[0]), info.labels(), 5);
                    float[][][][] attentions = output.attentions()[0];
                    long e0 = System.nanoTime();
                    settings.put("query", s.query.resolve(family).label());
                    if (method == Method.rollout) {
                        grid = new AttentionRollout(s.fusion, discard).compute(attentions, layout, family, s.query);
                        settings.put("fusion", s.fusion.label());
                        settings.put("discard", discard);
                    } else {
                        int l = layer == null ? attentions.length - 1 : layer;
                        if (l < 0 || l >= attentions.length) {
                            throw new ParameterException(spec.commandLine(), "--layer " + l + " is outside 0.."
                                    + (attentions.length - 1));
                        }
                        grid = RawAttention.compute(attentions, layout, family, l, s.head, s.query);
                        settings.put("layer", l);
                        settings.put("head", s.head.label());
                    }
                    timings.put("explain", ms(e0, System.nanoTime()));
                    if (dumpAttentions != null) {
                        long d0 = System.nanoTime();
                        writeAtomically(dumpAttentions, dev.vitlens.output.JsonOutput.lineBytes(Map.of("layers", attentions)));
                        timings.put("dump", ms(d0, System.nanoTime()));
                    }
                }
            }
        } catch (ModelLoadException e) {
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        } catch (InferenceException e) {
            return fail(err, e.getMessage(), Cli.EXIT_SOME_FAILED);
        } catch (UncheckedInference e) {
            return fail(err, e.getCause().getMessage(), Cli.EXIT_SOME_FAILED);
        } catch (IllegalArgumentException e) {
            // e.g. a query the model cannot answer ("dist" on a ViT), a patch outside the grid
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        }

        if (out != null) {
            long r0 = System.nanoTime();
            HeatmapRenderer.writePng(renderOverlay(decoded, preprocessor, grid, s.render), out);
            timings.put("render", ms(r0, System.nanoTime()));
        }
        Report report = new Report(info, method.name(), deviceId, derived, top, grid, settings, timings);
        PrintWriter stdout = spec.commandLine().getOut();
        if (format == Format.json) {
            stdout.println(json(report));
        } else {
            text(stdout, report);
        }
        stdout.flush();
        return 0;
    }

    /** Parsed and validated option values. */
    private record Settings(HeadFusion fusion, Query query, HeadSelection head, RenderOptions render) {
    }

    private Settings parseSettings() {
        try {
            if (!(discard >= 0 && discard <= 0.99)) {
                throw new IllegalArgumentException("--discard must be between 0 and 0.99, got " + discard);
            }
            if (window < 1 || (stride != null && stride < 1) || batchSize < 1) {
                throw new IllegalArgumentException("--window, --stride and --batch-size must be at least 1");
            }
            if (method == Method.occlusion && dumpAttentions != null) {
                throw new IllegalArgumentException("--dump-attentions needs --method rollout or attention");
            }
            if (out != null && !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw new IllegalArgumentException("--out writes PNG; give a file name ending in .png");
            }
            Colormap map = colormap != null ? Colormap.parse(colormap)
                    : method == Method.occlusion ? Colormap.DIVERGING : Colormap.VIRIDIS;
            // Occlusion drops are signed (occluding can help): centre 0 on the middle colour.
            Scaling scaling = method == Method.occlusion ? Scaling.ZERO_CENTERED : Scaling.MIN_MAX;
            RenderOptions render = new RenderOptions(map, scaling, alpha, gridLines, 0x80FFFFFF);
            return new Settings(HeadFusion.parse(fusion), Query.parse(query), HeadSelection.parse(head), render);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Occlusion scores through the runner; inference errors travel up unchecked and are unwrapped in call(). */
    private static float[][] score(ModelRunner runner, float[][] inputs) {
        try {
            return runner.logits(inputs);
        } catch (InferenceException e) {
            throw new UncheckedInference(e);
        }
    }

    private static final class UncheckedInference extends RuntimeException {
        UncheckedInference(InferenceException cause) {
            super(cause);
        }
    }

    /**
     * The heatmap over the original image, on the region the model saw (after resize and centre crop). Tiny images
     * are enlarged first (nearest neighbour) so the overlay is legible; if the crop padded the image, the overlay
     * goes on the model's input image instead.
     */
    static BufferedImage renderOverlay(RgbImage original, Preprocessor preprocessor, HeatGrid grid, RenderOptions options) {
        int w = original.width();
        int h = original.height();
        int[] resized = preprocessor.config().resizedSize(h, w);
        int[] crop = preprocessor.config().cropSize();
        int ch = crop == null ? resized[0] : crop[0];
        int cw = crop == null ? resized[1] : crop[1];
        int top = Math.floorDiv(resized[0] - ch, 2);
        int left = Math.floorDiv(resized[1] - cw, 2);
        BufferedImage base;
        Rectangle region;
        if (top < 0 || left < 0) {
            base = preprocessor.resizeAndCrop(original).toBufferedImage();
            region = new Rectangle(0, 0, base.getWidth(), base.getHeight());
        } else {
            base = original.toBufferedImage();
            double sx = (double) w / resized[1];
            double sy = (double) h / resized[0];
            int x0 = (int) Math.round(left * sx);
            int y0 = (int) Math.round(top * sy);
            region = new Rectangle(x0, y0, Math.min(w - x0, (int) Math.round(cw * sx)),
                    Math.min(h - y0, (int) Math.round(ch * sy)));
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
        ObjectNode o = dev.vitlens.output.JsonOutput.object();
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
        o.set("settings", dev.vitlens.output.JsonOutput.tree(r.settings()));
        ObjectNode t = o.putObject("timings_ms");
        r.timingsMs().forEach((k, v) -> t.put(k, Math.round(v * 1000) / 1000.0));
        return dev.vitlens.output.JsonOutput.document(o);
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
        dev.vitlens.output.AtomicFiles.write(target, bytes);
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
