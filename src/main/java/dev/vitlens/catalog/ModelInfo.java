package dev.vitlens.catalog;

import dev.vitlens.onnx.OnnxSignature;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything known about a valid model folder, checked for consistency between the configs and the ONNX graph.
 *
 * @param id           folder name
 * @param dir          the folder
 * @param config       parsed config.json
 * @param preprocessor parsed preprocessor_config.json
 * @param meta         parsed vitlens.json, or {@link VitLensMeta#EMPTY}
 * @param layout       token layout, cross-checked with the graph's attention outputs when present
 * @param signature    graph inputs and outputs
 */
public record ModelInfo(String id, Path dir, ModelConfig config, PreprocessorConfig preprocessor, VitLensMeta meta,
                        TokenLayout layout, OnnxSignature signature) {

    public static final String MODEL_FILE = "model.onnx";
    public static final String CONFIG_FILE = "config.json";
    public static final String PREPROCESSOR_FILE = "preprocessor_config.json";
    public static final String META_FILE = "vitlens.json";
    public static final String INPUT_NAME = "pixel_values";
    public static final String LOGITS_NAME = "logits";
    /** Backbone outputs (a model without classification head, e.g. ViT in21k exported for feature extraction). */
    public static final String LAST_HIDDEN_STATE_NAME = "last_hidden_state";
    public static final String POOLER_OUTPUT_NAME = "pooler_output";

    public Path modelFile() {
        return dir.resolve(MODEL_FILE);
    }

    public String displayName() {
        return meta.displayName() != null ? meta.displayName() : id;
    }

    public Family family() {
        return config.family();
    }

    public List<String> labels() {
        return config.labels();
    }

    public int inputHeight() {
        return config.imageHeight();
    }

    public int inputWidth() {
        return config.imageWidth();
    }

    /** True when the graph exports per-layer attention probabilities ({@code attentions.0..L-1}). */
    public boolean hasAttentions() {
        return signature.attentionOutputs() > 0;
    }

    /**
     * True when the graph has a classification head ({@code logits}); false for a backbone, which offers
     * {@code last_hidden_state} and/or {@code pooler_output} instead (embeddings, attention maps; no top-k).
     */
    public boolean hasClassifier() {
        return signature.output(LOGITS_NAME).isPresent();
    }

    /** True when the graph outputs {@code last_hidden_state} ({@code [batch, T, hidden]}). */
    public boolean hasLastHiddenState() {
        return signature.output(LAST_HIDDEN_STATE_NAME).isPresent();
    }

    /** True when the graph outputs {@code pooler_output} ({@code [batch, hidden]}). */
    public boolean hasPoolerOutput() {
        return signature.output(POOLER_OUTPUT_NAME).isPresent();
    }

    /** Sample images listed in vitlens.json, resolved against the model folder. */
    public List<Path> samplePaths() {
        return meta.samples().stream().map(dir::resolve).toList();
    }
}
