package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz target (issue 10): any bytes as {@code model.onnx} through the graph tools: the streaming signature reader,
 * the attention-Softmax finder, attention surgery and the external-data checks. Each must succeed or throw its
 * declared exception ({@link IOException} for unreadable protobuf, {@link OnnxModelException} for graphs it cannot
 * handle); anything else is a finding. Seeds in {@code OnnxGraphFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class OnnxGraphFuzzTest {
    private static final Path MODEL_DIR = Path.of("target", "fuzz-model-dir").toAbsolutePath();

    @FuzzTest(maxDuration = "60s")
    void inspectAndSurger(byte[] data) {
        try {
            OnnxSignature.read(new ByteArrayInputStream(data));
        } catch (IOException expected) {
            // unreadable protobuf: refused with a message
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(data);
        } catch (IOException expected) {
            return;
        }
        try {
            ExternalData.checkLocations(model, MODEL_DIR);
        } catch (OnnxModelException expected) {
            // unsafe or missing external data: refused
        }
        try {
            AttentionSoftmaxFinder.find(model);
        } catch (AttentionNotFoundException expected) {
            // not a recognisable transformer
        }
        try {
            AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(model, data.length % 2 == 0);
            ModelProto.parseFrom(result.bytes()); // the surgered graph must serialise and read back
        } catch (OnnxModelException | IOException expected) {
            // refused with a message
        }
    }
}
