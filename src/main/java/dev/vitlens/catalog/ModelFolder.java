package dev.vitlens.catalog;

import dev.vitlens.onnx.OnnxSignature;
import dev.vitlens.onnx.OnnxSignature.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads and validates a model folder in Hugging Face layout. */
public final class ModelFolder {
    private ModelFolder() {
    }

    public static ModelInfo load(Path dir) throws ModelFormatException {
        if (!Files.exists(dir)) {
            throw new ModelFormatException("folder not found: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException("not a folder: " + dir);
        }
        String id = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        Path modelFile = dir.resolve(ModelInfo.MODEL_FILE);
        if (!Files.isRegularFile(modelFile)) {
            throw new ModelFormatException("missing " + ModelInfo.MODEL_FILE);
        }
        ModelConfig config = ModelConfig.read(dir.resolve(ModelInfo.CONFIG_FILE));
        PreprocessorConfig pre = PreprocessorConfig.read(dir.resolve(ModelInfo.PREPROCESSOR_FILE), config.family());
        Path metaFile = dir.resolve(ModelInfo.META_FILE);
        VitLensMeta meta = Files.exists(metaFile) ? VitLensMeta.read(metaFile) : VitLensMeta.EMPTY;
        if (meta.family() != null && meta.family() != config.family()) {
            throw new ModelFormatException("vitlens.json says family " + meta.family().displayName()
                    + " but config.json model_type is \"" + config.modelType() + "\"");
        }
        OnnxSignature signature;
        try {
            signature = OnnxSignature.read(modelFile);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(ModelInfo.MODEL_FILE + " is not a readable ONNX model: "
                    + Json.firstLine(e.getMessage()), e);
        }
        TokenLayout layout = checkGraph(config, signature);
        checkPreprocessingOutput(config, pre);
        return new ModelInfo(id, dir, config, pre, meta, layout, signature);
    }

    /** Cross-checks config.json against the graph's declared shapes; returns the token layout. */
    static TokenLayout checkGraph(ModelConfig config, OnnxSignature sig) throws ModelFormatException {
        TensorInfo input = sig.input(ModelInfo.INPUT_NAME).orElseThrow(() -> new ModelFormatException(
                "model.onnx has no input \"pixel_values\" (inputs: " + sig.inputs() + ")"));
        if (input.rank() != 4 || !input.isFloat()) {
            throw new ModelFormatException("model.onnx input " + input + " must be float32 [batch,3,H,W]");
        }
        expectDim(input, 1, config.numChannels(), "channels (num_channels)");
        expectDim(input, 2, config.imageHeight(), "height (image_size)");
        expectDim(input, 3, config.imageWidth(), "width (image_size)");
        TokenLayout layout = config.tokenLayout();
        var logits = sig.output(ModelInfo.LOGITS_NAME);
        if (logits.isPresent()) {
            checkClassifier(config, logits.get());
        } else {
            checkBackbone(config, sig, layout);
        }

        int attentions = sig.attentionOutputs();
        if (attentions > 0) {
            if (attentions != config.layers()) {
                throw new ModelFormatException("model.onnx has " + attentions + " attention outputs but config.json"
                        + " num_hidden_layers is " + config.layers());
            }
            TensorInfo a0 = sig.output("attentions.0").orElseThrow();
            if (a0.rank() != 4) {
                throw new ModelFormatException("model.onnx output " + a0 + " must be [batch, heads, T, T]");
            }
            expectDim(a0, 1, config.heads(), "heads (num_attention_heads)");
            expectTokens(a0, 2, layout);
            expectDim(a0, 3, layout.tokens(), "tokens");
        }
        return layout;
    }

    private static void checkClassifier(ModelConfig config, TensorInfo logits) throws ModelFormatException {
        if (logits.rank() != 2) {
            throw new ModelFormatException("model.onnx output " + logits + " must be [batch, labels]");
        }
        if (config.labels().isEmpty()) {
            throw new ModelFormatException("model.onnx outputs " + logits + " but config.json names no labels "
                    + "(no id2label or num_labels); a classifier needs its labels");
        }
        expectDim(logits, 1, config.labels().size(), "label count (id2label)");
    }

    /** A model without classification head must offer the encoder output, or there is nothing to show. */
    private static void checkBackbone(ModelConfig config, OnnxSignature sig, TokenLayout layout)
            throws ModelFormatException {
        var hidden = sig.output(ModelInfo.LAST_HIDDEN_STATE_NAME);
        var pooled = sig.output(ModelInfo.POOLER_OUTPUT_NAME);
        if (hidden.isEmpty() && pooled.isEmpty()) {
            throw new ModelFormatException("model.onnx has no output \"logits\" (classifier) and no"
                    + " \"last_hidden_state\" or \"pooler_output\" (backbone); outputs: " + sig.outputs());
        }
        if (hidden.isPresent()) {
            TensorInfo h = hidden.get();
            if (h.rank() != 3) {
                throw new ModelFormatException("model.onnx output " + h + " must be [batch, tokens, hidden]");
            }
            expectTokens(h, 1, layout);
            expectDim(h, 2, config.hiddenSize(), "hidden size (hidden_size)");
        }
        if (pooled.isPresent()) {
            TensorInfo p = pooled.get();
            if (p.rank() != 2) {
                throw new ModelFormatException("model.onnx output " + p + " must be [batch, hidden]");
            }
            expectDim(p, 1, config.hiddenSize(), "hidden size (hidden_size)");
        }
    }

    private static void expectTokens(TensorInfo t, int axis, TokenLayout layout) throws ModelFormatException {
        long actual = t.dim(axis);
        if (actual != OnnxSignature.DYNAMIC && actual != layout.tokens()) {
            throw new ModelFormatException("model.onnx " + t + " has " + actual + " tokens but config.json implies "
                    + layout.tokens() + " (prefix + patches = " + layout.prefixTokens() + " + " + layout.patches() + ")"
                    + layout.tokenMismatchHint(actual));
        }
    }

    private static void expectDim(TensorInfo t, int axis, int expected, String what) throws ModelFormatException {
        long actual = t.dim(axis);
        if (actual != OnnxSignature.DYNAMIC && actual != expected) {
            throw new ModelFormatException("model.onnx " + t + " has " + actual + " for " + what
                    + " but config.json implies " + expected);
        }
    }

    /** A fixed-size preprocessing output must be the size the model was trained on. */
    static void checkPreprocessingOutput(ModelConfig config, PreprocessorConfig pre) throws ModelFormatException {
        int[] out = pre.fixedOutputSize();
        if (out == null) {
            throw new ModelFormatException("preprocessor_config.json does not produce a fixed size (resize "
                    + (pre.doResize() ? pre.size() : "off") + ", no center crop) but the model needs "
                    + config.imageHeight() + "x" + config.imageWidth());
        }
        int h = out[0];
        int w = out[1];
        if (h != config.imageHeight() || w != config.imageWidth()) {
            throw new ModelFormatException("preprocessor_config.json produces " + h + "x" + w
                    + " images but config.json image_size is " + config.imageHeight() + "x" + config.imageWidth());
        }
    }
}
