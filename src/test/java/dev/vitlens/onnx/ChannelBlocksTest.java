package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelBlocksTest {
    private static final List<String> BLAZEFACE_OUTPUTS = List.of("Identity:0", "Identity_1:0", "Identity_2:0",
            "Identity_3:0");

    @Test
    void blazeFaceBecomesBlockedAndComputesTheSame() throws Exception {
        byte[] original;
        try (InputStream in = getClass().getResourceAsStream(
                "/dev/vitlens/camera/face_detection_front_128x128_barracuda.onnx")) {
            original = in.readAllBytes();
        }
        ModelProto model = OnnxModelFiles.parse(original);
        ChannelBlocks.Result result = ChannelBlocks.rewrite(model);

        assertEquals(11, result.replacedConcats(), "every zero-padding Concat becomes an identity convolution");
        assertTrue(result.widenedTensors() > 0);
        GraphProto g = result.model().getGraph();
        assertTrue(g.getNodeList().stream().noneMatch(n -> n.getOpType().equals("Concat")
                || n.getOpType().equals("ConstantOfShape")));
        // Every convolution is 8-aligned except the four heads (2, 6, 32 and 96 outputs; 2 and 6 feed Reshapes)
        List<Integer> widths = convolutionWidths(result.model());
        assertEquals(2, widths.stream().filter(w -> w % ChannelBlocks.BLOCK != 0).count(), widths.toString());
        assertTrue(convolutionWidths(model).stream().filter(w -> w % 8 != 0).count() > 2);

        Random r = new Random(7);
        for (int trial = 0; trial < 3; trial++) {
            float[] x = new float[128 * 128 * 3];
            for (int i = 0; i < x.length; i++) {
                // trial 0: noise; then smooth gradients, closer to an image
                x[i] = trial == 0 ? r.nextFloat() * 2 - 1 : (float) Math.sin((i / 3 % 128) * 0.05 * trial + (i / 384) * 0.03);
            }
            OrtRunner.assertSameOutputs(original, result.bytes(), "input:0", x, new long[] {1, 128, 128, 3},
                    BLAZEFACE_OUTPUTS, 1e-4);
        }
    }

    @Test
    void aSmallResidualNetIsWidenedExactly() throws Exception {
        ModelProto model = residualNet(0f);
        ChannelBlocks.Result result = ChannelBlocks.rewrite(model);
        assertEquals(1, result.replacedConcats());
        assertEquals(List.of(8, 8, 8, 2), convolutionWidths(result.model()), "5 channels widened to 8");

        float[] x = new float[3 * 6 * 6];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] shape = {1, 3, 6, 6};
        float[] a = OrtRunner.run(model.toByteArray(), "x", x, shape, Set.of("y")).get("y");
        float[] b = OrtRunner.run(result.bytes(), "x", x, shape, Set.of("y")).get("y");
        assertEquals(2 * 36, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5, "at " + i);
        }
    }

    @Test
    void aConcatOfNonZeroConstantsIsRefused() {
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> ChannelBlocks.rewrite(residualNet(1f)));
        assertTrue(e.getMessage().contains("Concat"), e.getMessage());
    }

    @Test
    void otherOperatorsAreRefusedByName() {
        ModelProto m = residualNet(0f);
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(g.getNodeCount() - 1, g.getNode(g.getNodeCount() - 1).toBuilder().setOpType("Sigmoid")
                .clearInput().addInput("r2").clearAttribute());
        OnnxModelException e = assertThrows(OnnxModelException.class,
                () -> ChannelBlocks.rewrite(m.toBuilder().setGraph(g).build()));
        assertTrue(e.getMessage().contains("Sigmoid"), e.getMessage());
        assertFalse(ChannelBlocks.SUPPORTED.contains("Sigmoid"));
    }

    /**
     * x[1,3,6,6] -> Conv 3->5 (3x3) -> Relu = r1; Add(Conv 5->8 (1x1) of r1, Concat(r1, 3 constant channels)) -> Relu
     * = r2; y = Conv 8->2 (1x1) of r2. A BlazeFace block in miniature.
     */
    private static ModelProto residualNet(float padValue) {
        Random r = new Random(11);
        GraphProto.Builder g = GraphProto.newBuilder().setName("residual");
        g.addInput(TinyVit.tensorInfo("x", TinyVit.dimValue(1), TinyVit.dimValue(3), TinyVit.dimValue(6),
                TinyVit.dimValue(6)));
        g.addOutput(TinyVit.tensorInfo("y", TinyVit.dimValue(1), TinyVit.dimValue(2), TinyVit.dimValue(6),
                TinyVit.dimValue(6)));
        g.addInitializer(weights(r, "w1", 5, 3, 3));
        g.addInitializer(weights(r, "b1", 5));
        g.addInitializer(weights(r, "w2", 8, 5, 1));
        g.addInitializer(weights(r, "b2", 8));
        g.addInitializer(weights(r, "w3", 2, 8, 1));
        g.addInitializer(TinyVit.int64("pad_shape", 1, 3, 6, 6));
        g.addNode(TinyVit.node("Conv", "c1", new String[] {"x", "w1", "b1"}, "c1o")
                .addAttribute(TinyVit.ints("kernel_shape", 3, 3)).addAttribute(TinyVit.ints("pads", 1, 1, 1, 1)));
        g.addNode(TinyVit.node("Relu", "r1", new String[] {"c1o"}, "r1"));
        NodeProto.Builder zeros = TinyVit.node("ConstantOfShape", "z", new String[] {"pad_shape"}, "z");
        if (padValue != 0f) {
            zeros.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                    .setT(TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1)
                            .addFloatData(padValue)));
        }
        g.addNode(zeros);
        g.addNode(TinyVit.node("Concat", "cat", new String[] {"r1", "z"}, "cat")
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1)));
        g.addNode(TinyVit.node("Conv", "c2", new String[] {"r1", "w2", "b2"}, "c2o")
                .addAttribute(TinyVit.ints("kernel_shape", 1, 1)));
        g.addNode(TinyVit.node("Add", "add", new String[] {"c2o", "cat"}, "sum"));
        g.addNode(TinyVit.node("Relu", "r2", new String[] {"sum"}, "r2"));
        g.addNode(TinyVit.node("Conv", "c3", new String[] {"r2", "w3"}, "y")
                .addAttribute(TinyVit.ints("kernel_shape", 1, 1)));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    }

    private static TensorProto weights(Random r, String name, int... dims) {
        int n = 1;
        for (int i = 0; i < dims.length; i++) {
            n *= dims[i];
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        if (dims.length == 3) {   // [out, in, k] -> [out, in, k, k]
            n *= dims[2];
            t.addDims(dims[0]).addDims(dims[1]).addDims(dims[2]).addDims(dims[2]);
        } else {
            for (int x : dims) {
                t.addDims(x);
            }
        }
        for (int i = 0; i < n; i++) {
            t.addFloatData((float) r.nextGaussian() * 0.5f);
        }
        return t.build();
    }

    /** The output channel count of each convolution, in graph order. */
    private static List<Integer> convolutionWidths(ModelProto model) {
        Map<String, TensorProto> inits = OnnxGraphs.initializers(model.getGraph());
        List<Integer> out = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Conv")) {
                out.add((int) inits.get(n.getInput(1)).getDims(0));
            }
        }
        return out;
    }
}
