package dev.vitlens.inference;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * File or image in, top-k out: decode, HF-exact preprocessing, inference, softmax. Methods are synchronized
 * because the preprocessor reuses one buffer; use one instance per worker thread for parallelism.
 */
public final class Classifier implements AutoCloseable {
    private final ModelRunner runner;
    private final Preprocessor preprocessor;

    /** Milliseconds spent per stage for one image (batch stages are divided evenly). */
    public record Timings(double decodeMs, double preprocessMs, double inferenceMs) {
    }

    /** Top-k predictions, all class probabilities, and timings. */
    public record Classification(List<Prediction> top, float[] probabilities, Timings timings) {
    }

    public Classifier(ModelRunner runner) {
        this.runner = runner;
        this.preprocessor = Preprocessor.forModel(runner.model());
    }

    /**
     * @throws ModelLoadException also for a model without classification head, with a message pointing to its
     *                            embedding ({@code vitlens embed})
     */
    public static Classifier open(ModelInfo info, RunnerOptions options) throws ModelLoadException {
        if (!info.hasClassifier()) {
            throw new ModelLoadException(noHeadMessage(info));
        }
        return new Classifier(ModelRunner.open(info, options));
    }

    /** Why a backbone cannot classify, and what it offers instead. */
    public static String noHeadMessage(ModelInfo info) {
        return "model \"" + info.id() + "\" has no classification head (a " + info.family().displayName()
                + " backbone with outputs " + info.signature().outputs().stream()
                .map(t -> t.name()).filter(n -> !n.startsWith("attentions.")).toList()
                + "): it gives no labels; use `vitlens embed -m " + info.id() + " IMAGE` for its embedding";
    }

    public ModelRunner runner() {
        return runner;
    }

    public ModelInfo model() {
        return runner.model();
    }

    public synchronized Classification classify(Path file, int k) throws ImageDecodeException, InferenceException {
        long t0 = System.nanoTime();
        RgbImage image = ImageDecoder.decode(file, preprocessor.neededShortSide()).image();
        double decodeMs = (System.nanoTime() - t0) / 1e6;
        Classification c = classify(image, k);
        return new Classification(c.top(), c.probabilities(),
                new Timings(decodeMs, c.timings().preprocessMs(), c.timings().inferenceMs()));
    }

    public synchronized Classification classify(RgbImage image, int k) throws InferenceException {
        return classifyBatch(List.of(image), k).get(0);
    }

    /** Several images in one inference call. */
    public synchronized List<Classification> classifyBatch(List<RgbImage> images, int k) throws InferenceException {
        long t0 = System.nanoTime();
        FloatBuffer input = preprocessor.processBatch(images);
        long t1 = System.nanoTime();
        float[][] logits = runner.logits(input, images.size());
        long t2 = System.nanoTime();
        int n = images.size();
        Timings timings = new Timings(0, (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n);
        List<Classification> out = new ArrayList<>(n);
        for (float[] l : logits) {
            float[] p = Scores.softmax(l);
            out.add(new Classification(Scores.topK(p, runner.model().labels(), k), p, timings));
        }
        return out;
    }

    @Override
    public void close() {
        runner.close();
    }
}
