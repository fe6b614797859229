package dev.vitlens.camera;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.ModelSession.PreparedBatch;
import dev.vitlens.engine.Prediction;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The analysis engine as a {@link FaceClassifier}: all crops of a frame are classified as ONE batch by a
 * {@link ModelSession} (the same preprocessing, inference and read-out as {@code vitlens classify} and the
 * workbench), each crop getting its top label and softmax probability. Staged so the pipeline reports
 * preprocessing with the crop stage and inference as the classify stage. Used from the pipeline's single
 * processing thread (the session reuses its input buffer between {@link #prepare} and {@link #infer}).
 */
public final class ModelFaceClassifier implements FaceClassifier.Staged<PreparedBatch>, AutoCloseable {

    private final ModelSession session;

    private ModelFaceClassifier(ModelSession session) {
        this.session = session;
    }

    /**
     * Loads the model; {@link #close()} releases it.
     *
     * @throws ModelLoadException also for a model without classification head (it gives no labels)
     */
    /**
     * Runner options for live frames: one intra-op thread. The face crops are tiny (a 2-image batch of a 1.2M-parameter
     * model takes 2-3 ms), so a second thread buys little, and ONNX Runtime's pool spins between runs on the core
     * that capture decoding needs: measured with {@code LiveBenchmark --frames 300 --model deit-mask --cv-threads 1}
     * on the idle 2-core machine, the whole process used 17.4 CPU-ms per frame with 1 thread against 50.0 with 2, for
     * the same 30.1 FPS and no dropped frames (docs/face-detection.md, Timing).
     */
    public static RunnerOptions liveOptions(Device device) {
        return RunnerOptions.on(device).withThreads(1, 1);
    }

    public static ModelFaceClassifier open(ModelInfo model, RunnerOptions options) throws ModelLoadException {
        return new ModelFaceClassifier(ModelSession.forClassification(model, options));
    }

    public ModelRunner runner() {
        return session.runner();
    }

    @Override
    public PreparedBatch prepare(List<BufferedImage> crops) {
        List<RgbImage> images = new ArrayList<>(crops.size());
        for (BufferedImage crop : crops) {
            images.add(RgbImage.from(crop));
        }
        return session.prepareBatch(images);
    }

    @Override
    public List<FaceLabel> infer(PreparedBatch prepared, int count) throws InferenceException {
        if (prepared.count() != count) {
            throw new IllegalArgumentException(count + " crops, but " + prepared.count() + " were prepared");
        }
        List<FaceLabel> out = new ArrayList<>(count);
        for (var classification : session.classifyBatch(prepared, 1)) {
            Prediction best = classification.top().get(0);
            out.add(new FaceLabel(best.label(), best.score()));
        }
        return out;
    }

    @Override
    public void close() {
        session.close();
    }
}
