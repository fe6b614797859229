package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.ImportResult;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelImportException;
import dev.vitlens.catalog.ModelImporter;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.Classification;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.Prediction;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.evaluate.EvaluationReport;
import dev.vitlens.evaluate.EvaluationSet;
import dev.vitlens.evaluate.Evaluator;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.engine.method.Need;
import dev.vitlens.metrics.Curve;
import dev.vitlens.metrics.Faithfulness;
import dev.vitlens.metrics.PerturbationCurves;
import dev.vitlens.testing.TinyModels;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A backend that runs no model: view-model tests get fixed, recognisable answers at once. Two usable models ("vit",
 * a 4x4 grid with attentions, and "plain", 2x2 with no attentions) and one broken one. Images named {@code bad*}
 * fail to decode; an image's width becomes the index of its top-1 label, so tests can tell results apart.
 */
final class FakeBackend implements WorkbenchBackend {

    static final String NO_ATTENTIONS = "no Softmax nodes in the graph";

    private final ModelInfo vit;
    private final ModelInfo plain;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** The user's models "imported" so far (by {@link #importModel}), after the fixed three. */
    final List<ModelEntry> userModels = Collections.synchronizedList(new ArrayList<>());

    FakeBackend(Path dir) throws Exception {
        vit = ModelFolder.load(TinyModels.writeVitFolder(dir.resolve("vit"), 32, 8, 3, 2, 2));
        plain = ModelFolder.load(TinyModels.writeVitFolder(dir.resolve("plain"), 16, 8, 3, 1, 1));
    }

    static ModelEntry entry(String id) {
        return switch (id) {
            case "vit" -> new ModelEntry("vit", "Fake ViT", null, 32, 32, List.of("class0", "class1", "class2"),
                    "CPU", "", "");
            case "plain" -> new ModelEntry("plain", "Plain", null, 16, 16, List.of("class0", "class1", "class2"),
                    "CPU", "", "");
            default -> new ModelEntry(id, "Broken", null, 0, 0, List.of(), "-", "", "config.json: bad");
        };
    }

    /** The fake runs no model, so it has no internals; the Teach page is tested on real models (TeachPageFxTest). */
    @Override
    public dev.vitlens.teach.TeachInput teach(BufferedImage image, String modelId) {
        calls.add("teach " + modelId);
        throw new IllegalStateException("the fake backend computes no model internals");
    }

    @Override
    public List<ModelEntry> listModels() {
        List<ModelEntry> all = new ArrayList<>(List.of(entry("broken"), entry("vit"), entry("plain")));
        all.addAll(userModels);
        return all;
    }

    @Override
    public String defaultModelId() {
        return "vit";
    }

    @Override
    public List<Path> sampleImages(String modelId) {
        return List.of(Path.of("samples", "cat-1.png"));
    }

    /** A blank image whose width is its name's digit + 1 ("img-2.png" is 3 wide), so its top-1 is class (w-1)%3. */
    static BufferedImage imageFor(Path file) {
        String name = file.getFileName().toString();
        int digit = name.chars().filter(Character::isDigit).map(c -> c - '0').findFirst().orElse(0);
        return new BufferedImage(digit + 1, 4, BufferedImage.TYPE_INT_RGB);
    }

    @Override
    public DecodedImage decode(Path file) throws IOException {
        calls.add("decode " + file.getFileName());
        if (file.getFileName().toString().startsWith("bad")) {
            throw new IOException("not an image: " + file.getFileName());
        }
        return new DecodedImage(file, file.getFileName().toString(), imageFor(file), 1.5);
    }

    @Override
    public Analysis classify(BufferedImage image, String modelId, int topK, boolean withAttentions) {
        calls.add("classify " + modelId + " top" + topK);
        ModelInfo info = modelId.equals("vit") ? vit : plain;
        int best = (image.getWidth() - 1) % 3;
        List<Prediction> top = new ArrayList<>();
        top.add(new Prediction("class" + best, best, 0.8f));
        for (int i = 0; i < 3 && top.size() < topK; i++) {
            if (i != best) {
                top.add(new Prediction("class" + i, i, 0.1f));
            }
        }
        int tokens = 1 + info.layout().gridHeight() * info.layout().gridWidth();
        float[][][][] attentions = withAttentions && info == vit
                ? new float[info.layout().layers()][info.layout().heads()][tokens][tokens] : null;
        return new Analysis(info, new Classification(top, new float[] {0.8f, 0.1f, 0.1f},
                new Classification.Timings(0, 2.0, 3.0)), new float[3], attentions, ImageRegion.WHOLE, "CPU", "",
                false, info == vit ? "" : NO_ATTENTIONS);
    }

    /** Finds {@link #facesToFind} in every image (none unless a test sets them). */
    @Override
    public FaceSearch findFaces(BufferedImage image, String modelId, int topK) {
        calls.add("faces " + modelId);
        return new FaceSearch(facesToFind, "fake detector", "");
    }

    volatile List<dev.vitlens.faces.PhotoFace> facesToFind = List.of();

    @Override
    public List<ExplanationMethod> supportedMethods() {
        return ExplanationMethods.all();
    }

    @Override
    public Explanation explain(BufferedImage image, Analysis classification, ExplainSettings settings,
                               BooleanSupplier cancelled) {
        ExplanationMethod method = settings.method();
        calls.add("explain " + method.name() + " layer " + settings.layer() + " query " + settings.query());
        int rows = classification.layout().gridHeight();
        int cols = classification.layout().gridWidth();
        return new Explanation(method.name(), HeatGrid.of(rows, cols, new float[rows * cols]), method.signed(), 4.0,
                method.name() + ", layer " + (settings.layer() + 1) + ", query " + settings.query(), Map.of());
    }

    /**
     * Fixed curves over 4 steps: the explorer's method falls (deletion) fast, random linearly, occlusion in between;
     * an attention method on a model without attentions is unavailable. {@link #faithfulnessGate}, when set, runs
     * first (tests cancel from there).
     */
    @Override
    public Faithfulness.ImageResult faithfulness(Analysis analysis, ExplainSettings settings, boolean references,
                                                 BooleanSupplier cancelled) {
        String chosen = settings.method().name();
        calls.add("faithfulness " + (references ? "references" : chosen));
        if (faithfulnessGate != null) {
            faithfulnessGate.run();
        }
        if (cancelled.getAsBoolean()) {
            throw new java.util.concurrent.CancellationException("cancelled");
        }
        double[] x = {0, 0.25, 0.5, 0.75, 1};
        Map<String, Faithfulness.Outcome> outcomes = new LinkedHashMap<>();
        if (references) {
            outcomes.put("random", outcome("random", x, new double[] {0.8, 0.6, 0.4, 0.2, 0.0}));
            outcomes.put("occlusion", outcome("occlusion", x, new double[] {0.8, 0.4, 0.2, 0.1, 0.0}));
        } else if (settings.method().needs(Need.ATTENTIONS) && !analysis.hasAttentions()) {
            outcomes.put(chosen, new Faithfulness.Outcome(chosen, null, NO_ATTENTIONS, 0));
        } else {
            outcomes.put(chosen, outcome(chosen, x, new double[] {0.8, 0.2, 0.1, 0.05, 0.0}));
        }
        return new Faithfulness.ImageResult(0, "class0", 0.8, 0.0, outcomes, 10, 1, references ? 5.0 : 2.0);
    }

    /** Runs inside {@link #faithfulness} before it answers, when set. */
    volatile Runnable faithfulnessGate;

    private static Faithfulness.Outcome outcome(String name, double[] x, double[] deletion) {
        double[] insertion = new double[deletion.length];
        for (int i = 0; i < deletion.length; i++) {
            insertion[i] = 0.8 - deletion[i];
        }
        return new Faithfulness.Outcome(name, new PerturbationCurves.Curves(new Curve(x, deletion),
                new Curve(x, insertion)), null, 1);
    }

    @Override
    public BufferedImage renderHeatmap(Explanation heatmap, ColormapChoice colormap, int width, int height) {
        calls.add("render " + colormap);
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    }

    @Override
    public BufferedImage renderOverlay(BufferedImage image, ImageRegion region, Explanation heatmap,
                                       ColormapChoice colormap, double opacity) {
        calls.add("overlay " + colormap + " " + opacity);
        return new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    }

    /** Folders named {@code bad*} are refused; others become user model entries like "vit", named after the folder. */
    /** Where the fake's few-shot runs keep their derived feature models. */
    private Path featureCache;
    /** What {@link #cameraSnapshot} returns; null: there is no camera. */
    volatile RgbImage camera;

    /** The real few-shot training on the fake's tiny ViT, so the view-model sees real results and real errors. */
    @Override
    public dev.vitlens.fewshot.FewShotResult trainFewShot(String backboneId,
                                                          List<dev.vitlens.fewshot.ClassExamples> classes,
                                                          dev.vitlens.fewshot.FewShotTrainer.Listener progress,
                                                          BooleanSupplier cancelled) throws Exception {
        calls.add("fewshot " + backboneId + " " + classes.size());
        if (featureCache == null) {
            featureCache = java.nio.file.Files.createTempDirectory("fake-fewshot-cache");
        }
        dev.vitlens.fewshot.TrainingSet set = dev.vitlens.fewshot.TrainingSet.of(classes);
        try (dev.vitlens.fewshot.FeatureExtractor fx = dev.vitlens.fewshot.FeatureExtractor.open(
                backboneId.equals("vit") ? vit : plain, dev.vitlens.inference.RunnerOptions.defaults(),
                new dev.vitlens.inference.AttentionModelCache(featureCache))) {
            return dev.vitlens.fewshot.FewShotTrainer.train(fx, set, progress, cancelled);
        }
    }

    @Override
    public ImportResult saveFewShot(dev.vitlens.fewshot.FewShotResult result, String displayName,
                                    ModelImporter.ProgressListener progress) throws Exception {
        String id = ModelImporter.slug(displayName, "fewshot-model");
        calls.add("save fewshot " + id);
        progress.progress("Imported", 1.0);
        userModels.add(new ModelEntry(id, displayName, null, 32, 32, result.labels(), "CPU", "", "", true));
        return new ImportResult(id, Path.of(id), vit, Path.of(id), false, List.of(), "ok", List.of());
    }

    @Override
    public RgbImage cameraSnapshot() throws Exception {
        calls.add("snapshot");
        if (camera == null) {
            throw new IOException("No camera at index 0 (is one connected, and is camera access allowed?)");
        }
        return camera;
    }

    @Override
    public ImportResult importModel(Path source, ModelImporter.ProgressListener progress) throws Exception {
        String id = source.getFileName().toString();
        calls.add("import " + id);
        progress.progress("Reading", 0.25);
        if (id.startsWith("bad")) {
            throw new ModelImportException(ModelImportException.Reason.NO_CONFIG, "no config.json beside model.onnx");
        }
        progress.progress("Imported", 1.0);
        userModels.add(new ModelEntry(id, id, null, 32, 32, vit.labels(), "CPU", "", "", true));
        return new ImportResult(id, source, vit, source, false, List.of(), "ok", List.of());
    }

    @Override
    public void removeModel(String modelId) {
        calls.add("remove " + modelId);
        if (!userModels.removeIf(m -> m.id().equals(modelId))) {
            throw new IllegalArgumentException("\"" + modelId + "\" is a bundled model");
        }
    }

    @Override
    public void renameModel(String modelId, String displayName) {
        calls.add("rename " + modelId + " " + displayName);
        synchronized (userModels) {
            userModels.replaceAll(m -> m.id().equals(modelId) ? new ModelEntry(m.id(), displayName, m.family(),
                    m.inputHeight(), m.inputWidth(), m.labels(), m.device(), m.deviceNote(), m.unavailableReason(),
                    true) : m);
        }
    }

    /**
     * The real folder listing and evaluator over real image files, with this backend's rule for the model: an image
     * of width w is class (w-1)%3, with probability 0.8.
     */
    @Override
    public EvaluationReport evaluate(String modelId, Path folder, Evaluator.Listener progress,
                                     BooleanSupplier cancelled) throws Exception {
        calls.add("evaluate " + modelId + " " + folder.getFileName());
        EvaluationSet set = EvaluationSet.scan(folder, entry(modelId).labels());
        Evaluator.Classifier byWidth = new Evaluator.Classifier() {
            @Override
            public String modelId() {
                return modelId;
            }

            @Override
            public int neededShortSide() {
                return 0;
            }

            @Override
            public List<Classification> classifyBatch(List<RgbImage> images) {
                List<Classification> out = new ArrayList<>();
                for (RgbImage image : images) {
                    int best = (image.width() - 1) % 3;
                    float[] p = {0.1f, 0.1f, 0.1f};
                    p[best] = 0.8f;
                    out.add(new Classification(List.of(new Prediction("class" + best, best, 0.8f)), p,
                            new Classification.Timings(0, 0, 0)));
                }
                return out;
            }
        };
        return new Evaluator(2).evaluate(set, byWidth, progress, cancelled);
    }
}
