package dev.vitlens.ui.viewmodel;

import dev.vitlens.fewshot.ClassExamples;
import dev.vitlens.fewshot.FeatureExtractor;
import dev.vitlens.fewshot.FewShotModelWriter;
import dev.vitlens.fewshot.FewShotResult;
import dev.vitlens.fewshot.FewShotTrainer;
import dev.vitlens.fewshot.TrainingSet;

import dev.vitlens.catalog.ImportResult;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelImporter;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.AnalysisEngine;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.evaluate.EvaluationReport;
import dev.vitlens.evaluate.EvaluationSet;
import dev.vitlens.evaluate.Evaluator;
import dev.vitlens.faces.PhotoFaces;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.ParameterValues;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.ImageFormats;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.ImportSmokeTest;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.teach.TeachInput;
import dev.vitlens.teach.TeachSession;
import dev.vitlens.metrics.Baseline;
import dev.vitlens.metrics.Faithfulness;
import dev.vitlens.metrics.PerturbationCurves;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The workbench backend: a thin adapter over the {@link AnalysisEngine} (the same pipeline as {@code vitlens
 * explain}) plus the catalogue and display decoding. Constructing it does no I/O; models are opened on first use,
 * from background tasks.
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
    private final AnalysisEngine engine;
    private final Map<String, ModelSession> sessions = new HashMap<>();
    private final Map<String, TeachSession> teachSessions = new HashMap<>();
    private final Map<String, String> loadFailures = new HashMap<>();
    /** Sessions of removed models: another worker may still be running one, so they are closed only at the end. */
    private final List<ModelSession> retired = new ArrayList<>();
    /** Set by {@link #close}: a worker still running must not open a model nobody will close. */
    private boolean closed;
    private ModelCatalog catalog;
    private final Object faceLock = new Object();
    private PhotoFaces photoFaces;
    private String detectorNote = "";

    public EngineBackend(ModelCatalog catalog, String defaultModelId) {
        this(() -> catalog, defaultModelId, RunnerOptions.defaults());
    }

    public EngineBackend(Supplier<ModelCatalog> catalogSource, String defaultModelId, RunnerOptions options) {
        this(catalogSource, defaultModelId, AnalysisEngine.standard(options));
    }

    /** Over any engine (tests give one with its own cache of derived models). */
    public EngineBackend(Supplier<ModelCatalog> catalogSource, String defaultModelId, AnalysisEngine engine) {
        this.catalogSource = Objects.requireNonNull(catalogSource);
        this.defaultModelId = Objects.requireNonNull(defaultModelId);
        this.engine = Objects.requireNonNull(engine);
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
                ModelRunner runner = session(entry.id()).runner();
                device = runner.device().name();
                note = runner.fallbackReason().map(r -> "CUDA not used: " + r).orElse("");
            } catch (Exception e) {
                problem = ErrorText.describe(e);
            }
            entries.add(new ModelEntry(info.id(), info.displayName(), info.family(), info.inputHeight(),
                    info.inputWidth(), info.labels(), device, note, problem,
                    entry.source() == ModelCatalog.Source.USER, info.meta().faceClassifier()));
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
                            files.filter(ImageFormats::hasImageExtension).sorted().forEach(samples::add);
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
    public Analysis classify(BufferedImage image, String modelId, int topK, boolean withAttentions)
            throws Exception {
        return session(modelId).analyse(RgbImage.from(image), topK, withAttentions);
    }

    /**
     * The one face finder, opened on first use (loading BlazeFace and OpenCV costs time no other page needs); it is not
     * thread-safe, so searches take turns on it.
     */
    @Override
    public FaceSearch findFaces(BufferedImage image, String modelId, int topK) throws Exception {
        ModelSession classifier = session(modelId);
        RgbImage photo = RgbImage.from(image);
        synchronized (faceLock) {
            if (photoFaces == null) {
                StringBuilder note = new StringBuilder();
                photoFaces = PhotoFaces.open(note::append);
                detectorNote = note.toString();
            }
            return new FaceSearch(photoFaces.classify(photo, classifier, topK), photoFaces.describe(), detectorNote);
        }
    }

    @Override
    public List<ExplanationMethod> supportedMethods() {
        return ExplanationMethods.all();
    }

    @Override
    public Explanation explain(BufferedImage image, Analysis classification, ExplainSettings settings,
                               BooleanSupplier cancelled) throws Exception {
        return session(classification.modelId()).explain(classification, settings.method(),
                Explanations.values(settings, classification.layout()), cancelled);
    }

    /**
     * The CLI's defaults (20 steps, blur of one patch side) with the random baseline over {@link #FAITHFULNESS_SEEDS}
     * seeds, in batches of 64.
     */
    @Override
    public Faithfulness.ImageResult faithfulness(Analysis analysis, ExplainSettings settings, boolean references,
                                                 BooleanSupplier cancelled) throws Exception {
        List<Faithfulness.Candidate> candidates = new ArrayList<>();
        if (references) {
            candidates.add(new Faithfulness.RandomCandidate(FAITHFULNESS_SEEDS));
            candidates.add(new Faithfulness.MethodCandidate(ExplanationMethods.get(OCCLUSION),
                    ParameterValues.none().with("batch-size", "64")));
        } else {
            candidates.add(new Faithfulness.MethodCandidate(settings.method(),
                    Explanations.values(settings, analysis.layout())));
        }
        return Faithfulness.evaluate(session(analysis.modelId()), analysis, candidates,
                new PerturbationCurves.Options(20, Baseline.BLUR, Faithfulness.defaultSigma(analysis), 64), 0,
                cancelled);
    }

    /** The perturbation reference the explorer's method is compared with, besides random. */
    static final String OCCLUSION = "occlusion";

    /** Random rankings per image in the workbench's curves (the CLI's default is 5; 3 keep them within a second). */
    static final int FAITHFULNESS_SEEDS = 3;

    @Override
    public BufferedImage renderHeatmap(Explanation heatmap, ColormapChoice colormap, int width, int height) {
        return Explanations.colorize(heatmap, colormap, width, height);
    }

    @Override
    public BufferedImage renderOverlay(BufferedImage image, ImageRegion region, Explanation heatmap,
                                       ColormapChoice colormap, double opacity) {
        return Explanations.overlay(image, region.toPixels(image.getWidth(), image.getHeight()), heatmap, colormap,
                opacity);
    }

    @Override
    public ImportResult importModel(Path source, ModelImporter.ProgressListener progress) throws Exception {
        ModelImporter importer = new ModelImporter(catalog(), ImportSmokeTest.onCpu());
        ImportResult result = importer.importModel(source, Optional.of(importer.freeId(source)), progress);
        synchronized (this) {
            loadFailures.remove(result.id());
        }
        return result;
    }

    @Override
    public void removeModel(String modelId) throws Exception {
        catalog().removeUserModel(modelId);
        synchronized (this) {
            ModelSession session = sessions.remove(modelId);
            if (session != null) {
                retired.add(session);
            }
            loadFailures.remove(modelId);
        }
    }

    @Override
    public void renameModel(String modelId, String displayName) throws Exception {
        catalog().renameUserModel(modelId, displayName);
    }

    /** Runs on its own session, so a long evaluation never shares a model's buffers with the viewer. */
    @Override
    public EvaluationReport evaluate(String modelId, Path folder, Evaluator.Listener progress,
                                     BooleanSupplier cancelled) throws Exception {
        ModelCatalog.Entry entry = catalog().find(modelId).orElseThrow(() -> new IllegalArgumentException(
                "unknown model \"" + modelId + "\""));
        ModelInfo info = entry.require();
        if (!info.hasClassifier()) {
            throw new IllegalArgumentException("model " + info.displayName() + " has no classification head: it"
                    + " gives no labels to evaluate");
        }
        EvaluationSet set = EvaluationSet.scan(folder, info.labels());
        try (ModelSession session = ModelSession.forClassification(info, engine.options())) {
            return new Evaluator(Evaluator.DEFAULT_BATCH).evaluate(set, Evaluator.classifier(session), progress,
                    cancelled);
        }
    }

    @Override
    public RgbImage cameraSnapshot() throws Exception {
        return dev.vitlens.camera.CameraSnapshot.take(0);
    }

    /** Runs on its own extractor, so teaching never shares a model's buffers with the viewer. */
    @Override
    public FewShotResult trainFewShot(String backboneId, List<ClassExamples> classes,
                                      FewShotTrainer.Listener progress, BooleanSupplier cancelled) throws Exception {
        ModelInfo info = catalog().find(backboneId).orElseThrow(() -> new IllegalArgumentException(
                "unknown model \"" + backboneId + "\"")).require();
        TrainingSet set = TrainingSet.of(classes);
        try (FeatureExtractor extractor = FeatureExtractor.open(info, engine.options())) {
            return FewShotTrainer.train(extractor, set, progress, cancelled);
        }
    }

    /**
     * Writes the model to a temporary folder named after it and imports that, so a few-shot model goes through the
     * same checks (and the same free-id rule) as any other import; the temporary copy is removed either way.
     */
    @Override
    public ImportResult saveFewShot(FewShotResult result, String displayName,
                                    ModelImporter.ProgressListener progress) throws Exception {
        ModelInfo backbone = catalog().find(result.backboneId()).orElseThrow(() -> new IllegalArgumentException(
                "the backbone \"" + result.backboneId() + "\" is no longer installed")).require();
        Path scratch = Files.createTempDirectory("vitlens-fewshot-");
        try {
            Path folder = scratch.resolve(ModelImporter.slug(displayName, "fewshot-model"));
            progress.progress("Writing the model", 0.0);
            FewShotModelWriter.write(result, backbone, folder, displayName);
            ImportResult imported = importModel(folder, (step, fraction) ->
                    progress.progress(step, 0.2 + 0.8 * fraction));
            // The import copies the model's own files; the training record travels with it too.
            Path record = folder.resolve(FewShotModelWriter.RECORD_FILE);
            dev.vitlens.output.AtomicFiles.write(imported.dir().resolve(FewShotModelWriter.RECORD_FILE),
                    Files.readAllBytes(record));
            return imported;
        } finally {
            try (var walk = Files.walk(scratch)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The opened model, opening it on first use; a model that failed to open keeps failing with its reason. A
     * logits-only export is run through a derived copy with attention outputs, as {@code vitlens explain} does;
     * when none can be added, the model still classifies and the explorer says why there is no attention map.
     */
    private synchronized ModelSession session(String modelId) throws Exception {
        refuseWhenClosed();
        ModelSession session = sessions.get(modelId);
        if (session != null) {
            return session;
        }
        String failure = loadFailures.get(modelId);
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        ModelCatalog.Entry entry = catalog().find(modelId).orElseThrow(() -> new IllegalArgumentException(
                "unknown model \"" + modelId + "\""));
        try {
            session = engine.open(entry.require(), AnalysisEngine.AttentionOutputs.IF_POSSIBLE);
        } catch (Exception e) {
            loadFailures.put(modelId, String.format(Locale.ROOT, "cannot load model %s: %s", modelId,
                    ErrorText.describe(e)));
            throw e;
        }
        sessions.put(modelId, session);
        return session;
    }

    /**
     * The teaching views' input. The model is opened a second time for teaching (a derived copy that also outputs
     * hidden states, and its read-out), only when the Teach page is used.
     */
    @Override
    public TeachInput teach(BufferedImage image, String modelId) throws Exception {
        TeachSession session;
        synchronized (this) {
            refuseWhenClosed();
            session = teachSessions.get(modelId);
            if (session == null) {
                ModelCatalog.Entry entry = catalog().find(modelId).orElseThrow(() -> new IllegalArgumentException(
                        "unknown model \"" + modelId + "\""));
                session = TeachSession.open(entry.require(), engine.options(),
                        catalog().bundledDir().map(Path::getParent));
                teachSessions.put(modelId, session);
            }
        }
        synchronized (session) {
            return session.input(RgbImage.from(image));
        }
    }

    private void refuseWhenClosed() {
        if (closed) {
            throw new IllegalStateException("ViTLens is closing: no model is opened any more");
        }
    }

    /**
     * Closes every model. A worker may still be inside one (a faithfulness batch, a gallery image): its run finishes
     * and the model is released after it, its next run fails with "model ... was closed" ({@code ModelRunner.close}).
     * It may wait for a model being opened or a face search (the locks they hold), so it is not for the FX thread.
     */
    @Override
    public synchronized void close() {
        closed = true;
        synchronized (faceLock) {
            if (photoFaces != null) {
                photoFaces.close();
                photoFaces = null;
            }
        }
        teachSessions.values().forEach(TeachSession::close);
        teachSessions.clear();
        sessions.values().forEach(ModelSession::close);
        sessions.clear();
        retired.forEach(ModelSession::close);
        retired.clear();
    }
}
