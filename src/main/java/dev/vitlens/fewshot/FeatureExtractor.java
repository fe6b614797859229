package dev.vitlens.fewshot;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.onnx.LinearHeadSurgery;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backbone's read-out features ({@link LinearHeadSurgery}: [CLS], the mean of the patches, or DeiT's [CLS] and
 * [DIST]) for batches of images. Runs a cached copy of the model with a {@code features} output, so the user's model
 * file is never written to. Synchronized: the preprocessor reuses one buffer.
 */
public final class FeatureExtractor implements AutoCloseable {
    /** Written next to the derived model: what the features are, for messages and the saved model's record. */
    static final String DESCRIPTION_FILE = "features.txt";

    static final AttentionModelCache.Variant FEATURES = new AttentionModelCache.Variant() {
        @Override
        public String version() {
            return "features-v1";
        }

        @Override
        public String adds() {
            return "a read-out features output";
        }

        @Override
        public String copyName() {
            return "copy with a features output";
        }

        @Override
        public boolean runsAsIs(ModelInfo info) {
            return false;
        }

        @Override
        public Map<String, byte[]> derive(ModelInfo info, ModelProto original) throws OnnxModelException {
            LinearHeadSurgery.Exposed exposed = LinearHeadSurgery.exposeFeatures(original, info.family());
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(ModelInfo.MODEL_FILE, exposed.bytes());
            files.put(DESCRIPTION_FILE, exposed.description().getBytes(StandardCharsets.UTF_8));
            return files;
        }
    };

    private final ModelInfo backbone;
    private final ModelRunner runner;
    private final Preprocessor preprocessor;
    private final String description;

    private FeatureExtractor(ModelInfo backbone, ModelRunner runner, String description) {
        this.backbone = backbone;
        this.runner = runner;
        this.preprocessor = Preprocessor.forModel(backbone);
        this.description = description;
    }

    /**
     * @throws FewShotException when the model offers no read-out features (its head is not linear, a backbone with
     *                          nothing to read); the message says which
     * @throws ModelLoadException when the model cannot be loaded
     */
    public static FeatureExtractor open(ModelInfo backbone, RunnerOptions options)
            throws FewShotException, ModelLoadException {
        return open(backbone, options, AttentionModelCache.standard());
    }

    public static FeatureExtractor open(ModelInfo backbone, RunnerOptions options, AttentionModelCache cache)
            throws FewShotException, ModelLoadException {
        try {
            // Checked on the original first, so a model that cannot be a backbone says so in its own words.
            LinearHeadSurgery.describeFeatures(OnnxModelFiles.read(backbone.modelFile()), backbone.family());
        } catch (OnnxModelException e) {
            throw new FewShotException(backbone.id() + " cannot be a few-shot backbone: " + e.getMessage(), e);
        }
        AttentionModelCache.Resolved derived = cache.resolve(backbone, FEATURES);
        String description;
        try {
            description = Files.readString(derived.model().dir().resolve(DESCRIPTION_FILE), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            description = "read-out features";
        }
        return new FeatureExtractor(backbone, ModelRunner.open(derived.model(), options), description.strip());
    }

    public ModelInfo backbone() {
        return backbone;
    }

    /** What the features are ("the [CLS] token after the final LayerNorm ..."). */
    public String description() {
        return description;
    }

    /** The short side a decoder must keep for this backbone's preprocessing. */
    public int neededShortSide() {
        return preprocessor.neededShortSide();
    }

    /** One feature vector per image, in order. */
    public synchronized float[][] features(List<RgbImage> images) throws InferenceException {
        if (images.isEmpty()) {
            return new float[0][];
        }
        FloatBuffer input = preprocessor.processBatch(images);
        ModelRunner.Tensor t = runner.run(input, images.size(), List.of(LinearHeadSurgery.FEATURES))
                .get(LinearHeadSurgery.FEATURES);
        if (t.shape().length != 2 || t.shape()[0] != images.size()) {
            throw new InferenceException("the features output of " + backbone.id() + " has shape "
                    + java.util.Arrays.toString(t.shape()) + ", expected [" + images.size() + ", F]", null);
        }
        int width = (int) t.shape()[1];
        float[][] out = new float[images.size()][width];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(t.data(), i * width, out[i], 0, width);
        }
        return out;
    }

    @Override
    public void close() {
        runner.close();
    }

    /** Where the derived copy lives (tests). */
    Path derivedDir() {
        return runner.model().dir();
    }
}
