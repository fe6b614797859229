package dev.vitlens.camera;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.engine.Scores;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The inference engine as a {@link FaceClassifier}: all crops of a frame are preprocessed exactly like the model's
 * Hugging Face image processor and run as ONE batch; each crop gets its top label and softmax probability.
 * Used from the pipeline's single processing thread (the preprocessor reuses its buffer).
 */
public final class ModelFaceClassifier implements FaceClassifier.Staged<FloatBuffer>, AutoCloseable {

    private final ModelRunner runner;
    private final Preprocessor preprocessor;
    private final List<String> labels;
    private final boolean ownsRunner;

    /** Wraps an open runner; the caller keeps ownership of it. */
    public ModelFaceClassifier(ModelRunner runner) {
        this(runner, false);
    }

    private ModelFaceClassifier(ModelRunner runner, boolean ownsRunner) {
        this.runner = runner;
        this.preprocessor = Preprocessor.forModel(runner.model());
        this.labels = runner.model().labels();
        this.ownsRunner = ownsRunner;
    }

    /** Loads the model; {@link #close()} releases it. */
    public static ModelFaceClassifier open(ModelInfo model, RunnerOptions options) throws ModelLoadException {
        return new ModelFaceClassifier(ModelRunner.open(model, options), true);
    }

    public ModelRunner runner() {
        return runner;
    }

    @Override
    public synchronized FloatBuffer prepare(List<BufferedImage> crops) {
        List<RgbImage> images = new ArrayList<>(crops.size());
        for (BufferedImage crop : crops) {
            images.add(RgbImage.from(crop));
        }
        return preprocessor.processBatch(images);
    }

    @Override
    public synchronized List<FaceLabel> infer(FloatBuffer prepared, int count) throws InferenceException {
        float[][] logits = runner.logits(prepared, count);
        List<FaceLabel> out = new ArrayList<>(count);
        for (float[] l : logits) {
            float[] p = Scores.softmax(l);
            int best = 0;
            for (int i = 1; i < p.length; i++) {
                if (p[i] > p[best]) {
                    best = i;
                }
            }
            out.add(new FaceLabel(best < labels.size() ? labels.get(best) : "class " + best, p[best]));
        }
        return out;
    }

    @Override
    public void close() {
        if (ownsRunner) {
            runner.close();
        }
    }
}
