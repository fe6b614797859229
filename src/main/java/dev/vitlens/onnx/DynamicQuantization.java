package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * INT8 dynamic quantisation of the weight MatMuls, by our own graph rewrite: every {@code MatMul(A, W)} whose
 * {@code W} is a float32 2-D initializer {@code [K, N]} becomes
 * <pre>
 *   DynamicQuantizeLinear(A)                      -> A_q (uint8), A_scale, A_zero_point   (once per distinct A)
 *   com.microsoft.MatMulIntegerToFloat(A_q, W_q, A_scale, W_scale, A_zero_point)  -> the original output
 * </pre>
 * with {@code W_q} int8, symmetric per output column ({@code W_scale[n] = max|W[:, n]| / 127}, zero point 0).
 * uint8 activations times int8 weights is the fast path of ORT's MLAS kernels on AVX2/AVX-512 VNNI.
 * MatMuls of two activations (attention scores, attention times values) stay float32, so the attention Softmax
 * outputs keep their meaning; Conv (patch embedding), Gemm (classifier head) and everything else are untouched.
 * Works on a copy: the input model is not modified.
 */
public final class DynamicQuantization {
    public static final String MS_DOMAIN = "com.microsoft";

    private DynamicQuantization() {
    }

    /**
     * @param model            the quantised model
     * @param quantizedMatMuls names (or output names) of the MatMul nodes rewritten
     * @param floatBytes       bytes of float32 weights replaced
     * @param int8Bytes        bytes of int8 weights and scales that replaced them
     */
    public record Result(ModelProto model, List<String> quantizedMatMuls, long floatBytes, long int8Bytes) {
    }

    public static Result quantize(ModelProto model) throws OnnxModelException {
        if (ExternalData.usesExternalData(model)) {
            throw new OnnxModelException("quantisation of models with external data files is not supported");
        }
        GraphProto graph = model.getGraph();
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        Map<String, Integer> uses = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) {
                uses.merge(in, 1, Integer::sum);
            }
        }
        Set<String> graphOutputs = new HashSet<>();
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        Set<String> names = OnnxGraphs.allNames(graph);

        GraphProto.Builder g = graph.toBuilder().clearNode();
        Map<String, String[]> quantizedInputs = new HashMap<>(); // A -> {A_q, A_scale, A_zp}
        Map<String, String[]> quantizedWeights = new HashMap<>(); // W -> {W_q, W_scale}
        Set<String> replacedWeights = new HashSet<>();
        Map<String, Integer> rewrittenUses = new HashMap<>();
        List<String> rewritten = new ArrayList<>();
        long floatBytes = 0;
        long int8Bytes = 0;
        for (NodeProto node : graph.getNodeList()) {
            TensorProto w = node.getInputCount() == 2 ? initializers.get(node.getInput(1)) : null;
            boolean eligible = node.getOpType().equals("MatMul") && OnnxGraphs.isDefaultDomain(node) && w != null
                    && w.getDataType() == TensorProto.DataType.FLOAT_VALUE && w.getDimsCount() == 2
                    && !graphOutputs.contains(node.getInput(0));
            if (!eligible) {
                g.addNode(node);
                continue;
            }
            String a = node.getInput(0);
            String[] aq = quantizedInputs.get(a);
            if (aq == null) {
                String base = unique(names, "vitlens/q8/" + shortName(a));
                aq = new String[] {base + "/quantized", base + "/scale", base + "/zero_point"};
                for (String n : aq) {
                    names.add(n);
                }
                g.addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear")
                        .setName(unique(names, base + "/DynamicQuantizeLinear"))
                        .addInput(a).addOutput(aq[0]).addOutput(aq[1]).addOutput(aq[2]));
                quantizedInputs.put(a, aq);
            }
            String[] wq = quantizedWeights.get(w.getName());
            if (wq == null) {
                String base = unique(names, "vitlens/q8/" + w.getName());
                wq = new String[] {base + "/int8", base + "/scale"};
                names.add(wq[0]);
                names.add(wq[1]);
                TensorProto[] q = quantizeColumns(w, wq[0], wq[1]);
                g.addInitializer(q[0]);
                g.addInitializer(q[1]);
                quantizedWeights.put(w.getName(), wq);
                floatBytes += 4L * w.getDims(0) * w.getDims(1);
                int8Bytes += q[0].getRawData().size() + q[1].getRawData().size();
            }
            replacedWeights.add(w.getName());
            rewrittenUses.merge(w.getName(), 1, Integer::sum);
            NodeProto.Builder mm = NodeProto.newBuilder().setOpType("MatMulIntegerToFloat").setDomain(MS_DOMAIN)
                    .setName(unique(names, (node.getName().isEmpty() ? node.getOutput(0)
                            : node.getName()) + "/q8"))
                    .addInput(aq[0]).addInput(wq[0]).addInput(aq[1]).addInput(wq[1]).addInput(aq[2])
                    .addOutput(node.getOutput(0));
            g.addNode(mm);
            rewritten.add(node.getName().isEmpty() ? node.getOutput(0) : node.getName());
        }
        // Drop float weights nothing reads any more.
        Map<String, Integer> remaining = new HashMap<>(uses);
        rewrittenUses.forEach((wName, count) -> remaining.merge(wName, -count, Integer::sum));
        List<TensorProto> kept = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            if (!replacedWeights.contains(t.getName()) || remaining.getOrDefault(t.getName(), 0) > 0
                    || graphOutputs.contains(t.getName())) {
                kept.add(t);
            }
        }
        g.clearInitializer().addAllInitializer(kept);

        ModelProto.Builder m = model.toBuilder().setGraph(g);
        boolean hasMs = model.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals(MS_DOMAIN));
        if (!hasMs && !rewritten.isEmpty()) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
        }
        return new Result(m.build(), rewritten, floatBytes, int8Bytes);
    }

    /** Symmetric per-column int8: scale[n] = max_k |W[k][n]| / 127, q = round(W / scale) in [-127, 127]. */
    static TensorProto[] quantizeColumns(TensorProto w, String qName, String scaleName) throws OnnxModelException {
        int k = (int) w.getDims(0);
        int n = (int) w.getDims(1);
        float[] values = floats(w, k * n);
        float[] scale = new float[n];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                scale[c] = Math.max(scale[c], Math.abs(values[r * n + c]));
            }
        }
        for (int c = 0; c < n; c++) {
            scale[c] = scale[c] == 0 ? 1f : scale[c] / 127f;
        }
        byte[] q = new byte[k * n];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                long v = Math.round(values[r * n + c] / scale[c]);
                q[r * n + c] = (byte) Math.max(-127, Math.min(127, v));
            }
        }
        ByteBuffer sb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : scale) {
            sb.putFloat(s);
        }
        TensorProto qt = TensorProto.newBuilder().setName(qName).setDataType(TensorProto.DataType.INT8_VALUE)
                .addDims(k).addDims(n).setRawData(ByteString.copyFrom(q)).build();
        TensorProto st = TensorProto.newBuilder().setName(scaleName).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(n).setRawData(ByteString.copyFrom(sb.array())).build();
        return new TensorProto[] {qt, st};
    }

    static float[] floats(TensorProto t, int count) throws OnnxModelException {
        if (OnnxGraphs.elementCount(t) != count) {
            throw new OnnxModelException("initializer " + t.getName() + " has " + OnnxGraphs.elementCount(t)
                    + " values, expected " + count);
        }
        return OnnxGraphs.floats(t);
    }

    private static String unique(Set<String> names, String base) {
        String name = base;
        for (int i = 1; names.contains(name); i++) {
            name = base + "_" + i;
        }
        names.add(name);
        return name;
    }

    private static String shortName(String value) {
        String s = value.replaceAll("[^A-Za-z0-9_./-]", "_");
        return s.length() > 80 ? s.substring(s.length() - 80) : s;
    }
}
