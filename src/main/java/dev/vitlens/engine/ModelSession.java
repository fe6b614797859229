package dev.vitlens.engine;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.MethodInput;
import dev.vitlens.engine.method.Need;
import dev.vitlens.engine.method.ParameterValues;
import dev.vitlens.explain.BatchScorer;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * One opened model: preprocess, run, read out, top-k, explain. Built by {@link AnalysisEngine#open}, which decides
 * whether it runs the export itself or a derived copy with attention outputs.
 *
 * <p>{@link #analyse} and {@link #explain} may run concurrently (each call preprocesses into its own buffer); the
 * {@code classify} methods reuse one buffer and are synchronized: use one session per worker for parallel batches.
 */
public final class ModelSession implements AutoCloseable {
    private final ModelInfo model;
    private final ModelRunner runner;
    private final boolean attentionsAdded;
    private final String noAttentionsReason;
    private final double deriveMillis;
    private final double loadMillis;
    private final Preprocessor preprocessor;

    private ModelSession(ModelInfo model, ModelRunner runner, boolean attentionsAdded, String noAttentionsReason,
                         double deriveMillis, double loadMillis) {
        this.model = model;
        this.runner = runner;
        this.attentionsAdded = attentionsAdded;
        this.noAttentionsReason = noAttentionsReason;
        this.deriveMillis = deriveMillis;
        this.loadMillis = loadMillis;
        this.preprocessor = Preprocessor.forModel(model);
    }

    static ModelSession open(ModelInfo model, ModelInfo runnable, boolean attentionsAdded, String noAttentionsReason,
                             double deriveMillis, RunnerOptions options) throws ModelLoadException {
        long start = System.nanoTime();
        ModelRunner runner = ModelRunner.open(runnable, options);
        return new ModelSession(model, runner, attentionsAdded, noAttentionsReason, deriveMillis,
                (System.nanoTime() - start) / 1e6);
    }

    /**
     * A session for classification, running the model as exported.
     *
     * @throws ModelLoadException also for a model without classification head, with a message pointing to its
     *                            embedding ({@code vitlens embed})
     */
    public static ModelSession forClassification(ModelInfo info, RunnerOptions options) throws ModelLoadException {
        if (!info.hasClassifier()) {
            throw new ModelLoadException(noHeadMessage(info));
        }
        return open(info, info, false, info.hasAttentions() ? "" : "model " + info.id() + " exports no attentions",
                0, options);
    }

    /** Why a backbone cannot classify, and what it offers instead. */
    public static String noHeadMessage(ModelInfo info) {
        return "model \"" + info.id() + "\" has no classification head (a " + info.family().displayName()
                + " backbone with outputs " + info.signature().outputs().stream()
                .map(t -> t.name()).filter(n -> !n.startsWith("attentions.")).toList()
                + "): it gives no labels; use `vitlens embed -m " + info.id() + " IMAGE` for its embedding";
    }

    /** The model as the user chose it (its id, labels, layout); {@link #runner()} may run a derived copy. */
    public ModelInfo model() {
        return model;
    }

    public ModelRunner runner() {
        return runner;
    }

    /** Whether this session runs a derived copy with attention outputs added. */
    public boolean attentionsAdded() {
        return attentionsAdded;
    }

    /** Whether {@link #analyse} can keep attention maps. */
    public boolean givesAttentions() {
        return !runner.attentionOutputs().isEmpty();
    }

    /** Why there are no attention maps, or empty when there are. */
    public String noAttentionsReason() {
        return givesAttentions() ? "" : noAttentionsReason;
    }

    /** Time spent finding or building the derived copy (0 when none was needed). */
    public double deriveMillis() {
        return deriveMillis;
    }

    /** Time spent creating the ONNX Runtime session. */
    public double loadMillis() {
        return loadMillis;
    }

    /** The short side a decoder must keep so preprocessing sees full detail. */
    public int neededShortSide() {
        return preprocessor.neededShortSide();
    }

    // ---- classification: several images, top-k only ---------------------------------------------------------

    public synchronized Classification classify(Path file, int k) throws ImageDecodeException, InferenceException {
        long t0 = System.nanoTime();
        RgbImage image = ImageDecoder.decode(file, preprocessor.neededShortSide()).image();
        double decodeMs = (System.nanoTime() - t0) / 1e6;
        Classification c = classify(image, k);
        return new Classification(c.top(), c.probabilities(), c.timings().withDecode(decodeMs));
    }

    public synchronized Classification classify(RgbImage image, int k) throws InferenceException {
        return classifyBatch(List.of(image), k).get(0);
    }

    /** Several images in one inference call. */
    public synchronized List<Classification> classifyBatch(List<RgbImage> images, int k) throws InferenceException {
        return classifyBatch(prepareBatch(images), k);
    }

    /**
     * Images preprocessed into one model input by {@link #prepareBatch}, for a caller that does something between
     * preprocessing and inference (the live pipeline times them as different stages).
     *
     * @param pixels           the session's reused input buffer: valid until its next {@code prepareBatch}
     * @param preprocessMillis what preprocessing the whole batch took
     */
    public record PreparedBatch(FloatBuffer pixels, int count, double preprocessMillis) { }

    /** The first half of {@link #classifyBatch(List, int)}: HF-exact preprocessing of every image. */
    public synchronized PreparedBatch prepareBatch(List<RgbImage> images) {
        long t0 = System.nanoTime();
        FloatBuffer input = preprocessor.processBatch(images);
        return new PreparedBatch(input, images.size(), (System.nanoTime() - t0) / 1e6);
    }

    /** The second half of {@link #classifyBatch(List, int)}: one inference call, softmax and top {@code k}. */
    public synchronized List<Classification> classifyBatch(PreparedBatch batch, int k) throws InferenceException {
        long t0 = System.nanoTime();
        float[][] logits = runner.logits(batch.pixels(), batch.count());
        int n = batch.count();
        Classification.Timings timings = new Classification.Timings(0, batch.preprocessMillis() / n,
                (System.nanoTime() - t0) / 1e6 / n);
        List<Classification> out = new ArrayList<>(n);
        for (float[] l : logits) {
            float[] p = Scores.softmax(l);
            out.add(new Classification(Scores.topK(p, model.labels(), k), p, timings));
        }
        return out;
    }

    // ---- analysis: one image, kept for explanations -----------------------------------------------------------

    /**
     * Preprocesses and runs one image; with {@code keepAttentions} (and a model that gives them) the attention maps
     * are kept for attention-based explanations (a gallery batch skips them: copying every layer costs time and
     * memory it never uses).
     */
    public Analysis analyse(RgbImage image, int topK, boolean keepAttentions) throws InferenceException {
        long start = System.nanoTime();
        // Each call gets its own preprocessor: the gallery and the viewer analyse concurrently.
        float[] pixels = Preprocessor.forModel(model).toArray(image);
        long preprocessed = System.nanoTime();
        ModelRunner.Output output = runner.run(FloatBuffer.wrap(pixels), 1, keepAttentions);
        long inferred = System.nanoTime();
        float[] probabilities = output.logits() == null ? new float[0] : Scores.softmax(output.logits()[0]);
        List<Prediction> top = output.logits() == null ? List.of() : Scores.topK(probabilities, model.labels(), topK);
        Classification classification = new Classification(top, probabilities, new Classification.Timings(0,
                (preprocessed - start) / 1e6, (inferred - preprocessed) / 1e6));
        ImageRegion seen = ImageRegion.seenBy(model.preprocessor(), image.height(), image.width());
        return new Analysis(model, classification, pixels, output.hasAttentions() ? output.attentions()[0] : null,
                seen, runner.device().name(), runner.fallbackReason().map(r -> "CUDA not used: " + r).orElse(""),
                attentionsAdded, noAttentionsReason());
    }

    /**
     * Explains an analysis of this session's model.
     *
     * @param cancelled checked between batches by long methods; a cancelled run throws {@link CancellationException}
     * @throws IllegalArgumentException when the model cannot give what the method needs, or a value is bad
     * @throws InferenceException       when a forward pass of a perturbation method fails
     */
    public Explanation explain(Analysis analysis, ExplanationMethod method, ParameterValues values,
                               BooleanSupplier cancelled) throws InferenceException {
        if (method.needs(Need.ATTENTIONS) && !analysis.hasAttentions()) {
            String reason = analysis.noAttentionsReason();
            throw new IllegalArgumentException(reason.isEmpty()
                    ? "model " + model.id() + " returned no attentions"
                    : method.title() + " needs attention maps, and model " + model.id() + " has none: " + reason);
        }
        if (method.needs(Need.SCORER) && !model.hasClassifier()) {
            throw new IllegalArgumentException(method.name() + " needs class scores but model \"" + model.id()
                    + "\" has no classification head");
        }
        try {
            return method.explain(input(analysis, cancelled), values);
        } catch (ScoringFailed e) {
            throw e.getCause();
        }
    }

    /** What {@code method}s see of an analysis; the scorer runs this session's model. */
    public MethodInput input(Analysis analysis, BooleanSupplier cancelled) {
        BooleanSupplier stop = cancelled == null ? () -> false : cancelled;
        BatchScorer scorer = !model.hasClassifier() ? null : inputs -> {
            if (stop.getAsBoolean()) {
                throw new CancellationException("explanation cancelled");
            }
            try {
                return runner.logits(inputs);
            } catch (InferenceException e) {
                throw new ScoringFailed(e);
            }
        };
        int topClass = analysis.top().isEmpty() ? -1 : analysis.top().get(0).index();
        return new MethodInput(model.layout(), model.family(), model.labels(), model.inputHeight(), model.inputWidth(),
                analysis.pixels(), analysis.attentions(), topClass, scorer, stop);
    }

    /** Carries an inference failure out of a {@link BatchScorer}, which cannot throw checked exceptions. */
    private static final class ScoringFailed extends RuntimeException {
        ScoringFailed(InferenceException cause) {
            super(cause);
        }

        @Override
        public synchronized InferenceException getCause() {
            return (InferenceException) super.getCause();
        }
    }

    /**
     * Closes the model. Safe while other threads use the session: runs already inside ONNX Runtime finish, later ones
     * fail with "model ... was closed" ({@link ModelRunner#close}); it never waits.
     */
    @Override
    public void close() {
        runner.close();
    }
}
