package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExternalDataTest {
    @TempDir
    Path root;
    Path modelDir;
    Path outside;

    @BeforeEach
    void layout() throws Exception {
        modelDir = Files.createDirectories(root.resolve("models/vit"));
        Files.write(modelDir.resolve("model.onnx_data"), new byte[64]);
        outside = Files.createDirectories(root.resolve("elsewhere"));
        Files.write(outside.resolve("secret.bin"), new byte[64]);
    }

    private static TensorProto external(String name, String location) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(16)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("64"))
                .build();
    }

    private static ModelProto modelWith(TensorProto initializer) {
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(GraphProto.newBuilder().setName("g").addInitializer(initializer)
                        .addNode(TinyVit.node("Identity", "id", new String[] {initializer.getName()}, "y")))
                .build();
    }

    @Test
    void acceptsDataNextToTheModel() throws Exception {
        ModelProto model = modelWith(external("w", "model.onnx_data"));
        assertTrue(ExternalData.usesExternalData(model));
        List<Path> files = ExternalData.checkLocations(model, modelDir);
        assertEquals(List.of(modelDir.resolve("model.onnx_data").toRealPath()), files);
    }

    @Test
    void acceptsSubfolder() throws Exception {
        Files.createDirectories(modelDir.resolve("weights"));
        Files.write(modelDir.resolve("weights/part1.bin"), new byte[8]);
        assertEquals(1, ExternalData.checkLocations(modelWith(external("w", "weights/part1.bin")), modelDir).size());
    }

    @Test
    void rejectsParentTraversal() {
        for (String location : new String[] {"../../elsewhere/secret.bin", "weights/../../x.bin", "..\\..\\secret.bin", ".."}) {
            UnsafeExternalDataException e = assertThrows(UnsafeExternalDataException.class,
                    () -> ExternalData.checkLocations(modelWith(external("w", location)), modelDir), location);
            assertTrue(e.getMessage().startsWith("unsafe external data location"), e.getMessage());
            assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        }
    }

    @Test
    void rejectsAbsolutePaths() {
        for (String location : new String[] {outside.resolve("secret.bin").toString(), "/etc/passwd", "C:\\Windows\\x.bin", "\\\\server\\share\\x"}) {
            UnsafeExternalDataException e = assertThrows(UnsafeExternalDataException.class,
                    () -> ExternalData.checkLocations(modelWith(external("w", location)), modelDir), location);
            assertTrue(e.getMessage().contains("absolute"), e.getMessage());
        }
    }

    @Test
    void rejectsSymlinksLeadingOutside() throws Exception {
        Files.createSymbolicLink(modelDir.resolve("link.bin"), outside.resolve("secret.bin"));
        Files.createSymbolicLink(modelDir.resolve("linkdir"), outside);
        for (String location : new String[] {"link.bin", "linkdir/secret.bin"}) {
            UnsafeExternalDataException e = assertThrows(UnsafeExternalDataException.class,
                    () -> ExternalData.checkLocations(modelWith(external("w", location)), modelDir), location);
            assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        }
    }

    @Test
    void acceptsSymlinkStayingInside() throws Exception {
        Files.createSymbolicLink(modelDir.resolve("alias.bin"), modelDir.resolve("model.onnx_data"));
        assertEquals(List.of(modelDir.resolve("model.onnx_data").toRealPath()),
                ExternalData.checkLocations(modelWith(external("w", "alias.bin")), modelDir));
    }

    @Test
    void rejectsDanglingSymlink() throws Exception {
        Files.createSymbolicLink(modelDir.resolve("dangling.bin"), outside.resolve("nothing-here"));
        assertThrows(UnsafeExternalDataException.class,
                () -> ExternalData.checkLocations(modelWith(external("w", "dangling.bin")), modelDir));
    }

    @Test
    void reportsMissingFileAndMissingLocation() {
        OnnxModelException missing = assertThrows(OnnxModelException.class,
                () -> ExternalData.checkLocations(modelWith(external("w", "gone.bin")), modelDir));
        assertFalse(missing instanceof UnsafeExternalDataException);
        assertTrue(missing.getMessage().contains("missing"), missing.getMessage());

        TensorProto noLocation = external("w", "x").toBuilder().clearExternalData().build();
        assertInstanceOf(UnsafeExternalDataException.class,
                assertThrows(OnnxModelException.class, () -> ExternalData.checkLocations(modelWith(noLocation), modelDir)));
    }

    @Test
    void findsExternalTensorsInsideSubgraphConstants() {
        NodeProto constant = NodeProto.newBuilder().setOpType("Constant").setName("c").addOutput("c_out")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(external("hidden_const", "../../elsewhere/secret.bin"))).build();
        NodeProto ifNode = NodeProto.newBuilder().setOpType("If").setName("if").addInput("cond").addOutput("y")
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(GraphProto.newBuilder().setName("then").addNode(constant))).build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(GraphProto.newBuilder().setName("g").addNode(ifNode)).build();
        assertEquals(List.of(new ExternalData.Reference("hidden_const", "../../elsewhere/secret.bin")), ExternalData.references(model));
        assertThrows(UnsafeExternalDataException.class, () -> ExternalData.checkLocations(model, modelDir));
    }

    @Test
    void derivedCopiesOfExternalDataModelsAreRefused() {
        ModelProto model = modelWith(external("w", "model.onnx_data"));
        OnnxModelException e = assertThrows(OnnxModelException.class,
                () -> OnnxModelFiles.saveDerived(model, modelDir.resolve("model.onnx"), root.resolve("cache/m.onnx")));
        assertTrue(e.getMessage().contains("external data"), e.getMessage());
    }
}
