package dev.vitlens.fewshot;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.onnx.ExternalData;
import dev.vitlens.onnx.LinearHeadSurgery;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.output.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Saves a few-shot head as a new model in the Hugging Face layout, usable everywhere a model is: {@code model.onnx}
 * is the backbone's graph with its head replaced by the fitted one ({@link LinearHeadSurgery#replaceHead}),
 * {@code config.json} is the backbone's with the new {@code id2label}, the preprocessor config is copied, and
 * {@code fewshot.json} records how the head was made (images, λ, leave-one-out accuracy). The folder appears whole
 * or not at all, and an existing folder is never written into.
 */
public final class FewShotModelWriter {
    /** The training record written next to the model. */
    public static final String RECORD_FILE = "fewshot.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FewShotModelWriter() {
    }

    /**
     * @param displayName the name shown in model pickers; blank: derived from the folder name
     * @throws FewShotException when the backbone's graph cannot take the head, or the folder cannot be written (an
     *                          existing non-empty folder included); nothing is left behind
     */
    public static void write(FewShotResult result, ModelInfo backbone, Path folder, String displayName)
            throws FewShotException {
        ModelProto original;
        try {
            original = OnnxModelFiles.read(backbone.modelFile());
        } catch (OnnxModelException e) {
            throw new FewShotException("cannot read the backbone " + backbone.modelFile() + ": " + e.getMessage(), e);
        }
        if (ExternalData.usesExternalData(original)) {
            throw new FewShotException(backbone.id() + " keeps its weights in external data files; a few-shot model "
                    + "cannot be saved from it");
        }
        String name = displayName == null || displayName.isBlank() ? folder.getFileName().toString()
                : displayName.strip();
        String note = String.format(Locale.ROOT, "few-shot ridge head, %d images of %d classes, lambda %.4g",
                result.size(), result.labels().size(), result.head().lambda());
        ModelProto withHead;
        try {
            withHead = LinearHeadSurgery.replaceHead(original, backbone.family(), result.head().weight(),
                    result.head().bias(), note);
        } catch (OnnxModelException e) {
            throw new FewShotException(backbone.id() + " cannot take a new head: " + e.getMessage(), e);
        }
        byte[] config;
        byte[] meta;
        byte[] record;
        try {
            config = MAPPER.writeValueAsBytes(config(backbone, result));
            meta = MAPPER.writeValueAsBytes(meta(backbone, result, name));
            record = MAPPER.writeValueAsBytes(record(result, backbone));
        } catch (IOException e) {
            throw new FewShotException("cannot write the model's JSON files: " + e.getMessage(), e);
        }
        try {
            AtomicFiles.writeNewFolder(folder, building -> {
                Files.write(building.resolve(ModelInfo.MODEL_FILE), withHead.toByteArray());
                Files.write(building.resolve(ModelInfo.CONFIG_FILE), config);
                Files.copy(backbone.dir().resolve(ModelInfo.PREPROCESSOR_FILE),
                        building.resolve(ModelInfo.PREPROCESSOR_FILE));
                Files.write(building.resolve(ModelInfo.META_FILE), meta);
                Files.write(building.resolve(RECORD_FILE), record);
            });
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new FewShotException(folder + " already exists and is not empty: choose a new folder for the model"
                    + " (nothing was overwritten)", e);
        } catch (IOException e) {
            throw new FewShotException("cannot write the model to " + folder + ": " + describe(e)
                    + " (nothing was left behind)", e);
        }
    }

    /** The backbone's config.json with the new labels; everything else (sizes, layers, family) stays. */
    private static ObjectNode config(ModelInfo backbone, FewShotResult result) throws IOException {
        JsonNode original = MAPPER.readTree(backbone.dir().resolve(ModelInfo.CONFIG_FILE).toFile());
        ObjectNode c = original.isObject() ? ((ObjectNode) original).deepCopy() : MAPPER.createObjectNode();
        ObjectNode id2label = c.putObject("id2label");
        ObjectNode label2id = c.putObject("label2id");
        for (int i = 0; i < result.labels().size(); i++) {
            id2label.put(Integer.toString(i), result.labels().get(i));
            label2id.put(result.labels().get(i), i);
        }
        c.remove("num_labels");
        c.putArray("architectures").add(architecture(backbone));
        return c;
    }

    /** The Hugging Face class a classifier with this read-out would be (DeiT's reads both tokens, as with teacher). */
    private static String architecture(ModelInfo backbone) {
        if (backbone.hasClassifier() && !backbone.config().architectures().isEmpty()) {
            return backbone.config().architectures().get(0);
        }
        return switch (backbone.family()) {
            case VIT -> "ViTForImageClassification";
            case DEIT -> "DeiTForImageClassificationWithTeacher";
            case BEIT -> "BeitForImageClassification";
        };
    }

    private static ObjectNode meta(ModelInfo backbone, FewShotResult result, String name) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("displayName", name);
        double loo = result.looAccuracy();
        m.put("description", String.format(Locale.ROOT, "Few-shot head on %s: %s, taught from %d images%s.",
                backbone.displayName(), String.join(", ", result.labels()), result.size(),
                Double.isNaN(loo) ? "" : String.format(Locale.ROOT, " (leave-one-out accuracy %.1f%%)", 100 * loo)));
        Family family = backbone.family();
        m.put("family", family.name().toLowerCase(Locale.ROOT));
        m.putArray("samples");
        return m;
    }

    private static ObjectNode record(FewShotResult result, ModelInfo backbone) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("backbone", backbone.id());
        r.put("backboneFile", backbone.modelFile().toAbsolutePath().toString());
        r.put("features", result.featureDescription());
        r.put("featureWidth", result.featureWidth());
        r.put("method", "ridge regression to {-1,1}^K targets, unpenalised bias, lambda by exact leave-one-out");
        r.put("lambda", result.head().lambda());
        r.put("lambdaChosenByLeaveOneOut", result.head().chosenByLoo());
        putNumber(r, "leaveOneOutAccuracy", result.looAccuracy());
        ArrayNode classes = r.putArray("classes");
        for (int k = 0; k < result.labels().size(); k++) {
            ObjectNode c = classes.addObject();
            c.put("label", result.labels().get(k));
            c.put("images", result.count(k));
            putNumber(c, "leaveOneOutAccuracy", result.classAccuracy(k));
            ArrayNode files = c.putArray("examples");
            result.examples().get(k).forEach(files::add);
        }
        ArrayNode confusion = r.putArray("confusion");
        for (int[] row : result.confusion()) {
            ArrayNode a = confusion.addArray();
            for (int v : row) {
                a.add(v);
            }
        }
        ArrayNode warnings = r.putArray("warnings");
        result.warnings().forEach(warnings::add);
        r.put("fitMillis", result.fitMillis());
        r.put("created", Instant.now().toString());
        return r;
    }

    private static void putNumber(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }
}
