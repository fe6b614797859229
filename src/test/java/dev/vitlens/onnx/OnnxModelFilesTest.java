package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxModelFilesTest {

    @Test
    void readsWhatWasWritten(@TempDir Path dir) throws Exception {
        ModelProto model = new TinyVit(3, 2, 2, 5, 4).build();
        Path file = dir.resolve("model.onnx");
        Files.write(file, model.toByteArray());
        assertEquals(model, OnnxModelFiles.read(file));
        assertEquals(model, OnnxModelFiles.parse(model.toByteArray()));
        assertEquals(17L, OnnxGraphs.defaultOpset(model).orElseThrow());
    }

    @Test
    void clearMessagesForBadFiles(@TempDir Path dir) throws Exception {
        OnnxModelException missing = assertThrows(OnnxModelException.class, () -> OnnxModelFiles.read(dir.resolve("nope.onnx")));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());

        Path garbage = dir.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x02});
        OnnxModelException invalid = assertThrows(OnnxModelException.class, () -> OnnxModelFiles.read(garbage));
        assertTrue(invalid.getMessage().contains("not a valid ONNX model"), invalid.getMessage());

        Path text = dir.resolve("text.onnx");
        Files.writeString(text, "");
        OnnxModelException empty = assertThrows(OnnxModelException.class, () -> OnnxModelFiles.read(text));
        assertTrue(empty.getMessage().contains("no graph nodes"), empty.getMessage());
    }
}
