package dev.vitlens.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The QDQ rewrite on BlazeFace as ChannelBlocks leaves it: what it produces, what it refuses. */
class StaticQuantizationTest {
    private static final List<String> OUTPUTS = List.of("Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0");

    private static byte[] original() throws Exception {
        try (InputStream in = StaticQuantizationTest.class.getResourceAsStream(
                "/dev/vitlens/camera/face_detection_front_128x128_barracuda.onnx")) {
            return in.readAllBytes();
        }
    }

    private static ModelProto blocked() throws Exception {
        return ChannelBlocks.rewrite(OnnxModelFiles.parse(original())).model();
    }

    /** A range for every calibration tensor: [-4, 4], or [0, 4] after a Relu. */
    private static Map<String, StaticQuantization.Range> someRanges(ModelProto m) throws Exception {
        Map<String, StaticQuantization.Range> r = new HashMap<>();
        for (String t : StaticQuantization.calibrationTensors(m)) {
            r.put(t, new StaticQuantization.Range(t.contains("Relu") ? 0 : -4, 4));
        }
        return r;
    }

    @Test
    void rangesGiveUint8ScalesWithZeroRepresentable() {
        StaticQuantization.Range relu = new StaticQuantization.Range(0, 5.1f);
        assertEquals(0, relu.zeroPoint());
        assertEquals(5.1f / 255, relu.scale(), 1e-7);
        StaticQuantization.Range sym = new StaticQuantization.Range(-1, 1);
        assertTrue(sym.zeroPoint() == 127 || sym.zeroPoint() == 128, "-1 / (2/255) = 127.5: " + sym.zeroPoint());
        assertEquals(2f / 255, sym.scale(), 1e-7);
        StaticQuantization.Range positive = new StaticQuantization.Range(2, 3);
        assertEquals(0, positive.zeroPoint(), "widened to hold 0");
        assertEquals(3f / 255, positive.scale(), 1e-7);
        assertEquals(1f, new StaticQuantization.Range(0, 0).scale(), "an all-zero tensor still has a usable scale");
        assertThrows(IllegalArgumentException.class, () -> new StaticQuantization.Range(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new StaticQuantization.Range(Float.NaN, 0));
    }

    @Test
    void rangesRoundTripThroughText() {
        Map<String, StaticQuantization.Range> m = new java.util.LinkedHashMap<>();
        m.put("a/b:0", new StaticQuantization.Range(-1.25f, 3.5f));
        m.put("c", new StaticQuantization.Range(0, 1e-3f));
        String text = StaticQuantization.formatRanges(m, "two\nlines");
        assertTrue(text.startsWith("# two\n# lines\n"), text);
        assertEquals(m, StaticQuantization.parseRanges(text));
        assertThrows(IllegalArgumentException.class, () -> StaticQuantization.parseRanges("a 1 2\n"));
    }

    @Test
    void blazeFaceBecomesQdqWithInt8PerChannelWeightsAndInt32Biases() throws Exception {
        ModelProto m = blocked();
        StaticQuantization.Result r = StaticQuantization.quantize(m, someRanges(m));
        assertEquals(44, r.quantizedConvs());
        assertEquals(4, r.floatConvs(), "the four heads");
        GraphProto g = r.model().getGraph();
        Map<String, NodeProto> producers = OnnxGraphs.producers(g);
        Map<String, TensorProto> inits = OnnxGraphs.initializers(g);
        int int8Convs = 0;
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("Conv")) {
                continue;
            }
            NodeProto x = producers.get(n.getInput(0));
            assertEquals("DequantizeLinear", x.getOpType(), "every convolution reads a dequantised input");
            assertEquals(TensorProto.DataType.UINT8_VALUE, inits.get(x.getInput(2)).getDataType());
            NodeProto w = producers.get(n.getInput(1));
            if (w == null) {
                assertEquals(TensorProto.DataType.FLOAT_VALUE, inits.get(n.getInput(1)).getDataType(), "a head");
                continue;
            }
            int8Convs++;
            TensorProto wq = inits.get(w.getInput(0));
            assertEquals(TensorProto.DataType.INT8_VALUE, wq.getDataType());
            assertEquals(0L, OnnxGraphs.attribute(w, "axis").map(AttributeProto::getI).orElse(-1L),
                    "per output channel");
            assertEquals(wq.getDims(0), OnnxGraphs.elementCount(inits.get(w.getInput(1))), "one scale per channel");
            byte[] q = wq.getRawData().toByteArray();
            for (byte b : q) {
                assertNotEquals((byte) -128, b, "symmetric: [-127, 127]");
            }
            if (n.getInputCount() > 2) {
                NodeProto b = producers.get(n.getInput(2));
                assertEquals(TensorProto.DataType.INT32_VALUE, inits.get(b.getInput(0)).getDataType());
            }
        }
        assertEquals(44, int8Convs);
        assertTrue(g.getNodeList().stream().anyMatch(n -> n.getOpType().equals("QuantizeLinear")));
        assertEquals(13L, OnnxGraphs.defaultOpset(r.model()).orElseThrow(), "per-axis DequantizeLinear needs 13");
        assertEquals(OUTPUTS, g.getOutputList().stream().map(v -> v.getName()).toList());
        // Runs on ONNX Runtime, with the original outputs.
        float[] x = new float[128 * 128 * 3];
        Map<String, float[]> out = OrtRunner.run(r.bytes(), "input:0", x, new long[] {1, 128, 128, 3},
                Set.copyOf(OUTPUTS));
        assertEquals(512 * 16, out.get("Identity_2:0").length);
    }

    @Test
    void equalisationChangesTheWeightsButNotTheOutputs() throws Exception {
        ModelProto m = blocked();
        ModelProto e = StaticQuantization.equalize(m);
        assertNotEquals(m, e);
        assertEquals(m.getGraph().getNodeList(), e.getGraph().getNodeList(), "only initializers change");
        Random rnd = new Random(5);
        float[] x = new float[128 * 128 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.01 + rnd.nextGaussian() * 0.1);
        }
        long[] shape = {1, 128, 128, 3};
        Map<String, float[]> a = OrtRunner.run(m.toByteArray(), "input:0", x, shape, Set.copyOf(OUTPUTS));
        Map<String, float[]> b = OrtRunner.run(e.toByteArray(), "input:0", x, shape, Set.copyOf(OUTPUTS));
        for (String o : OUTPUTS) {
            double max = OrtRunner.maxRelativeDifference(a.get(o), b.get(o));
            assertTrue(max < 1e-3, o + " differs by " + max);
        }
    }

    @Test
    void theGraphAsShippedIsRefusedForItsConcat() throws Exception {
        OnnxModelException e = assertThrows(OnnxModelException.class,
                () -> StaticQuantization.calibrationTensors(OnnxModelFiles.parse(original())));
        assertTrue(e.getMessage().contains("Concat") || e.getMessage().contains("ConstantOfShape"), e.getMessage());
    }

    @Test
    void otherOperatorsDomainsAndOpsetsAreRefused() throws Exception {
        ModelProto m = blocked();
        GraphProto.Builder g = m.getGraph().toBuilder();
        int last = g.getNodeCount() - 1;
        g.setNode(last, g.getNode(last).toBuilder().setOpType("Sigmoid").clearInput().addInput(g.getNode(last)
                .getInput(0)));
        OnnxModelException e = assertThrows(OnnxModelException.class,
                () -> StaticQuantization.calibrationTensors(m.toBuilder().setGraph(g).build()));
        assertTrue(e.getMessage().contains("Sigmoid"), e.getMessage());

        GraphProto.Builder d = m.getGraph().toBuilder();
        d.setNode(1, d.getNode(1).toBuilder().setDomain("com.example"));
        e = assertThrows(OnnxModelException.class,
                () -> StaticQuantization.calibrationTensors(m.toBuilder().setGraph(d).build()));
        assertTrue(e.getMessage().contains("com.example"), e.getMessage());

        ModelProto old = m.toBuilder().setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(9)).build();
        e = assertThrows(OnnxModelException.class, () -> StaticQuantization.calibrationTensors(old));
        assertTrue(e.getMessage().contains("opset 9"), e.getMessage());
    }

    @Test
    void aMissingRangeIsRefusedNotGuessed() throws Exception {
        ModelProto m = blocked();
        Map<String, StaticQuantization.Range> ranges = someRanges(m);
        String dropped = StaticQuantization.calibrationTensors(m).get(5);
        ranges.remove(dropped);
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> StaticQuantization.quantize(m, ranges));
        assertTrue(e.getMessage().contains(dropped), e.getMessage());
    }

    @Test
    void aConvolutionWithoutAWeightInitializerIsRefused() throws Exception {
        ModelProto m = blocked();
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Conv")) {
                // the weight now comes from the graph's input: not a constant this rewrite can quantise
                g.setNode(i, g.getNode(i).toBuilder().setInput(1, "input:0"));
                break;
            }
        }
        OnnxModelException e = assertThrows(OnnxModelException.class,
                () -> StaticQuantization.calibrationTensors(m.toBuilder().setGraph(g).build()));
        assertTrue(e.getMessage().contains("weight initializer"), e.getMessage());
    }
}
