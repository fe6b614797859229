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
import java.util.Map;

/**
 * Image embeddings from a backbone (a model without classification head, e.g. ViT in21k exported with
 * {@code --task feature-extraction}): the [CLS] token of {@code last_hidden_state} and {@code pooler_output}
 * (HF's pooler: dense + tanh on [CLS]). Synchronized: the preprocessor reuses one buffer.
 */
public final class Embedder implements AutoCloseable {
    private final ModelRunner runner;
    private final Preprocessor preprocessor;

    /**
     * One image's embedding; either part is null when the graph lacks that output.
     *
     * @param cls    {@code last_hidden_state[0, 0, :]}, the [CLS] token after the final LayerNorm
     * @param pooled {@code pooler_output[0, :]}
     */
    public record Embedding(float[] cls, float[] pooled) {
    }

    public Embedder(ModelRunner runner) {
        this.runner = runner;
        this.preprocessor = Preprocessor.forModel(runner.model());
    }

    /** @throws ModelLoadException when the model outputs neither last_hidden_state nor pooler_output */
    public static Embedder open(ModelInfo info, RunnerOptions options) throws ModelLoadException {
        if (!info.hasLastHiddenState() && !info.hasPoolerOutput()) {
            throw new ModelLoadException("model \"" + info.id() + "\" outputs no embedding (no last_hidden_state or"
                    + " pooler_output; it is a classifier export): use `vitlens classify`, or export the backbone"
                    + " with `optimum-cli export onnx --task feature-extraction`");
        }
        return new Embedder(ModelRunner.open(info, options));
    }

    public ModelRunner runner() {
        return runner;
    }

    public synchronized Embedding embed(Path file) throws ImageDecodeException, InferenceException {
        return embed(ImageDecoder.decode(file, preprocessor.neededShortSide()).image());
    }

    public synchronized Embedding embed(RgbImage image) throws InferenceException {
        ModelInfo info = runner.model();
        List<String> names = new ArrayList<>();
        if (info.hasLastHiddenState()) {
            names.add(ModelInfo.LAST_HIDDEN_STATE_NAME);
        }
        if (info.hasPoolerOutput()) {
            names.add(ModelInfo.POOLER_OUTPUT_NAME);
        }
        FloatBuffer input = preprocessor.process(image);
        Map<String, ModelRunner.Tensor> out = runner.run(input, 1, names);
        float[] cls = null;
        ModelRunner.Tensor hidden = out.get(ModelInfo.LAST_HIDDEN_STATE_NAME);
        if (hidden != null) {
            int width = (int) hidden.shape()[2];
            cls = new float[width];
            System.arraycopy(hidden.data(), 0, cls, 0, width); // batch 0, token 0
        }
        ModelRunner.Tensor pooled = out.get(ModelInfo.POOLER_OUTPUT_NAME);
        return new Embedding(cls, pooled == null ? null : pooled.data().clone());
    }

    @Override
    public void close() {
        runner.close();
    }
}
