package dev.vitlens.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Typed, validating reads of JSON config files. Configs are read as trees (never with polymorphic/default typing)
 * so unknown fields are tolerated and every type error names the file and the field.
 */
final class Json {
    /** Configs are small; anything bigger is not a config. */
    static final long MAX_CONFIG_BYTES = 16L * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private Json() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    static JsonNode read(Path file) throws ModelFormatException {
        try {
            long size = Files.size(file);
            if (size > MAX_CONFIG_BYTES) {
                throw new ModelFormatException(file.getFileName() + " is " + size + " bytes, too big for a config file");
            }
            JsonNode node = MAPPER.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ModelFormatException(file.getFileName() + ": expected a JSON object at the top level");
            }
            return node;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("missing " + file.getFileName());
        } catch (IOException e) {
            throw new ModelFormatException(file.getFileName() + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    static JsonNode parse(String json, String source) throws ModelFormatException {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                throw new ModelFormatException(source + ": expected a JSON object at the top level");
            }
            return node;
        } catch (IOException e) {
            throw new ModelFormatException(source + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Accessors that report the file and field on type errors. */
    record Fields(JsonNode node, String source) {

        boolean has(String field) {
            JsonNode v = node.get(field);
            return v != null && !v.isNull();
        }

        JsonNode get(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        ModelFormatException error(String field, String problem) {
            return new ModelFormatException(source + ": field \"" + field + "\" " + problem);
        }

        String string(String field, String fallback) throws ModelFormatException {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isTextual()) {
                throw error(field, "must be a string, got " + describe(v));
            }
            return v.asText();
        }

        boolean bool(String field, boolean fallback) throws ModelFormatException {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw error(field, "must be true or false, got " + describe(v));
            }
            return v.asBoolean();
        }

        int positiveInt(String field, int fallback) throws ModelFormatException {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            return positiveInt(field, v);
        }

        int positiveInt(String field, JsonNode v) throws ModelFormatException {
            if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
                throw error(field, "must be a positive integer, got " + describe(v));
            }
            long value = v.asLong();
            if (value <= 0 || value > 1_000_000) {
                throw error(field, "must be a positive integer up to 1000000, got " + v);
            }
            return (int) value;
        }

        double number(String field, double fallback) throws ModelFormatException {
            JsonNode v = get(field);
            if (v == null) {
                return fallback;
            }
            if (!v.isNumber()) {
                throw error(field, "must be a number, got " + describe(v));
            }
            double d = v.asDouble();
            if (!Double.isFinite(d)) {
                throw error(field, "must be a finite number, got " + v);
            }
            return d;
        }

        static String describe(JsonNode v) {
            if (v.isTextual()) {
                return "the string " + v;
            }
            if (v.isArray()) {
                return "an array";
            }
            if (v.isObject()) {
                return "an object";
            }
            return v.toString();
        }
    }
}
