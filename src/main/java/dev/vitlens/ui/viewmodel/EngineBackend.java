package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.explain.OcclusionSensitivity;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.inference.Scores;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The workbench backend over the real engine: the catalogue ({@code catalog}), decoding and HF-exact preprocessing
 * ({@code imaging}), ONNX Runtime with CUDA-to-CPU fallback ({@code inference}) and the explain package.
 * Constructing it does no I/O; models are opened on first use, from background tasks.
 */
public final class EngineBackend implements WorkbenchBackend {

    /** What the model picker says before a model has been opened: the engine tries CUDA, then the CPU. */
    static final String DEVICE_NOT_YET_KNOWN = "auto";

    /**
     * Images over 16 MP are subsampled while decoding to no less than 4x this short side (1024 px): enough for the
     * viewer panel and for any model input; a 100 MP photo no longer needs gigabytes of heap, and classifying it
     * does not resample tens of megapixels (issue 10).
     */
    static final int DISPLAY_SHORT_SIDE = 256;

    private final Supplier<ModelCatalog> catalogSource;
    private final String defaultModelId;
    private final RunnerOptions options;
    private final Map<String, ModelRunner> runners = new HashMap<>();
    private final Map<String, String> loadFailures = new HashMap<>();
    private ModelCatalog catalog;

    public EngineBackend(ModelCatalog catalog, String defaultModelId) {
        this(() -> catalog, defaultModelId, RunnerOptions.defaults());
    }

    public EngineBackend(Supplier<ModelCatalog> catalogSource, String defaultModelId, RunnerOptions options) {
        this.catalogSource = Objects.requireNonNull(catalogSource);
        this.defaultModelId = Objects.requireNonNull(defaultModelId);
        this.options = Objects.requireNonNull(options);
    }

    /** Bundled and per-user models, {@code beit-fashion} first choice, device chosen automatically. */
    public static EngineBackend standard() {
        // ModelCatalog.standard() probes folders: defer it to the first background call.
        return new EngineBackend(ModelCatalog::standard, "beit-fashion", RunnerOptions.defaults());
    }

    private synchronized ModelCatalog catalog() {
        if (catalog == null) {
            catalog = catalogSource.get();
        }
        return catalog;
    }

    /**
     * Lists the catalogue and opens every valid model, so the picker can show the device each one really runs on
     * and mark models that fail to load as unavailable, with the reason.
     */
    @Override
    public List<ModelEntry> listModels() {
        List<ModelEntry> entries = new ArrayList<>();
        for (ModelCatalog.Entry entry : catalog().list()) {
            if (!entry.available()) {
                entries.add(new ModelEntry(entry.id(), entry.displayName(), null, 0, 0, List.of(), "-", "",
                        entry.problem()));
                continue;
            }
            ModelInfo info = entry.info();
            String device = DEVICE_NOT_YET_KNOWN;
            String note = "";
            String problem = "";
            try {
                ModelRunner runner = runner(entry.id());
                device = runner.device().name();
                note = runner.fallbackReason().map(r -> "CUDA not used: " + r).orElse("");
            } catch (Exception e) {
                problem = WorkbenchViewModel.describe(e);
            }
            entries.add(new ModelEntry(info.id(), info.displayName(), info.family(), info.inputHeight(),
                    info.inputWidth(), info.labels(), device, note, problem));
        }
        return entries;
    }

    /**
     * The preferred model when it is usable; else the first usable model that declares samples (a demo model),
     * else the first usable one.
     */
    @Override
    public String defaultModelId() {
        List<ModelCatalog.Entry> usable = catalog().available();
        if (usable.stream().anyMatch(e -> e.id().equals(defaultModelId))) {
            return defaultModelId;
        }
        return usable.stream().filter(e -> !e.info().meta().samples().isEmpty()).findFirst()
                .or(() -> usable.stream().findFirst()).map(ModelCatalog.Entry::id).orElse(defaultModelId);
    }

    /**
     * The model's own samples (vitlens.json), else the sample images shipped next to the models folder
     * ({@code assets/samples}).
     */
    @Override
    public List<Path> sampleImages(String modelId) {
        List<Path> samples = new ArrayList<>();
        // vitlens.json sample paths are relative to the model folder, or to the project root above models/.
        Path projectRoot = catalog().bundledDir().map(Path::getParent).orElse(null);
        catalog().find(modelId).filter(ModelCatalog.Entry::available).ifPresent(e -> {
            for (String sample : e.info().meta().samples()) {
                Path inModel = e.dir().resolve(sample);
                Path inProject = projectRoot == null ? null : projectRoot.resolve(sample);
                if (Files.isRegularFile(inModel)) {
                    samples.add(inModel);
                } else if (inProject != null && Files.isRegularFile(inProject)) {
                    samples.add(inProject);
                }
            }
        });
        if (samples.isEmpty()) {
            catalog().bundledDir().map(dir -> dir.getParent() == null ? null : dir.getParent().resolve("assets/samples"))
                    .filter(Files::isDirectory).ifPresent(dir -> {
                        try (Stream<Path> files = Files.list(dir)) {
                            files.filter(WorkbenchViewModel::looksLikeImage).sorted().forEach(samples::add);
                        } catch (IOException ignored) {
                            // No samples is fine: the window then starts empty with a hint.
                        }
                    });
        }
        return samples;
    }

    @Override
    public DecodedImage decode(Path file) throws IOException {
        long start = System.nanoTime();
        ImageDecoder.Decoded decoded = ImageDecoder.decode(file, DISPLAY_SHORT_SIDE);
        BufferedImage image = decoded.image().toBufferedImage();
        double millis = (System.nanoTime() - start) / 1e6;
        return new DecodedImage(file, file.getFileName().toString(), image, millis);
    }

    @Override
    public Classification classify(BufferedImage image, String modelId, int topK, boolean withAttentions)
            throws Exception {
        ModelRunner runner = runner(modelId);
        ModelInfo info = runner.model();
        long start = System.nanoTime();
        // A Preprocessor reuses its buffer, so each call gets its own: the gallery and the viewer run concurrently.
        FloatBuffer pixels = Preprocessor.forModel(info).process(RgbImage.from(image));
        long preprocessed = System.nanoTime();
        ModelRunner.Output output = runner.run(pixels, 1, withAttentions);
        long inferred = System.nanoTime();
        float[] probabilities = Scores.softmax(output.logits()[0]);
        List<Prediction> top = Scores.topK(probabilities, info.labels(), topK).stream()
                .map(p -> new Prediction(p.index(), p.label(), p.score())).toList();
        int[] resized = info.preprocessor().resizedSize(image.getHeight(), image.getWidth());
        ImageRegion seen = ImageRegion.ofCenterCrop(resized[0], resized[1], info.preprocessor().cropSize());
        return new Classification(modelId, top, info.layout(), (preprocessed - start) / 1e6,
                (inferred - preprocessed) / 1e6, runner.device().name(),
                runner.fallbackReason().map(r -> "CUDA not used: " + r).orElse(""),
                output.hasAttentions() ? output.attentions()[0] : null, seen);
    }

    @Override
    public Set<ExplainMethod> supportedMethods() {
        return Set.of(ExplainMethod.ROLLOUT, ExplainMethod.RAW_ATTENTION, ExplainMethod.OCCLUSION);
    }

    @Override
    public Heatmap explain(BufferedImage image, Classification classification, ExplainSettings settings,
                           BooleanSupplier cancelled) throws Exception {
        ModelRunner runner = runner(classification.modelId());
        ModelInfo info = runner.model();
        if (settings.method() == ExplainMethod.OCCLUSION) {
            return occlusion(runner, image, classification, cancelled);
        }
        if (!(classification.attentions() instanceof float[][][][] attentions)) {
            throw new IllegalStateException("model " + info.id() + " exports no attention maps ("
                    + "attentions.0..L-1 outputs), so there is nothing to explain from");
        }
        return Explanations.attention(attentions, classification.layout(), info.family(), settings);
    }

    /** Occlusion sensitivity of the top class, one patch at a time: forward passes only, no attentions needed. */
    private static Heatmap occlusion(ModelRunner runner, BufferedImage image, Classification classification,
                                     BooleanSupplier cancelled) {
        ModelInfo info = runner.model();
        float[] pixels = Preprocessor.forModel(info).toArray(RgbImage.from(image));
        Prediction target = classification.top().get(0);
        OcclusionSensitivity.Result result = OcclusionSensitivity.compute(pixels, 3, info.inputHeight(),
                info.inputWidth(), classification.layout(), inputs -> {
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("occlusion cancelled");
                    }
                    try {
                        return runner.logits(inputs);
                    } catch (InferenceException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }, target.classIndex(), OcclusionSensitivity.Options.perPatch());
        return new Heatmap(result.drop().toRows(), true, result.elapsedMillis(), String.format(Locale.ROOT,
                "occlusion: drop in P(%s) from %.1f%% when each patch is hidden (%d forward passes); "
                        + "red helps, blue hurts with the diverging colormap", target.label(),
                result.baselineProbability() * 100, result.forwardPasses()));
    }

    @Override
    public BufferedImage renderHeatmap(Heatmap heatmap, ColormapChoice colormap, int width, int height) {
        return Explanations.colorize(heatmap, colormap, width, height);
    }

    @Override
    public BufferedImage renderOverlay(BufferedImage image, ImageRegion region, Heatmap heatmap,
                                       ColormapChoice colormap, double opacity) {
        return Explanations.overlay(image, region.toPixels(image.getWidth(), image.getHeight()), heatmap, colormap,
                opacity);
    }

    /** The opened model, opening it on first use; a model that failed to open keeps failing with its reason. */
    private synchronized ModelRunner runner(String modelId) throws Exception {
        ModelRunner runner = runners.get(modelId);
        if (runner != null) {
            return runner;
        }
        String failure = loadFailures.get(modelId);
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        ModelCatalog.Entry entry = catalog().find(modelId).orElseThrow(() -> new IllegalArgumentException(
                "unknown model \"" + modelId + "\""));
        try {
            runner = ModelRunner.open(entry.require(), options);
        } catch (Exception e) {
            loadFailures.put(modelId, String.format(Locale.ROOT, "cannot load model %s: %s", modelId,
                    WorkbenchViewModel.describe(e)));
            throw e;
        }
        runners.put(modelId, runner);
        return runner;
    }

    @Override
    public synchronized void close() {
        runners.values().forEach(ModelRunner::close);
        runners.clear();
    }
}
