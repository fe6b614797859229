package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Static INT8 quantisation of a small convolutional network in QDQ form, for ONNX Runtime to fuse into integer
 * kernels ({@code QLinearConv}, {@code QLinearAdd}, uint8 {@code MaxPool}). Written for BlazeFace as
 * {@link ChannelBlocks} leaves it; only graphs of {@link #SUPPORTED} operators are handled.
 * <ul>
 *   <li>Activations: uint8, asymmetric, one scale and zero point per tensor, from calibrated ranges (widened to hold
 *       0). A {@code QuantizeLinear} follows every quantised tensor's producer and each reader gets its own
 *       {@code DequantizeLinear}. Quantised: the data input of every convolution, the inputs of {@code Add} and
 *       {@code MaxPool}, and the outputs of the body's convolutions, additions, ReLUs and poolings; a tensor whose
 *       only reader is a {@code Relu} is not quantised, the ReLU's output is (ORT then drops the ReLU, as a zero
 *       point of 0 clips the same). A pooling's output uses its input's scale and zero point (ORT runs it on uint8
 *       only then), so it needs no range of its own.</li>
 *   <li>Weights of the body's convolutions: int8, symmetric per output channel ({@code scale[c] = max|W[c]| / 127},
 *       zero point 0) behind a {@code DequantizeLinear} with axis 0; biases int32 with scale
 *       {@code input scale * weight scale[c]}, as ORT's QDQ Conv fusion requires.</li>
 *   <li>Head convolutions (those whose output leaves the convolution side: read by a Transpose, Reshape or the graph
 *       output) read a dequantised input but keep float weights and a float output, so the score logits and box
 *       offsets are not rounded to 256 levels.</li>
 * </ul>
 * The default opset is raised to 13 when lower (per-axis {@code DequantizeLinear}); the other operators here mean the
 * same in 13. Works on a copy.
 */
public final class StaticQuantization {

    static final Set<String> SUPPORTED = Set.of("Conv", "Relu", "Add", "MaxPool", "Transpose", "Reshape");
    /** Readers through which a tensor stays on the convolution side (quantised). */
    private static final Set<String> BODY = Set.of("Conv", "Relu", "Add", "MaxPool");
    private static final int MIN_OPSET = 11;
    private static final int MAX_OPSET = 21;

    private StaticQuantization() {
    }

    /** A calibrated range of one activation tensor. */
    public record Range(float min, float max) {
        public Range {
            if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
                throw new IllegalArgumentException("not a range: [" + min + ", " + max + "]");
            }
        }

        /** The range widened to hold 0 (a zero point must be representable exactly). */
        float lo() {
            return Math.min(0f, min);
        }

        float hi() {
            return Math.max(0f, max);
        }

        float scale() {
            float s = (hi() - lo()) / 255f;
            return s > 0 ? s : 1f;
        }

        int zeroPoint() {
            return (int) Math.max(0, Math.min(255, Math.round(-lo() / scale())));
        }
    }

    /**
     * @param quantizedConvs convolutions that became QDQ (int8 weights)
     * @param floatConvs     head convolutions left in float
     * @param quantizedTensors activations with a QuantizeLinear
     */
    public record Result(ModelProto model, int quantizedConvs, int floatConvs, int quantizedTensors) {
        public byte[] bytes() {
            return model.toByteArray();
        }
    }

    /** What the analysis found: the quantised tensors in graph order, and which convolutions are heads. */
    private record Plan(GraphProto graph, List<Integer> order, Map<String, TensorProto> inits,
                        LinkedHashSet<String> quantized, Map<String, String> sameRangeAs, Set<String> heads) {
    }

    /**
     * The activations whose range calibration must measure, in graph order (every quantised tensor but the pooling
     * outputs, which take their input's range).
     *
     * @throws OnnxModelException when the graph is not one this rewrite handles (the message says why)
     */
    public static List<String> calibrationTensors(ModelProto model) throws OnnxModelException {
        Plan p = plan(model, Set.of());
        List<String> out = new ArrayList<>();
        for (String t : p.quantized()) {
            if (!p.sameRangeAs().containsKey(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The model with the given tensors added as float graph outputs (for calibration runs). */
    public static ModelProto withOutputs(ModelProto model, List<String> tensors) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        Set<String> present = new HashSet<>();
        g.getOutputList().forEach(o -> present.add(o.getName()));
        for (String t : tensors) {
            if (present.add(t)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * @param ranges a range for every tensor of {@link #calibrationTensors} (more are ignored)
     * @throws OnnxModelException when the graph is not handled or a range is missing
     */
    public static Result quantize(ModelProto model, Map<String, Range> ranges) throws OnnxModelException {
        return quantize(model, ranges, Set.of());
    }

    /**
     * @param keepFloat activations to leave in float (no Q/DQ pair); a convolution reading or writing one keeps float
     *                  weights (for measuring which tensors cost accuracy)
     */
    public static Result quantize(ModelProto model, Map<String, Range> ranges, Set<String> keepFloat)
            throws OnnxModelException {
        Plan p = plan(model, keepFloat);
        Map<String, Range> range = new HashMap<>();
        for (String t : p.quantized()) {
            if (!p.sameRangeAs().containsKey(t)) {
                Range r = ranges.get(t);
                if (r == null) {
                    throw new OnnxModelException("no calibrated range for " + t
                            + " (the ranges belong to another graph?)");
                }
                range.put(t, r);
            }
        }
        p.sameRangeAs().forEach((t, src) -> range.put(t, range.get(src)));

        GraphProto graph = p.graph();
        Set<String> names = OnnxGraphs.allNames(graph);
        GraphProto.Builder g = graph.toBuilder().clearNode().clearValueInfo();
        List<TensorProto> newInits = new ArrayList<>();
        Map<String, String[]> qParams = new HashMap<>(); // tensor -> {quantized, scale, zero point}
        for (String t : p.quantized()) {
            String base = OnnxGraphs.uniqueName(names, "vitlens/qdq/" + t);
            String[] q = {base + "/quantized", base + "/scale", base + "/zero_point"};
            names.addAll(List.of(q));
            Range r = range.get(t);
            newInits.add(floatTensor(q[1], new float[] {r.scale()}));
            newInits.add(TensorProto.newBuilder().setName(q[2]).setDataType(TensorProto.DataType.UINT8_VALUE)
                    .setRawData(ByteString.copyFrom(new byte[] {(byte) r.zeroPoint()})).build());
            qParams.put(t, q);
        }
        Set<String> graphInputs = new HashSet<>();
        graph.getInputList().forEach(v -> graphInputs.add(v.getName()));
        for (String t : p.quantized()) {
            if (graphInputs.contains(t)) {
                g.addNode(quantizeNode(names, t, qParams.get(t)));
            }
        }
        int quantizedConvs = 0;
        Set<String> replacedInits = new HashSet<>();
        for (int idx : p.order()) {
            NodeProto n = graph.getNode(idx);
            NodeProto.Builder b = n.toBuilder().clearInput();
            for (int i = 0; i < n.getInputCount(); i++) {
                String in = n.getInput(i);
                String[] q = qParams.get(in);
                if (q != null) {
                    String dq = OnnxGraphs.uniqueName(names, q[0] + "/dq");
                    g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear")
                            .setName(OnnxGraphs.uniqueName(names, dq + "/DequantizeLinear"))
                            .addInput(q[0]).addInput(q[1]).addInput(q[2]).addOutput(dq));
                    in = dq;
                }
                b.addInput(in);
            }
            if (n.getOpType().equals("Conv") && !p.heads().contains(n.getOutput(0))) {
                float inputScale = range.get(n.getInput(0)).scale();
                TensorProto w = p.inits().get(n.getInput(1));
                int cout = (int) w.getDims(0);
                float[] wv = OnnxGraphs.floats(w);
                int per = wv.length / cout;
                float[] ws = new float[cout];
                byte[] wq = new byte[wv.length];
                for (int c = 0; c < cout; c++) {
                    float m = 0;
                    for (int k = 0; k < per; k++) {
                        m = Math.max(m, Math.abs(wv[c * per + k]));
                    }
                    ws[c] = m > 0 ? m / 127f : 1f;
                    for (int k = 0; k < per; k++) {
                        wq[c * per + k] = (byte) Math.max(-127, Math.min(127, Math.round(wv[c * per + k] / ws[c])));
                    }
                }
                String wBase = OnnxGraphs.uniqueName(names, "vitlens/qdq/" + w.getName());
                TensorProto.Builder wqt = TensorProto.newBuilder().setName(wBase + "/int8")
                        .setDataType(TensorProto.DataType.INT8_VALUE).addAllDims(w.getDimsList())
                        .setRawData(ByteString.copyFrom(wq));
                newInits.add(wqt.build());
                newInits.add(floatTensor(wBase + "/scale", ws));
                newInits.add(TensorProto.newBuilder().setName(wBase + "/zero_point")
                        .setDataType(TensorProto.DataType.INT8_VALUE).addDims(cout)
                        .setRawData(ByteString.copyFrom(new byte[cout])).build());
                b.setInput(1, perAxisDq(g, names, wBase, wBase + "/int8", wBase + "/scale", wBase + "/zero_point"));
                replacedInits.add(w.getName());
                if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                    TensorProto bias = p.inits().get(n.getInput(2));
                    float[] bv = OnnxGraphs.floats(bias);
                    float[] bs = new float[cout];
                    ByteBuffer bq = ByteBuffer.allocate(4 * cout).order(ByteOrder.LITTLE_ENDIAN);
                    for (int c = 0; c < cout; c++) {
                        bs[c] = inputScale * ws[c];
                        double v = Math.rint(bv[c] / (double) bs[c]);
                        bq.putInt((int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, v)));
                    }
                    String bBase = OnnxGraphs.uniqueName(names, "vitlens/qdq/" + bias.getName());
                    newInits.add(TensorProto.newBuilder().setName(bBase + "/int32")
                            .setDataType(TensorProto.DataType.INT32_VALUE).addDims(cout)
                            .setRawData(ByteString.copyFrom(bq.array())).build());
                    newInits.add(floatTensor(bBase + "/scale", bs));
                    newInits.add(TensorProto.newBuilder().setName(bBase + "/zero_point")
                            .setDataType(TensorProto.DataType.INT32_VALUE).addDims(cout)
                            .setRawData(ByteString.copyFrom(new byte[4 * cout])).build());
                    b.setInput(2, perAxisDq(g, names, bBase, bBase + "/int32", bBase + "/scale",
                            bBase + "/zero_point"));
                    replacedInits.add(bias.getName());
                }
                quantizedConvs++;
            }
            g.addNode(b);
            for (String out : n.getOutputList()) {
                if (qParams.containsKey(out)) {
                    g.addNode(quantizeNode(names, out, qParams.get(out)));
                }
            }
        }
        Set<String> read = new HashSet<>();
        g.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        g.clearInitializer();
        for (TensorProto t : graph.getInitializerList()) {
            if (read.contains(t.getName()) || !replacedInits.contains(t.getName())) {
                g.addInitializer(t);
            }
        }
        newInits.forEach(g::addInitializer);

        ModelProto.Builder m = model.toBuilder().setGraph(g).clearOpsetImport();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            boolean def = o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
            m.addOpsetImport(def && o.getVersion() < 13 ? o.toBuilder().setVersion(13).build() : o);
        }
        return new Result(m.build(), quantizedConvs, p.heads().size(), p.quantized().size());
    }

    /**
     * Cross-layer equalisation (Nagel et al., "Data-Free Quantization Through Weight Equalization and Bias
     * Correction", 2019) of every depthwise convolution whose output only a 1x1 convolution reads: channel {@code c}
     * of the depthwise filters (and bias) is divided by {@code s[c] = sqrt(r1[c] / r2[c])} and input channel
     * {@code c} of the 1x1 weights multiplied by it ({@code r1}: the depthwise filter's largest |weight|, {@code r2}:
     * the 1x1 weights' largest |weight| on that input). Exact in float (nothing non-linear between the two); it
     * evens out the channels' ranges, so one channel of a depthwise output no longer sets the scale of all of them
     * (BlazeFace's last depthwise output spans -390..10, every other channel a few units). Returns a copy.
     */
    public static ModelProto equalize(ModelProto model) throws OnnxModelException {
        GraphProto graph = model.getGraph();
        Map<String, TensorProto> inits = OnnxGraphs.initializers(graph);
        Map<String, List<NodeProto>> consumers = OnnxGraphs.consumers(graph);
        Set<String> graphOutputs = new HashSet<>();
        graph.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        Map<String, TensorProto> replaced = new HashMap<>();
        for (NodeProto d : graph.getNodeList()) {
            if (!d.getOpType().equals("Conv") || d.getInputCount() < 2) {
                continue;
            }
            TensorProto dw = inits.get(d.getInput(1));
            long group = OnnxGraphs.attribute(d, "group").map(AttributeProto::getI).orElse(1L);
            List<NodeProto> readers = consumers.getOrDefault(d.getOutput(0), List.of());
            if (dw == null || dw.getDimsCount() != 4 || group <= 1 || dw.getDims(0) != group || dw.getDims(1) != 1
                    || readers.size() != 1 || graphOutputs.contains(d.getOutput(0))) {
                continue;
            }
            NodeProto p = readers.get(0);
            TensorProto pw = p.getOpType().equals("Conv") && p.getInputCount() > 1 && p.getInput(0).equals(d.getOutput(0))
                    ? inits.get(p.getInput(1)) : null;
            long pGroup = pw == null ? 0 : OnnxGraphs.attribute(p, "group").map(AttributeProto::getI).orElse(1L);
            if (pw == null || pGroup != 1 || pw.getDimsCount() != 4 || pw.getDims(1) != group || pw.getDims(2) != 1
                    || pw.getDims(3) != 1 || replaced.containsKey(dw.getName()) || replaced.containsKey(pw.getName())) {
                continue;
            }
            if (d.getInputCount() > 2 && !d.getInput(2).isEmpty()) {
                continue; // a depthwise bias would need dividing too; BlazeFace's have none, so keep this simple
            }
            int c = (int) group;
            int o = (int) pw.getDims(0);
            float[] a = OnnxGraphs.floats(dw);
            float[] b = OnnxGraphs.floats(pw);
            int k = a.length / c;
            for (int ch = 0; ch < c; ch++) {
                float r1 = 0;
                for (int i = 0; i < k; i++) {
                    r1 = Math.max(r1, Math.abs(a[ch * k + i]));
                }
                float r2 = 0;
                for (int i = 0; i < o; i++) {
                    r2 = Math.max(r2, Math.abs(b[i * c + ch]));
                }
                if (r1 == 0 || r2 == 0) {
                    continue;
                }
                float sc = (float) Math.sqrt(r1 / r2);
                for (int i = 0; i < k; i++) {
                    a[ch * k + i] /= sc;
                }
                for (int i = 0; i < o; i++) {
                    b[i * c + ch] *= sc;
                }
            }
            replaced.put(dw.getName(), withFloats(dw, a));
            replaced.put(pw.getName(), withFloats(pw, b));
        }
        GraphProto.Builder g = graph.toBuilder().clearInitializer();
        for (TensorProto t : graph.getInitializerList()) {
            g.addInitializer(replaced.getOrDefault(t.getName(), t));
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static TensorProto withFloats(TensorProto t, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static Plan plan(ModelProto model, Set<String> keepFloat) throws OnnxModelException {
        if (ExternalData.usesExternalData(model)) {
            throw new OnnxModelException("models with external data files are not handled");
        }
        long opset = OnnxGraphs.defaultOpset(model).orElseThrow(
                () -> new OnnxModelException("the model imports no default-domain opset"));
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxModelException("opset " + opset + " is not handled (" + MIN_OPSET + "-" + MAX_OPSET + ")");
        }
        GraphProto graph = model.getGraph();
        for (NodeProto n : graph.getNodeList()) {
            if (!OnnxGraphs.isDefaultDomain(n) || !SUPPORTED.contains(n.getOpType())) {
                throw new OnnxModelException("operator " + (n.getDomain().isEmpty() ? "" : n.getDomain() + ".")
                        + n.getOpType() + " (" + n.getName() + ") is not handled");
            }
            if (n.getOutputCount() != 1) {
                throw new OnnxModelException(n.getOpType() + " " + n.getName() + " has " + n.getOutputCount()
                        + " outputs");
            }
        }
        Map<String, TensorProto> inits = OnnxGraphs.initializers(graph);
        Map<String, List<NodeProto>> consumers = OnnxGraphs.consumers(graph);
        Map<String, NodeProto> producers = OnnxGraphs.producers(graph);
        Set<String> graphOutputs = new HashSet<>();
        graph.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        List<Integer> order = OnnxGraphs.topologicalOrder(graph);

        Set<String> heads = new HashSet<>(); // convolutions left in float (the heads, then any keepFloat touches), by output
        for (NodeProto n : graph.getNodeList()) {
            if (!n.getOpType().equals("Conv")) {
                continue;
            }
            TensorProto w = n.getInputCount() < 2 ? null : inits.get(n.getInput(1));
            if (w == null || w.getDimsCount() != 4 || w.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new OnnxModelException("Conv " + n.getName() + " has no 4-D float weight initializer");
            }
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                TensorProto bias = inits.get(n.getInput(2));
                if (bias == null || bias.getDimsCount() != 1 || bias.getDims(0) != w.getDims(0)
                        || bias.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                    throw new OnnxModelException("Conv " + n.getName() + " has no float bias initializer of "
                            + w.getDims(0) + " values");
                }
            }
            if (inits.containsKey(n.getInput(0))) {
                throw new OnnxModelException("Conv " + n.getName() + " convolves a constant");
            }
            String out = n.getOutput(0);
            boolean head = graphOutputs.contains(out);
            for (NodeProto c : consumers.getOrDefault(out, List.of())) {
                head |= !BODY.contains(c.getOpType());
            }
            if (head) {
                heads.add(out);
            }
        }
        Map<String, Integer> weightUses = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Conv")) {
                for (int i = 1; i < n.getInputCount(); i++) {
                    if (!n.getInput(i).isEmpty() && weightUses.merge(n.getInput(i), 1, Integer::sum) > 1) {
                        throw new OnnxModelException("initializer " + n.getInput(i) + " is shared by convolutions");
                    }
                }
            }
        }

        LinkedHashSet<String> quantized = new LinkedHashSet<>();
        Map<String, String> sameRangeAs = new LinkedHashMap<>();
        for (int idx : order) {
            NodeProto n = graph.getNode(idx);
            String out = n.getOutput(0);
            switch (n.getOpType()) {
                case "Conv" -> {
                    quantized.add(n.getInput(0));
                    if (!heads.contains(out)) {
                        quantized.add(out);
                    }
                }
                case "Add" -> {
                    quantized.add(n.getInput(0));
                    quantized.add(n.getInput(1));
                    quantized.add(out);
                }
                case "MaxPool" -> {
                    quantized.add(n.getInput(0));
                    quantized.add(out);
                    sameRangeAs.put(out, n.getInput(0));
                }
                case "Relu" -> quantized.add(out);
                default -> {
                    // Transpose / Reshape: left in float
                }
            }
        }
        // A tensor only a Relu reads is left to the Relu: Conv/Add -> Relu -> Q (ORT drops the Relu at zero point 0).
        for (String t : List.copyOf(quantized)) {
            List<NodeProto> readers = consumers.getOrDefault(t, List.of());
            if (readers.size() == 1 && readers.get(0).getOpType().equals("Relu") && !graphOutputs.contains(t)) {
                quantized.remove(t);
            }
        }
        quantized.removeAll(keepFloat);
        for (var it = sameRangeAs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            if (!quantized.contains(e.getKey()) || !quantized.contains(e.getValue())) {
                quantized.remove(e.getKey());
                it.remove();
            }
        }
        // A body convolution is int8 only with a quantised input and a quantised output (directly or after its Relu).
        for (NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Conv") && !heads.contains(n.getOutput(0))) {
                String out = n.getOutput(0);
                List<NodeProto> readers = consumers.getOrDefault(out, List.of());
                boolean outQ = quantized.contains(out) || readers.size() == 1
                        && readers.get(0).getOpType().equals("Relu") && quantized.contains(readers.get(0).getOutput(0));
                if (!outQ || !quantized.contains(n.getInput(0))) {
                    heads.add(out);
                }
            }
        }
        for (String t : quantized) {
            if (inits.containsKey(t)) {
                throw new OnnxModelException("activation " + t + " is an initializer");
            }
            if (graphOutputs.contains(t)) {
                throw new OnnxModelException("graph output " + t + " is on the quantised side");
            }
            if (!producers.containsKey(t) && graph.getInputList().stream().noneMatch(v -> v.getName().equals(t))) {
                throw new OnnxModelException("nothing produces " + t);
            }
            NodeProto pr = producers.get(t);
            if (pr != null && pr.getOpType().equals("Reshape")) {
                throw new OnnxModelException("a Reshape output (" + t + ") feeds the convolution side");
            }
        }
        // A pooling's input must itself carry a range (not derived from another pooling that lacks one).
        for (Map.Entry<String, String> e : sameRangeAs.entrySet()) {
            String src = e.getValue();
            while (sameRangeAs.containsKey(src)) {
                src = sameRangeAs.get(src);
            }
            e.setValue(src);
        }
        return new Plan(graph, order, inits, quantized, sameRangeAs, heads);
    }

    private static NodeProto quantizeNode(Set<String> names, String t, String[] q) {
        return NodeProto.newBuilder().setOpType("QuantizeLinear")
                .setName(OnnxGraphs.uniqueName(names, q[0] + "/QuantizeLinear"))
                .addInput(t).addInput(q[1]).addInput(q[2]).addOutput(q[0]).build();
    }

    private static String perAxisDq(GraphProto.Builder g, Set<String> names, String base, String q, String scale,
                                    String zeroPoint) {
        String out = OnnxGraphs.uniqueName(names, base + "/dq");
        g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear")
                .setName(OnnxGraphs.uniqueName(names, base + "/DequantizeLinear"))
                .addInput(q).addInput(scale).addInput(zeroPoint).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                        .setI(0)));
        return out;
    }

    private static TensorProto floatTensor(String name, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        if (v.length > 1) {
            t.addDims(v.length);
        }
        return t.build();
    }

    /** Ranges as text, one tensor a line: {@code name<TAB>min<TAB>max}; lines starting with # are comments. */
    public static Map<String, Range> parseRanges(String text) {
        Map<String, Range> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 3) {
                throw new IllegalArgumentException("not \"name<TAB>min<TAB>max\": " + line);
            }
            m.put(f[0], new Range(Float.parseFloat(f[1].strip()), Float.parseFloat(f[2].strip())));
        }
        return m;
    }

    public static String formatRanges(Map<String, Range> ranges, String header) {
        StringBuilder s = new StringBuilder();
        for (String h : header.split("\n")) {
            s.append("# ").append(h).append('\n');
        }
        ranges.forEach((k, r) -> s.append(k).append('\t').append(String.format(Locale.ROOT, "%.9g", r.min()))
                .append('\t').append(String.format(Locale.ROOT, "%.9g", r.max())).append('\n'));
        return s.toString();
    }
}
