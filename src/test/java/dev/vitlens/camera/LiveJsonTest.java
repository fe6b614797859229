package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveJsonTest {

    private static FrameResult result(long index, List<FaceResult> faces, double detectMs, String error) {
        return new FrameResult(index, 640, 480, faces, new StageTimings(1.5, detectMs, 0.2, 7.25, 0.4), 29.97, 3, 20.0,
                error);
    }

    @Test
    void frameLineHasTheDocumentedFields() throws Exception {
        FaceResult face = new FaceResult(new Box(10, 20, 30, 40), "with_mask", 0.91234f, false, true, null);
        JsonNode n = new ObjectMapper().readTree(LiveJson.frameLine(result(5, List.of(face), 3.0, null)));
        assertEquals(5, n.get("frame").asInt());
        JsonNode f = n.get("faces").get(0);
        assertEquals("[10,20,30,40]", f.get("box").toString());
        assertEquals("with_mask", f.get("label").asText());
        assertEquals(0.9123, f.get("score").asDouble(), 1e-9);
        assertEquals(false, f.get("fallback").asBoolean());
        assertEquals(3.0, n.get("timings_ms").get("detect").asDouble());
        assertEquals(7.25, n.get("timings_ms").get("classify").asDouble());
        assertTrue(n.get("error") == null);
    }

    @Test
    void failedFrameCarriesTheErrorAndNullLabels() throws Exception {
        FaceResult face = new FaceResult(new Box(0, 0, 5, 5), null, Float.NaN, true, false, null);
        JsonNode n = new ObjectMapper().readTree(LiveJson.frameLine(result(1, List.of(face), 3.0, "Model failed: x")));
        assertEquals("Model failed: x", n.get("error").asText());
        assertTrue(n.get("faces").get(0).get("label").isNull());
        assertTrue(n.get("faces").get(0).get("fallback").asBoolean());
    }

    @Test
    void statsReportMediansAndPercentiles() {
        LiveStats s = new LiveStats();
        for (int i = 1; i <= 100; i++) {
            s.add(result(i, List.of(), i, null));
        }
        assertEquals(100, s.frames());
        assertEquals(50.0, s.percentile("detect", 0.5));
        assertEquals(95.0, s.percentile("detect", 0.95));
        assertEquals(0, s.framesWithDetectedFace());
        assertTrue(s.table().contains("| detect | 50.00 | 95.00 |"), s.table());
        assertEquals(100, s.summaryJson().get("frames").asInt());
    }
}
