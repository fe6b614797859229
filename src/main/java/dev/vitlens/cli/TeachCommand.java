package dev.vitlens.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.HeatmapRenderer;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.internals.InternalsSession;
import dev.vitlens.output.AtomicFiles;
import dev.vitlens.output.JsonOutput;
import dev.vitlens.teach.SampleDistance;
import dev.vitlens.teach.TeachInput;
import dev.vitlens.teach.TeachInputs;
import dev.vitlens.teach.TeachSelection;
import dev.vitlens.teach.TeachingView;
import dev.vitlens.teach.TeachingViews;
import dev.vitlens.teach.ViewData;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code vitlens teach VIEW}: one teaching view of one image, as numbers (text or JSON) and optionally as a picture
 * (PNG, or SVG for the chart views). The view names and titles come from {@link TeachingViews}.
 */
@Command(name = "teach", mixinStandardHelpOptions = true, modelTransformer = TeachCommand.ViewList.class,
        description = "Show one view of how the transformer works inside, for teaching: patches, filters, "
                + "positions, special tokens, attention heads, attention distance and the logit lens.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:the image or the inference failed", "2:usage or model error"})
public class TeachCommand implements Callable<Integer> {
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "VIEW", completionCandidates = ViewNames.class,
            description = "The view (listed below).")
    String view;

    @Parameters(index = "1", paramLabel = "IMAGE", description = "The image to look at.")
    Path image;

    @Option(names = {"-m", "--model"}, defaultValue = ClassifyCommand.DEFAULT_MODEL, paramLabel = "MODEL_ID|PATH",
            description = "Model id from `vitlens models`, or a model folder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--out", paramLabel = "FILE.png|FILE.svg",
            description = "Write the picture: PNG for every view, SVG for the chart views (attention-distance, tokens,"
                    + " logit-lens).")
    Path out;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--layer", paramLabel = "N",
            description = "Encoder layer, 0-based (default: the last); views over hidden states show its output.")
    Integer layer;

    @Option(names = "--head", paramLabel = "N", description = "Attention head, 0-based (default: 0).")
    Integer head;

    @Option(names = "--patch", paramLabel = "N|ROW,COL",
            description = "The picked patch: its index, row-major, or row and column (default: the centre patch).")
    String patch;

    @Option(names = "--query", paramLabel = "cls|dist|patch|N",
            description = "The query token of the heads view: [CLS], [DIST] (DeiT), the picked patch, or a token"
                    + " index (default: cls).")
    String query;

    @Option(names = "--samples",
            description = "attention-distance: also average over the model's sample images (vitlens.json).")
    boolean samples;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            converter = ClassifyCommand.DeviceConverter.class, description = "auto tries CUDA then the CPU.")
    Device device;

    @Option(names = "--threads", description = "Intra-op threads (default: available processors).")
    Integer threads;

    /** The registry's names, for shell completion. */
    static final class ViewNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return TeachingViews.ALL.stream().map(TeachingView::name).iterator();
        }
    }

    /** Lists every view with its one-line title under the usage. */
    static final class ViewList implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            int width = TeachingViews.ALL.stream().mapToInt(v -> v.name().length()).max().orElse(0);
            List<String> lines = new ArrayList<>();
            lines.add("%nViews:");
            for (TeachingView v : TeachingViews.ALL) {
                lines.add(String.format(Locale.ROOT, "  %-" + width + "s  %s", v.name(), v.title()));
            }
            command.usageMessage().footer(lines.toArray(new String[0]));
            return command;
        }
    }

    @Override
    public Integer call() throws Exception {
        return dev.vitlens.inference.BigStack.call("vitlens-teach", this::teach);
    }

    private Integer teach() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Optional<TeachingView> found = TeachingViews.find(view);
        if (found.isEmpty()) {
            return fail(err, "unknown view \"" + view + "\": expected one of " + TeachingViews.names(), Cli.EXIT_USAGE);
        }
        TeachingView chosen = found.get();
        String outProblem = checkOut(chosen);
        if (outProblem != null) {
            return fail(err, outProblem, Cli.EXIT_USAGE);
        }
        if (samples && !chosen.name().equals("attention-distance")) {
            return fail(err, "--samples is for the attention-distance view", Cli.EXIT_USAGE);
        }
        ModelInfo info;
        try {
            info = ModelCatalog.standard().resolve(model).require();
        } catch (ModelFormatException e) {
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        }
        TeachSelection selection;
        try {
            selection = selection(info.layout(), info.family());
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        }
        RgbImage decoded;
        try {
            decoded = ImageDecoder.decode(image, Preprocessor.forModel(info).neededShortSide()).image();
        } catch (ImageDecodeException e) {
            return fail(err, e.getMessage(), Cli.EXIT_SOME_FAILED);
        }
        RunnerOptions options = RunnerOptions.on(device);
        if (threads != null) {
            options = options.withThreads(Math.max(1, threads), 1);
        }
        TeachInput input;
        SampleDistance.Result average = null;
        try (InternalsSession session = InternalsSession.open(info, options)) {
            input = TeachInputs.load(session, decoded, chosen.needs()).withSelection(selection);
            if (samples) {
                average = SampleDistance.average(session, SampleDistance.samples(info,
                        ModelCatalog.standard().bundledDir().map(Path::getParent)));
                input = input.withSampleDistance(average.average());
            }
        } catch (ModelLoadException e) {
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        } catch (InferenceException e) {
            return fail(err, e.getMessage(), Cli.EXIT_SOME_FAILED);
        } catch (IllegalArgumentException e) {
            // e.g. no usable samples, a selection the model cannot take
            return fail(err, e.getMessage(), Cli.EXIT_USAGE);
        }
        Optional<String> unavailable = chosen.unavailable(input);
        if (unavailable.isPresent()) {
            return fail(err, unavailable.get(), Cli.EXIT_USAGE);
        }
        ViewData data = chosen.compute(input);
        if (average != null) {
            for (String skipped : average.skipped()) {
                err.println("note: sample skipped: " + skipped);
            }
            err.flush();
        }
        if (out != null) {
            if (isSvg(out)) {
                byte[] svg = data.svg().orElseThrow().getBytes(StandardCharsets.UTF_8);
                AtomicFiles.write(out, svg);
            } else {
                HeatmapRenderer.writePng(data.render(), out);
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (format == Format.json) {
            stdout.println(json(chosen, info, input.selection(), data, out));
        } else {
            stdout.println(chosen.title());
            stdout.println("model: " + info.id() + " (" + info.family().displayName() + ")");
            stdout.println(describe(input.selection(), info.layout(), info.family()));
            stdout.println(data.summary());
            if (out != null) {
                stdout.println("picture: " + out);
            }
        }
        stdout.flush();
        return 0;
    }

    /** What is wrong with {@code --out} for this view, or null. */
    private String checkOut(TeachingView chosen) {
        if (out == null) {
            return null;
        }
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            return chosen.chart() ? null : chosen.name() + " has no SVG form (it is a picture of maps, not a chart;"
                    + " SVG is written for " + charts() + "): use --out FILE.png";
        }
        return name.endsWith(".png") ? null : "--out writes PNG or SVG; give a file name ending in .png or .svg";
    }

    private static boolean isSvg(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
    }

    private static String charts() {
        return String.join(", ", TeachingViews.ALL.stream().filter(TeachingView::chart).map(TeachingView::name)
                .toList());
    }

    /** The options as a selection, checked against the model. */
    TeachSelection selection(TokenLayout layout, Family family) {
        TeachSelection s = TeachSelection.defaults(layout);
        if (layer != null) {
            s = s.withLayer(checkIndex("--layer", layer, layout.layers()));
        }
        if (head != null) {
            s = s.withHead(checkIndex("--head", head, layout.heads()));
        }
        if (patch != null) {
            s = s.withPatch(parsePatch(patch, layout));
        }
        if (query != null) {
            s = s.withQuery(parseQuery(query, s, layout, family));
        }
        return s.checked(layout);
    }

    private static int checkIndex(String option, int value, int count) {
        if (value < 0 || value >= count) {
            throw new IllegalArgumentException(option + " " + value + " is outside 0.." + (count - 1));
        }
        return value;
    }

    /** "N" (row-major index) or "ROW,COL". */
    static int parsePatch(String text, TokenLayout layout) {
        String t = text.trim();
        try {
            if (t.contains(",")) {
                String[] parts = t.split(",", -1);
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                int row = Integer.parseInt(parts[0].trim());
                int col = Integer.parseInt(parts[1].trim());
                if (row < 0 || row >= layout.gridHeight() || col < 0 || col >= layout.gridWidth()) {
                    throw new IllegalArgumentException("--patch " + t + " is outside the " + layout.gridHeight() + "x"
                            + layout.gridWidth() + " patch grid (rows and columns from 0)");
                }
                return row * layout.gridWidth() + col;
            }
            return checkIndex("--patch", Integer.parseInt(t), layout.patches());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--patch expects N or ROW,COL (e.g. 24 or 3,3), got \"" + text + "\"");
        }
    }

    static int parseQuery(String text, TeachSelection s, TokenLayout layout, Family family) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "cls":
                return 0;
            case "dist":
                if (family != Family.DEIT) {
                    throw new IllegalArgumentException("--query dist needs a DeiT model; " + family.displayName()
                            + " has no [DIST] token");
                }
                return 1;
            case "patch":
                return layout.prefixTokens() + s.patch();
            default:
                try {
                    return checkIndex("--query", Integer.parseInt(t), layout.tokens());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--query expects cls, dist, patch or a token index, got \""
                            + text + "\"");
                }
        }
    }

    static String describe(TeachSelection s, TokenLayout layout, Family family) {
        return String.format(Locale.ROOT, "selection: layer %d, head %d, query %s, patch %d (%d, %d)", s.layer(),
                s.head(), TeachSelection.tokenLabel(s.query(), layout, family), s.patch(), s.patchRow(layout),
                s.patchColumn(layout));
    }

    /** The view's numbers with what they are of in front: view, model, selection, picture file. */
    static String json(TeachingView view, ModelInfo info, TeachSelection s, ViewData data, Path out)
            throws java.io.IOException {
        ObjectNode o = JsonOutput.object();
        o.put("view", view.name());
        o.put("model", info.id());
        o.put("family", info.family().displayName());
        ObjectNode sel = o.putObject("selection");
        sel.put("layer", s.layer()).put("head", s.head()).put("query", s.query()).put("patch", s.patch());
        if (out != null) {
            o.put("out", out.toString());
        }
        JsonNode numbers = JsonOutput.tree(data);
        numbers.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
        return JsonOutput.document(o);
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("error: " + message);
        err.flush();
        return code;
    }
}
