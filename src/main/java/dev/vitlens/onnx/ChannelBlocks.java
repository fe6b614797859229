package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a small convolutional network so that ONNX Runtime's blocked channel layout (NCHWc: 8 channels a block on
 * AVX2) covers all of it. The result computes the same outputs; only the speed changes.
 *
 * <p>Why: ORT runs a convolution in NCHWc only when its channel counts are multiples of the block, and converts
 * ("reorders") tensors back to plain NCHW around every operator it cannot run blocked. MediaPipe's BlazeFace, as
 * exported, has feature maps of 28, 36 and 42 channels and pads its residual connections to the next width with a
 * {@code Concat} of zeros, so measured on one thread a third of its kernel time went to reorders, {@code Concat} and
 * unfused {@code Add}/{@code Relu}. Two exact changes remove them:
 * <ul>
 *   <li>every feature map whose channel count is not a multiple of 8 is widened to the next multiple with channels
 *       that are always zero (zero filters and biases in the convolutions that write it, zero input weights in the
 *       ones that read it; ReLU, max pooling and addition keep zeros zero);</li>
 *   <li>{@code Concat(x, zeros)} on the channel axis becomes a 1x1 convolution with an identity weight, which ORT
 *       runs blocked and fuses with the following {@code Add} and {@code Relu}.</li>
 * </ul>
 * Only graphs made of the operators listed in {@link #SUPPORTED} are rewritten; anything else is refused with the
 * reason, and the caller keeps the original graph.
 */
public final class ChannelBlocks {
    /** ORT's NCHWc block on AVX2 (AVX-512 uses 16; 8 still removes the odd widths there). */
    public static final int BLOCK = 8;

    static final Set<String> SUPPORTED = Set.of("Conv", "Relu", "Add", "MaxPool", "Concat", "ConstantOfShape",
            "Transpose", "Reshape");
    /** Operators through which a widened tensor keeps its zero channels and its width. */
    private static final Set<String> PASS_THROUGH = Set.of("Relu", "Add", "MaxPool");

    /** The rewritten model and what changed, for the log and the tests. */
    public record Result(ModelProto model, int widenedTensors, int replacedConcats) {
        public byte[] bytes() {
            return model.toByteArray();
        }
    }

    private ChannelBlocks() {
    }

    /**
     * @throws OnnxModelException when the graph holds something this rewrite does not handle (the message says what)
     */
    public static Result rewrite(ModelProto model) throws OnnxModelException {
        GraphProto graph = model.getGraph();
        for (NodeProto n : graph.getNodeList()) {
            if (!OnnxGraphs.isDefaultDomain(n) || !SUPPORTED.contains(n.getOpType())) {
                throw new OnnxModelException("operator " + n.getOpType() + " (" + n.getName() + ") is not handled");
            }
        }
        Map<String, TensorProto> inits = OnnxGraphs.initializers(graph);
        Map<String, List<NodeProto>> consumers = OnnxGraphs.consumers(graph);
        Map<String, Integer> channels = channelCounts(graph, inits);
        Map<String, NodeProto> zeroPads = zeroConstants(graph, inits);

        // Tensors that must keep one width together: the inputs and output of Add/Relu/MaxPool and of a depthwise
        // convolution (its channels map one to one).
        UnionFind same = new UnionFind();
        for (NodeProto n : graph.getNodeList()) {
            if (PASS_THROUGH.contains(n.getOpType()) || isDepthwise(n, inits)) {
                String data = n.getInput(0);
                for (String in : n.getOpType().equals("Add") ? n.getInputList() : List.of(data)) {
                    same.union(in, n.getOutput(0));
                }
            }
        }
        // A class may be widened only if every member is a 4-D feature map made and read by convolution-side
        // operators: not the graph's input or output, not a head's tensor that a Transpose/Reshape reads.
        Set<String> graphEnds = new HashSet<>();
        graph.getInputList().forEach(v -> graphEnds.add(v.getName()));
        graph.getOutputList().forEach(v -> graphEnds.add(v.getName()));
        Map<String, NodeProto> producers = OnnxGraphs.producers(graph);
        Set<String> blocked = new HashSet<>();
        for (String t : channels.keySet()) {
            NodeProto p = producers.get(t);
            boolean ok = !graphEnds.contains(t) && p != null && !p.getOpType().equals("Transpose")
                    && !p.getOpType().equals("ConstantOfShape") && !zeroPads.containsKey(t);
            for (NodeProto c : consumers.getOrDefault(t, List.of())) {
                ok &= c.getOpType().equals("Conv") ? c.getInput(0).equals(t)
                        : PASS_THROUGH.contains(c.getOpType()) || c.getOpType().equals("Concat");
            }
            if (!ok) {
                blocked.add(same.find(t));
            }
        }
        Map<String, Integer> width = new HashMap<>();
        int widened = 0;
        for (Map.Entry<String, Integer> e : channels.entrySet()) {
            int c = e.getValue();
            boolean widen = c % BLOCK != 0 && !blocked.contains(same.find(e.getKey()));
            width.put(e.getKey(), widen ? roundUp(c) : c);
            if (widen) {
                widened++;
            }
        }

        GraphProto.Builder g = graph.toBuilder().clearNode().clearValueInfo();
        Map<String, TensorProto> newInits = new HashMap<>();
        Set<String> names = OnnxGraphs.allNames(graph);
        int concats = 0;
        for (NodeProto n : graph.getNodeList()) {
            switch (n.getOpType()) {
                case "ConstantOfShape" -> {
                    if (!zeroPads.containsKey(n.getOutput(0))) {
                        g.addNode(n);
                    }
                }
                case "Concat" -> {
                    if (n.getInputCount() == 2 && zeroPads.containsKey(n.getInput(1)) && axis(n) == 1) {
                        String x = n.getInput(0);
                        String out = n.getOutput(0);
                        String w = OnnxGraphs.uniqueName(names, out + "_identity");
                        newInits.put(w, identity(w, width.get(out), width.get(x), channels.get(x)));
                        g.addNode(NodeProto.newBuilder().setOpType("Conv").setName(OnnxGraphs.uniqueName(names, out + "_as_conv"))
                                .addInput(x).addInput(w).addOutput(out)
                                .addAttribute(ints("kernel_shape", 1, 1)).build());
                        concats++;
                    } else if (n.getInputList().stream().anyMatch(i -> width.getOrDefault(i, 0)
                            .intValue() != channels.getOrDefault(i, 0).intValue())) {
                        throw new OnnxModelException("Concat " + n.getName() + " reads a widened tensor");
                    } else {
                        g.addNode(n);
                    }
                }
                case "Conv" -> g.addNode(widenConv(n, inits, channels, width, newInits));
                default -> g.addNode(n);
            }
        }
        // Initializers: the rewritten weights replace the old; those nobody reads any more (the zero shapes) go.
        Set<String> read = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            read.addAll(n.getInputList());
        }
        g.clearInitializer();
        for (TensorProto t : graph.getInitializerList()) {
            if (read.contains(t.getName()) && !newInits.containsKey(t.getName())) {
                g.addInitializer(t);
            }
        }
        newInits.values().forEach(g::addInitializer);
        return new Result(model.toBuilder().setGraph(g).build(), widened, concats);
    }

    private static NodeProto widenConv(NodeProto n, Map<String, TensorProto> inits, Map<String, Integer> channels,
                                       Map<String, Integer> width, Map<String, TensorProto> newInits)
            throws OnnxModelException {
        String x = n.getInput(0);
        String out = n.getOutput(0);
        int cin = channels.get(x);
        int cout = channels.get(out);
        int win = width.get(x);
        int wout = width.get(out);
        if (win == cin && wout == cout) {
            return n;
        }
        TensorProto w = inits.get(n.getInput(1));
        if (w == null || w.getDimsCount() != 4) {
            throw new OnnxModelException("Conv " + n.getName() + " has no 4-D weight initializer");
        }
        if (newInits.containsKey(w.getName())) {
            throw new OnnxModelException("Conv " + n.getName() + " shares its weight with another convolution");
        }
        long group = OnnxGraphs.attribute(n, "group").map(AttributeProto::getI).orElse(1L);
        int kh = (int) w.getDims(2);
        int kw = (int) w.getDims(3);
        int k = kh * kw;
        float[] src = OnnxGraphs.floats(w);
        NodeProto.Builder b = n.toBuilder();
        float[] dst;
        if (group == 1) {
            dst = new float[wout * win * k];
            for (int o = 0; o < cout; o++) {
                System.arraycopy(src, o * cin * k, dst, o * win * k, cin * k);
            }
            newInits.put(w.getName(), floats(w.getName(), dst, wout, win, kh, kw));
        } else {
            // depthwise: one filter per channel, group = channels; the new channels get zero filters
            dst = new float[wout * k];
            System.arraycopy(src, 0, dst, 0, cout * k);
            newInits.put(w.getName(), floats(w.getName(), dst, wout, 1, kh, kw));
            b.clearAttribute();
            for (AttributeProto a : n.getAttributeList()) {
                b.addAttribute(a.getName().equals("group") ? a.toBuilder().setI(wout).build() : a);
            }
        }
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            TensorProto bias = inits.get(n.getInput(2));
            if (bias == null) {
                throw new OnnxModelException("Conv " + n.getName() + " has no bias initializer");
            }
            float[] bv = new float[wout];
            System.arraycopy(OnnxGraphs.floats(bias), 0, bv, 0, cout);
            newInits.put(bias.getName(), floats(bias.getName(), bv, wout));
        }
        return b.build();
    }

    /** Channel count of every 4-D NCHW tensor the convolution side computes. */
    private static Map<String, Integer> channelCounts(GraphProto graph, Map<String, TensorProto> inits)
            throws OnnxModelException {
        Map<String, Integer> c = new HashMap<>();
        Map<String, long[]> inputShapes = new HashMap<>();
        graph.getInputList().forEach(v -> {
            var dims = v.getType().getTensorType().getShape().getDimList();
            long[] s = new long[dims.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : -1;
            }
            inputShapes.put(v.getName(), s);
            if (s.length == 4 && s[1] > 0) {
                c.put(v.getName(), (int) s[1]);   // an NCHW input (an NHWC one is read through a Transpose)
            }
        });
        for (int idx : OnnxGraphs.topologicalOrder(graph)) {
            NodeProto n = graph.getNode(idx);
            String out = n.getOutputCount() > 0 ? n.getOutput(0) : "";
            switch (n.getOpType()) {
                case "Conv" -> {
                    TensorProto w = inits.get(n.getInput(1));
                    if (w == null || w.getDimsCount() != 4) {
                        throw new OnnxModelException("Conv " + n.getName() + " has no 4-D weight initializer");
                    }
                    if (!c.containsKey(n.getInput(0))) {
                        throw new OnnxModelException("Conv " + n.getName() + " reads a tensor of unknown channels");
                    }
                    c.put(out, (int) w.getDims(0));
                }
                case "Relu", "MaxPool" -> copy(c, n.getInput(0), out);
                case "Add" -> {
                    Integer a = c.get(n.getInput(0));
                    Integer b = c.get(n.getInput(1));
                    if (a == null || !a.equals(b)) {
                        throw new OnnxModelException("Add " + n.getName() + " does not add two feature maps of one width");
                    }
                    c.put(out, a);
                }
                case "ConstantOfShape" -> {
                    TensorProto shape = inits.get(n.getInput(0));
                    if (shape != null) {
                        long[] s = OnnxGraphs.longs(shape);
                        if (s.length == 4) {
                            c.put(out, (int) s[1]);
                        }
                    }
                }
                case "Concat" -> {
                    if (axis(n) == 1 && n.getInputList().stream().allMatch(c::containsKey)) {
                        c.put(out, n.getInputList().stream().mapToInt(c::get).sum());
                    }
                }
                case "Transpose" -> {
                    long[] s = inputShapes.get(n.getInput(0));
                    List<Long> perm = OnnxGraphs.attribute(n, "perm").map(AttributeProto::getIntsList).orElse(List.of());
                    // NHWC graph input -> NCHW: the channels are the input's last axis
                    if (s != null && s.length == 4 && perm.equals(List.of(0L, 3L, 1L, 2L)) && s[3] > 0) {
                        c.put(out, (int) s[3]);
                    }
                }
                default -> {
                    // Reshape: leaves the convolution side (heads)
                }
            }
        }
        return c;
    }

    private static void copy(Map<String, Integer> c, String from, String to) throws OnnxModelException {
        Integer v = c.get(from);
        if (v == null) {
            throw new OnnxModelException("cannot follow the channels of " + from);
        }
        c.put(to, v);
    }

    /** ConstantOfShape nodes that produce zeros, by output (their value attribute is absent or 0). */
    private static Map<String, NodeProto> zeroConstants(GraphProto graph, Map<String, TensorProto> inits)
            throws OnnxModelException {
        Map<String, NodeProto> zeros = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            if (!n.getOpType().equals("ConstantOfShape") || !inits.containsKey(n.getInput(0))) {
                continue;
            }
            var value = OnnxGraphs.attribute(n, "value");
            boolean zero = value.isEmpty();
            if (value.isPresent()) {
                TensorProto t = value.get().getT();
                zero = t.getDataType() == TensorProto.DataType.FLOAT_VALUE && allZero(OnnxGraphs.floats(t));
            }
            if (zero) {
                zeros.put(n.getOutput(0), n);
            }
        }
        return zeros;
    }

    private static boolean allZero(float[] v) {
        for (float f : v) {
            if (f != 0f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDepthwise(NodeProto n, Map<String, TensorProto> inits) {
        if (!n.getOpType().equals("Conv")) {
            return false;
        }
        long group = OnnxGraphs.attribute(n, "group").map(AttributeProto::getI).orElse(1L);
        TensorProto w = inits.get(n.getInput(1));
        return group > 1 && w != null && w.getDimsCount() == 4 && w.getDims(0) == group && w.getDims(1) == 1;
    }

    private static long axis(NodeProto n) {
        return OnnxGraphs.attribute(n, "axis").map(AttributeProto::getI).orElse(0L);
    }

    static int roundUp(int c) {
        return (c + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** [out, in, 1, 1] with ones on the diagonal of the first {@code real} channels: copies x, then zeros. */
    private static TensorProto identity(String name, int out, int in, int real) {
        float[] w = new float[out * in];
        for (int i = 0; i < real; i++) {
            w[i * in + i] = 1f;
        }
        return floats(name, w, out, in, 1, 1);
    }

    private static TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static final class UnionFind {
        private final Map<String, String> parent = new HashMap<>();

        String find(String x) {
            String p = parent.getOrDefault(x, x);
            if (p.equals(x)) {
                return x;
            }
            String root = find(p);
            parent.put(x, root);
            return root;
        }

        void union(String a, String b) {
            String ra = find(a);
            String rb = find(b);
            if (!ra.equals(rb)) {
                parent.put(ra, rb);
            }
        }
    }
}
