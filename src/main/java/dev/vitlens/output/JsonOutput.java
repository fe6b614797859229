package dev.vitlens.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON ViTLens prints and saves, configured once per output contract:
 * <ul>
 *   <li>{@link #document}: an indented document, for {@code --format json} of classify, explain, models, import
 *       and bench, {@code vitlens bench --json-out} and the workbench's results export;</li>
 *   <li>{@link #line}: one compact object per line, for {@code vitlens live --format json} (JSON lines),
 *       {@code vitlens embed} and {@code vitlens explain --dump-attentions}.</li>
 * </ul>
 * Tests pin both forms. Model-folder files ({@code vitlens.json}, generated preprocessor configs) are the catalog's
 * own contract and are written by {@code catalog}.
 */
public final class JsonOutput {
    // Shared and never reconfigured after this point, so it is safe to use from any thread.
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter DOCUMENT = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectWriter LINE = MAPPER.writer();

    private JsonOutput() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** {@code value} (a record, map, array, ...) as the tree it would be written as. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** An indented document (no trailing line break). */
    public static String document(Object value) throws JsonProcessingException {
        return DOCUMENT.writeValueAsString(value);
    }

    /** One compact line (no line break). */
    public static String line(Object value) throws JsonProcessingException {
        return LINE.writeValueAsString(value);
    }

    /** {@link #line} as UTF-8 bytes, for files. */
    public static byte[] lineBytes(Object value) throws JsonProcessingException {
        return LINE.writeValueAsBytes(value);
    }
}
