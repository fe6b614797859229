package dev.vitlens.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Hugging Face {@code config.json} ViTLens uses.
 *
 * @param modelType       HF {@code model_type} as written (e.g. "vit")
 * @param family          the family it maps to
 * @param architectures   HF {@code architectures} (may be empty)
 * @param labels          class labels by index, from {@code id2label}; gaps are filled with "LABEL_i"; empty when
 *                        the config names none (a backbone without classification head, e.g. ViT in21k)
 * @param imageHeight     model input height ({@code image_size} int or [h, w])
 * @param imageWidth      model input width
 * @param patchSize       pixels per patch side
 * @param numChannels     input channels (3)
 * @param hiddenSize      embedding width
 * @param layers          encoder layers ({@code num_hidden_layers})
 * @param heads           attention heads per layer
 * @param useMeanPooling  BEiT: classification head on the mean of the patch tokens
 */
public record ModelConfig(String modelType, Family family, List<String> architectures, List<String> labels,
                          int imageHeight, int imageWidth, int patchSize, int numChannels, int hiddenSize,
                          int layers, int heads, boolean useMeanPooling) {

    /** More classes than this is a corrupt or hostile file, not a real classifier. */
    public static final int MAX_LABELS = 100_000;

    public ModelConfig {
        architectures = List.copyOf(architectures);
        labels = List.copyOf(labels);
    }

    public static ModelConfig read(Path file) throws ModelFormatException {
        return parse(Json.read(file), file.getFileName().toString());
    }

    public static ModelConfig parse(String json) throws ModelFormatException {
        return parse(Json.parse(json, "config.json"), "config.json");
    }

    static ModelConfig parse(JsonNode root, String source) throws ModelFormatException {
        Json.Fields f = new Json.Fields(root, source);
        String modelType = f.string("model_type", null);
        if (modelType == null) {
            throw f.error("model_type", "is missing (expected \"vit\", \"deit\" or \"beit\")");
        }
        Family family = Family.fromModelType(modelType).orElseThrow(() -> new ModelFormatException(source
                + ": model_type \"" + modelType + "\" is not supported (expected \"vit\", \"deit\" or \"beit\")"));

        List<String> architectures = new ArrayList<>();
        JsonNode arch = f.get("architectures");
        if (arch != null) {
            if (!arch.isArray()) {
                throw f.error("architectures", "must be an array of strings, got " + Json.Fields.describe(arch));
            }
            for (JsonNode a : arch) {
                if (!a.isTextual()) {
                    throw f.error("architectures", "must contain only strings");
                }
                architectures.add(a.asText());
            }
        }

        int[] imageSize = imageSize(f);
        int patchSize = f.positiveInt("patch_size", 16);
        if (imageSize[0] % patchSize != 0 || imageSize[1] % patchSize != 0) {
            throw new ModelFormatException(source + ": image_size " + imageSize[0] + "x" + imageSize[1]
                    + " is not a multiple of patch_size " + patchSize);
        }
        return new ModelConfig(modelType, family, architectures, labels(f), imageSize[0], imageSize[1], patchSize,
                f.positiveInt("num_channels", 3), f.positiveInt("hidden_size", 768),
                f.positiveInt("num_hidden_layers", 12), f.positiveInt("num_attention_heads", 12),
                f.bool("use_mean_pooling", family == Family.BEIT));
    }

    private static int[] imageSize(Json.Fields f) throws ModelFormatException {
        JsonNode v = f.get("image_size");
        if (v == null) {
            return new int[] {224, 224};
        }
        if (v.isArray()) {
            if (v.size() != 2) {
                throw f.error("image_size", "must be an integer or [height, width], got an array of " + v.size());
            }
            return new int[] {f.positiveInt("image_size", v.get(0)), f.positiveInt("image_size", v.get(1))};
        }
        int side = f.positiveInt("image_size", v);
        return new int[] {side, side};
    }

    private static List<String> labels(Json.Fields f) throws ModelFormatException {
        JsonNode map = f.get("id2label");
        if (map == null) {
            JsonNode numLabels = f.get("num_labels");
            if (numLabels == null) {
                // Legal for a backbone; ModelFolder rejects a classifier (logits output) without labels.
                return List.of();
            }
            int n = f.positiveInt("num_labels", numLabels);
            if (n > MAX_LABELS) {
                throw f.error("num_labels", "is " + n + ", more than " + MAX_LABELS);
            }
            List<String> generated = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                generated.add("LABEL_" + i);
            }
            return generated;
        }
        if (!map.isObject()) {
            throw f.error("id2label", "must be an object {\"0\": \"label\", ...}, got " + Json.Fields.describe(map));
        }
        if (map.size() == 0) {
            throw f.error("id2label", "is empty");
        }
        if (map.size() > MAX_LABELS) {
            throw f.error("id2label", "has " + map.size() + " entries, more than " + MAX_LABELS);
        }
        int max = -1;
        java.util.TreeMap<Integer, String> byIndex = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int index;
            try {
                index = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw f.error("id2label", "has a non-integer key \"" + e.getKey() + "\"");
            }
            if (index < 0 || index >= MAX_LABELS) {
                throw f.error("id2label", "has key " + index + " outside 0.." + (MAX_LABELS - 1));
            }
            if (!e.getValue().isTextual() && !e.getValue().isNumber()) {
                throw f.error("id2label", "value for \"" + e.getKey() + "\" must be a string");
            }
            byIndex.put(index, e.getValue().asText());
            max = Math.max(max, index);
        }
        List<String> labels = new ArrayList<>(max + 1);
        for (int i = 0; i <= max; i++) {
            labels.add(byIndex.getOrDefault(i, "LABEL_" + i));
        }
        return labels;
    }

    public int gridHeight() {
        return imageHeight / patchSize;
    }

    public int gridWidth() {
        return imageWidth / patchSize;
    }

    /** Token layout as the config describes it (before any cross-check with the ONNX graph). */
    public TokenLayout tokenLayout() {
        return new TokenLayout(family.prefixTokens(), gridHeight(), gridWidth(), patchSize, layers, heads);
    }
}
