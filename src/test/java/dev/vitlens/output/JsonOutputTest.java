package dev.vitlens.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonOutputTest {

    record Sample(String label, int index, double score) {
    }

    private static ObjectNode sample() {
        ObjectNode o = JsonOutput.object();
        o.put("model", "vit-fashion");
        o.putArray("grid").add(7).add(7);
        o.set("top", JsonOutput.tree(List.of(new Sample("Bag", 8, 0.5))));
        return o;
    }

    @Test
    void documentsAreIndentedExactlyAsTheCommandsAlwaysPrintedThem() throws Exception {
        String nl = System.lineSeparator();
        String expected = "{" + nl
                + "  \"model\" : \"vit-fashion\"," + nl
                + "  \"grid\" : [ 7, 7 ]," + nl
                + "  \"top\" : [ {" + nl
                + "    \"label\" : \"Bag\"," + nl
                + "    \"index\" : 8," + nl
                + "    \"score\" : 0.5" + nl
                + "  } ]" + nl
                + "}";
        assertEquals(expected, JsonOutput.document(sample()));
        // Each command used to build this writer itself; the shared one must not differ from it.
        assertEquals(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(sample()),
                JsonOutput.document(sample()));
    }

    @Test
    void linesAreCompactWithoutALineBreak() throws Exception {
        String expected = "{\"model\":\"vit-fashion\",\"grid\":[7,7],\"top\":[{\"label\":\"Bag\",\"index\":8,\"score\":0.5}]}";
        assertEquals(expected, JsonOutput.line(sample()));
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), JsonOutput.lineBytes(sample()));
    }

    @Test
    void recordsAndMapsKeepTheirFieldOrder() throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("fusion", "mean");
        settings.put("discard", 0.9);
        assertEquals("{\"fusion\":\"mean\",\"discard\":0.9}", JsonOutput.line(JsonOutput.tree(settings)));
        assertEquals("{\"label\":\"Bag\",\"index\":8,\"score\":0.5}", JsonOutput.line(new Sample("Bag", 8, 0.5)));
    }
}
