package dev.vitlens.inference;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.onnx.TinyVit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionModelCacheTest {
    @TempDir
    Path tmp;

    @Test
    void nativeModelsAreUsedAsTheyAre() throws Exception {
        ModelInfo info = ModelFolder.load(TinyVit.forImages(1, 2, 2, 4, 16, 8).withNativeAttentions(true).writeFolder(tmp.resolve("native")));
        AttentionModelCache.Resolved r = new AttentionModelCache(tmp.resolve("cache")).withAttentions(info);
        assertFalse(r.derived());
        assertSame(info, r.model());
        assertFalse(Files.exists(tmp.resolve("cache")));
    }

    @Test
    void logitsOnlyModelsGetADerivedCopyOnceAndAgainWhenTheFileChanges() throws Exception {
        Path dir = TinyVit.forImages(1, 2, 2, 4, 16, 8).writeFolder(tmp.resolve("plain"));
        byte[] original = Files.readAllBytes(dir.resolve("model.onnx"));
        ModelInfo info = ModelFolder.load(dir);
        assertFalse(info.hasAttentions());
        AttentionModelCache cache = new AttentionModelCache(tmp.resolve("cache"));

        AttentionModelCache.Resolved first = cache.withAttentions(info);
        assertTrue(first.derived());
        assertTrue(first.model().hasAttentions());
        assertEquals(2, first.model().signature().attentionOutputs());
        assertTrue(first.model().signature().output("attention_mean.1").isPresent());
        assertEquals(info.layout(), first.model().layout());
        assertEquals(info.labels(), first.model().labels());
        assertTrue(Files.readString(first.model().dir().resolve("SOURCE.txt")).contains(dir.toRealPath().toString()));
        assertArrayEquals(original, Files.readAllBytes(dir.resolve("model.onnx")), "user's model untouched");

        long built = Files.getLastModifiedTime(first.model().modelFile()).toMillis();
        AttentionModelCache.Resolved again = cache.withAttentions(info);
        assertEquals(first.model().dir(), again.model().dir());
        assertEquals(built, Files.getLastModifiedTime(again.model().modelFile()).toMillis(), "reused, not rebuilt");

        Files.setLastModifiedTime(dir.resolve("model.onnx"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        AttentionModelCache.Resolved changed = cache.withAttentions(ModelFolder.load(dir));
        assertNotEquals(first.model().dir(), changed.model().dir());
    }

    @Test
    void refusesModelsWithExternalData() throws Exception {
        Path dir = TinyVit.forImages(1, 1, 2, 4, 16, 8).writeFolder(tmp.resolve("external"));
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        TensorProto first = model.getGraph().getInitializer(0);
        TensorProto external = first.toBuilder().clearFloatData().clearInt64Data()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("model.onnx_data"))
                .build();
        ModelProto withExternal = model.toBuilder().setGraph(model.getGraph().toBuilder().setInitializer(0, external)).build();
        Files.write(dir.resolve("model.onnx"), withExternal.toByteArray());
        Files.write(dir.resolve("model.onnx_data"), new byte[1024]);
        ModelInfo info = ModelFolder.load(dir);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> new AttentionModelCache(tmp.resolve("cache")).withAttentions(info));
        assertTrue(e.getMessage().contains("external data"), e.getMessage());
    }
}
