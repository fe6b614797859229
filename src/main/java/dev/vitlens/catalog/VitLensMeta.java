package dev.vitlens.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Optional ViTLens metadata ({@code vitlens.json}) next to a model.
 *
 * @param displayName human name, or null to use the folder id
 * @param description one or two sentences, or empty
 * @param family      family override/confirmation, or null
 * @param samples     sample image paths relative to the model folder
 * @param faceClassifier the model classifies face crops (e.g. with_mask / without_mask): the workbench then finds the
 *                    faces in a photo and classifies each one ({@code "faceClassifier": true}; default false)
 */
public record VitLensMeta(String displayName, String description, Family family, List<String> samples,
                          boolean faceClassifier) {

    public static final VitLensMeta EMPTY = new VitLensMeta(null, "", null, List.of(), false);

    public VitLensMeta {
        samples = List.copyOf(samples);
    }

    public static VitLensMeta read(Path file) throws ModelFormatException {
        return parse(Json.read(file), file.getFileName().toString());
    }

    static VitLensMeta parse(JsonNode root, String source) throws ModelFormatException {
        Json.Fields f = new Json.Fields(root, source);
        Family family = null;
        String familyName = f.string("family", null);
        if (familyName != null) {
            family = Family.fromModelType(familyName).orElseThrow(() -> f.error("family",
                    "is \"" + familyName + "\", expected vit, deit or beit"));
        }
        List<String> samples = new ArrayList<>();
        JsonNode s = f.get("samples");
        if (s != null) {
            if (!s.isArray()) {
                throw f.error("samples", "must be an array of relative paths");
            }
            for (JsonNode item : s) {
                // Accept plain strings or {"path": "..."} objects.
                JsonNode p = item.isObject() ? item.get("path") : item;
                if (p == null || !p.isTextual()) {
                    throw f.error("samples", "must contain relative path strings");
                }
                samples.add(p.asText());
            }
        }
        return new VitLensMeta(f.string("displayName", f.string("display_name", null)),
                f.string("description", ""), family, samples, f.bool("faceClassifier", false));
    }

    public Optional<String> displayNameIfSet() {
        return Optional.ofNullable(displayName);
    }
}
