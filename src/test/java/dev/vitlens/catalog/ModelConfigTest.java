package dev.vitlens.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    @Test
    void parsesHuggingFaceVitConfigAndIgnoresUnknownFields() throws Exception {
        ModelConfig c = ModelConfig.parse("""
                {"model_type":"vit","architectures":["ViTForImageClassification"],"image_size":28,
                 "patch_size":7,"num_channels":3,"hidden_size":64,"num_hidden_layers":4,"num_attention_heads":4,
                 "id2label":{"0":"T-shirt/top","1":"Trouser","2":"Pullover"},"label2id":{"Trouser":1},
                 "torch_dtype":"float32","qkv_bias":true,"some_future_field":{"x":[1,2]}}""");
        assertEquals(Family.VIT, c.family());
        assertEquals(List.of("ViTForImageClassification"), c.architectures());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover"), c.labels());
        assertEquals(28, c.imageHeight());
        assertEquals(4, c.gridWidth());
        assertEquals(new TokenLayout(1, 4, 4, 7, 4, 4), c.tokenLayout());
    }

    @Test
    void deitHasTwoPrefixTokensAndImageSizeMayBeAPair() throws Exception {
        ModelConfig c = ModelConfig.parse("""
                {"model_type":"deit","image_size":[64,96],"patch_size":16,"num_hidden_layers":2,
                 "num_attention_heads":3,"id2label":{"0":"with_mask","1":"without_mask"}}""");
        TokenLayout layout = c.tokenLayout();
        assertEquals(2, layout.prefixTokens());
        assertEquals(4, layout.gridHeight());
        assertEquals(6, layout.gridWidth());
        assertEquals(2 + 24, layout.tokens());
    }

    @Test
    void beitDefaultsToMeanPooling() throws Exception {
        ModelConfig c = ModelConfig.parse("{\"model_type\":\"beit\",\"image_size\":28,\"patch_size\":4,"
                + "\"id2label\":{\"0\":\"a\"}}");
        assertTrue(c.useMeanPooling());
        assertEquals(Family.BEIT, c.family());
    }

    @Test
    void missingLabelsAreFilledAndSparseKeysAreAccepted() throws Exception {
        ModelConfig c = ModelConfig.parse("{\"model_type\":\"vit\",\"id2label\":{\"0\":\"a\",\"3\":\"d\"}}");
        assertEquals(List.of("a", "LABEL_1", "LABEL_2", "d"), c.labels());
        ModelConfig n = ModelConfig.parse("{\"model_type\":\"vit\",\"num_labels\":2}");
        assertEquals(List.of("LABEL_0", "LABEL_1"), n.labels());
    }

    @Test
    void rejectsBadTypesWithClearMessages() {
        assertMessage("{\"model_type\":\"resnet\",\"id2label\":{\"0\":\"a\"}}", "model_type \"resnet\" is not supported");
        assertMessage("{\"id2label\":{\"0\":\"a\"}}", "\"model_type\" is missing");
        assertMessage("{\"model_type\":\"vit\",\"image_size\":\"big\",\"id2label\":{\"0\":\"a\"}}",
                "\"image_size\" must be a positive integer");
        assertMessage("{\"model_type\":\"vit\",\"patch_size\":-16,\"id2label\":{\"0\":\"a\"}}",
                "\"patch_size\" must be a positive integer");
        assertMessage("{\"model_type\":\"vit\",\"id2label\":[\"a\"]}", "\"id2label\" must be an object");
        assertMessage("{\"model_type\":\"vit\",\"id2label\":{\"x\":\"a\"}}", "non-integer key \"x\"");
        assertMessage("{\"model_type\":\"vit\",\"id2label\":{\"500000\":\"a\"}}", "outside 0..99999");
        assertMessage("{\"model_type\":\"vit\",\"image_size\":30,\"patch_size\":16,\"id2label\":{\"0\":\"a\"}}",
                "not a multiple of patch_size");
        assertMessage("{\"model_type\":\"vit\"", "not valid JSON");
        assertMessage("[1,2]", "expected a JSON object");
    }

    private static void assertMessage(String json, String expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelConfig.parse(json));
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    }
}
