package dev.vitlens.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DynamicQuantizationTest {
    static final int T = 5;
    static final int K = 32;
    static final int N = 12;

    static ValueInfoProto info(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    static TensorProto weights(String name, Random r, int k, int n) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(k).addDims(n);
        for (int i = 0; i < k * n; i++) {
            t.addFloatData((float) r.nextGaussian() * 0.2f);
        }
        return t.build();
    }

    /** q = x·Wq, k = x·Wk (same activation), scores = q·kᵀ (two activations), out = scores·x·Wo. */
    static ModelProto model() {
        Random r = new Random(7);
        GraphProto.Builder g = GraphProto.newBuilder().setName("q8");
        g.addInput(info("x", 1, T, K));
        g.addOutput(info("q", 1, T, N));
        g.addOutput(info("scores", 1, T, T));
        g.addInitializer(weights("Wq", r, K, N));
        g.addInitializer(weights("Wk", r, K, N));
        g.addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mq").addInput("x").addInput("Wq").addOutput("q"));
        g.addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mk").addInput("x").addInput("Wk").addOutput("k"));
        g.addNode(NodeProto.newBuilder().setOpType("Transpose").addInput("k").addOutput("kt")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("perm")
                        .setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(0).addInts(2).addInts(1)));
        g.addNode(NodeProto.newBuilder().setOpType("MatMul").setName("ms").addInput("q").addInput("kt")
                .addOutput("scores"));
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    @Test
    void rewritesWeightMatMulsOnlyAndStaysCloseToFloat() throws Exception {
        ModelProto original = model();
        ModelProto copy = original.toBuilder().build();
        DynamicQuantization.Result result = DynamicQuantization.quantize(original);
        assertEquals(copy, original, "input model must not change");
        assertEquals(List.of("mq", "mk"), result.quantizedMatMuls());
        List<NodeProto> nodes = result.model().getGraph().getNodeList();
        assertEquals(1, nodes.stream().filter(n -> n.getOpType().equals("DynamicQuantizeLinear")).count(),
                "x is quantised once for both weight MatMuls");
        assertEquals(2, nodes.stream().filter(n -> n.getOpType().equals("MatMulIntegerToFloat")
                && n.getDomain().equals(DynamicQuantization.MS_DOMAIN)).count());
        assertEquals(1, nodes.stream().filter(n -> n.getOpType().equals("MatMul")).count(), "q·kᵀ stays float");
        assertTrue(result.model().getGraph().getInitializerList().stream()
                .noneMatch(t -> t.getName().equals("Wq") || t.getName().equals("Wk")), "float weights dropped");
        assertEquals(2L * K * N * 4, result.floatBytes());
        assertEquals(2L * (K * N + N * 4), result.int8Bytes());

        Random r = new Random(1);
        float[] x = new float[T * K];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] shape = {1, T, K};
        Map<String, float[]> fp32 = OrtRunner.run(original.toByteArray(), "x", x, shape, Set.of("q", "scores"));
        Map<String, float[]> int8 = OrtRunner.run(result.model().toByteArray(), "x", x, shape, Set.of("q", "scores"));
        double maxQ = 0;
        double scaleQ = 0;
        for (int i = 0; i < fp32.get("q").length; i++) {
            maxQ = Math.max(maxQ, Math.abs(fp32.get("q")[i] - int8.get("q")[i]));
            scaleQ = Math.max(scaleQ, Math.abs(fp32.get("q")[i]));
        }
        // 8-bit activations and weights: errors of about 1% of the output range, far from exact, far from noise
        assertTrue(maxQ < 0.03 * scaleQ, "max |int8 - fp32| = " + maxQ + " for outputs up to " + scaleQ);
        assertTrue(maxQ > 0, "the int8 path must actually run");
    }

    @Test
    void perColumnScalesMapTheLargestWeightTo127() throws Exception {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).addDims(2).addFloatData(0.5f).addFloatData(-4f).addFloatData(-1f).addFloatData(2f)
                .build();
        TensorProto[] q = DynamicQuantization.quantizeColumns(w, "q", "s");
        byte[] bytes = q[0].getRawData().toByteArray();
        // column 0: max 1 -> scale 1/127: 0.5 -> 64 (63.5 rounds up), -1 -> -127; column 1: max 4: -4 -> -127, 2 -> 64
        assertEquals(64, bytes[0]);
        assertEquals(-127, bytes[1]);
        assertEquals(-127, bytes[2]);
        assertEquals(64, bytes[3]);
        float[] scales = DynamicQuantization.floats(q[1], 2);
        assertEquals(1f / 127, scales[0], 1e-9);
        assertEquals(4f / 127, scales[1], 1e-9);
    }
}
