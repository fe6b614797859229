package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cuts a model's read-out (final norm, pooling or [CLS]/[DIST] gather, classifier) out of its graph: the nodes that
 * compute {@code logits} from the last hidden state, as a standalone model with input {@code hidden_state}
 * {@code [batch, tokens, D]} and output {@code logits}. Applied to the last layer's output it computes exactly what
 * the model computes; applied to earlier layers it is the logit lens.
 *
 * <p>Every other value the read-out reads must be constant (initializers, Constant nodes, or subgraphs of them, which
 * are copied); a read-out that needs anything computed from {@code pixel_values} is refused. For DeiT's two
 * classifiers (logits = (cls + distillation) / 2) each head's logits are also output, as {@code head.cls} and
 * {@code head.distillation}, told apart by the token each head gathers (0 is [CLS], 1 is [DIST]).
 */
public final class ReadoutGraph {
    public static final String INPUT = "hidden_state";
    public static final String LOGITS = "logits";
    public static final String HEAD_CLS = "head.cls";
    public static final String HEAD_DISTILLATION = "head.distillation";
    private static final Set<String> TOKEN_PATH_OPS = Set.of("Identity", "Cast", "Squeeze", "Reshape", "Flatten",
            "LayerNormalization");

    /**
     * @param model       the read-out model
     * @param headOutputs {@code head.cls} and {@code head.distillation} when the model averages two classifiers,
     *                    else empty
     * @param headsNote   why a two-classifier average was found but its heads are not output, or empty
     */
    public record Result(ModelProto model, List<String> headOutputs, String headsNote) {
        public byte[] bytes() {
            return model.toByteArray();
        }
    }

    private final GraphProto graph;
    private final Map<String, NodeProto> producers;
    private final Map<String, TensorProto> initializers;
    private final Set<String> constant;

    private ReadoutGraph(ModelProto model) {
        this.graph = model.getGraph();
        this.producers = OnnxGraphs.producers(graph);
        this.initializers = OnnxGraphs.initializers(graph);
        this.constant = OnnxGraphs.constantClosure(graph);
    }

    /**
     * @param hiddenValue the value holding the last layer's output (e.g. {@link HiddenStateSurgery.Result#last()})
     * @throws OnnxModelException when the model has no {@code logits}, or its read-out needs a value that is neither
     *                            constant nor computed from {@code hiddenValue}
     */
    public static Result cut(ModelProto model, String hiddenValue) throws OnnxModelException {
        return new ReadoutGraph(model).slice(model, hiddenValue);
    }

    private Result slice(ModelProto model, String hiddenValue) throws OnnxModelException {
        Optional<ValueInfoProto> logitsInfo = graph.getOutputList().stream()
                .filter(o -> o.getName().equals(LOGITS)).findFirst();
        if (logitsInfo.isEmpty()) {
            throw new OnnxModelException("the model has no \"logits\" output (a backbone without classification "
                    + "head): there is no read-out to apply to the hidden states");
        }
        if (hiddenValue.equals(LOGITS)) {
            throw new OnnxModelException("the last hidden state cannot be the logits themselves");
        }
        Set<String> inputs = new HashSet<>();
        graph.getInputList().forEach(v -> inputs.add(v.getName()));
        Set<NodeProto> kept = new HashSet<>();
        Set<String> usedInitializers = new LinkedHashSet<>();
        boolean readsHidden = false;
        Deque<String[]> pending = new ArrayDeque<>(); // {value, the node that reads it}
        pending.push(new String[] {LOGITS, "(graph output)"});
        Set<String> seen = new HashSet<>();
        Map<String, Boolean> reaches = new HashMap<>();
        while (!pending.isEmpty()) {
            String[] item = pending.pop();
            String value = item[0];
            if (value.isEmpty() || !seen.add(value)) {
                continue;
            }
            if (value.equals(hiddenValue)) {
                readsHidden = true;
                continue;
            }
            if (initializers.containsKey(value)) {
                usedInitializers.add(value);
                continue;
            }
            NodeProto node = producers.get(value);
            if (node == null) {
                String what = inputs.contains(value) ? "graph input '" + value + "'" : "undefined value '" + value + "'";
                throw new OnnxModelException("the read-out from the last hidden state to logits also needs " + what
                        + " (read by node '" + item[1] + "'), not only the hidden state and constants; it cannot be "
                        + "applied to other layers");
            }
            Optional<String> foreign = constant.contains(value) ? Optional.empty()
                    : foreignInput(node, hiddenValue, reaches);
            if (foreign.isPresent()) {
                NodeProto p = producers.get(foreign.get());
                throw new OnnxModelException("the read-out from the last hidden state to logits also needs '"
                        + foreign.get() + "'" + (p == null ? "" : " (" + p.getOpType() + " node '" + p.getName() + "')")
                        + ", which is computed from the image, not from the last hidden state; it cannot be applied "
                        + "to other layers");
            }
            if (kept.add(node)) {
                for (String in : node.getInputList()) {
                    pending.push(new String[] {in, node.getName().isEmpty() ? node.getOpType() : node.getName()});
                }
            }
        }
        if (!readsHidden) {
            throw new OnnxModelException("logits do not depend on the last hidden state '" + hiddenValue + "'");
        }

        GraphProto.Builder g = GraphProto.newBuilder().setName("vitlens-readout");
        Set<String> names = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) { // file order is a valid order: the source graph's was
            if (kept.contains(node)) {
                NodeProto.Builder b = node.toBuilder();
                for (int i = 0; i < b.getInputCount(); i++) {
                    if (b.getInput(i).equals(hiddenValue)) {
                        b.setInput(i, INPUT);
                    }
                }
                g.addNode(b);
                names.add(node.getName());
                names.addAll(node.getOutputList());
            }
        }
        for (String name : usedInitializers) {
            g.addInitializer(initializers.get(name));
            names.add(name);
        }
        names.add(INPUT);
        TensorShapeProto.Dimension batch = OnnxGraphs.batchDimension(graph);
        g.addInput(floatInfo(INPUT, TensorShapeProto.newBuilder().addDim(batch)
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("tokens"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("hidden")).build()));
        if (model.getIrVersion() < 4) {
            // before IR 4 every initializer must also be a graph input
            for (String name : usedInitializers) {
                TensorProto t = initializers.get(name);
                TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
                t.getDimsList().forEach(d -> shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
                g.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.getDataType()).setShape(shape))));
            }
        }
        g.addOutput(logitsInfo.get());

        List<String> heads = new ArrayList<>();
        String headsNote = "";
        try {
            Optional<String[]> branches = headBranches();
            if (branches.isPresent()) {
                String[] b = branches.get();
                String[] outs = {HEAD_CLS, HEAD_DISTILLATION};
                for (int i = 0; i < 2; i++) {
                    g.addNode(NodeProto.newBuilder().setOpType("Identity")
                            .setName(OnnxGraphs.uniqueName(names, "vitlens/" + outs[i]))
                            .addInput(b[i].equals(hiddenValue) ? INPUT : b[i]).addOutput(outs[i]));
                    g.addOutput(logitsInfo.get().toBuilder().setName(outs[i]));
                    heads.add(outs[i]);
                }
            }
        } catch (OnnxModelException e) {
            headsNote = e.getMessage();
        }

        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(model.getIrVersion())
                .addAllOpsetImport(model.getOpsetImportList())
                .setProducerName("vitlens-readout")
                .setGraph(g)
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("vitlens.readout")
                        .setValue("cut from '" + hiddenValue + "' to logits of " + model.getProducerName()));
        if (model.hasDomain()) {
            m.setDomain(model.getDomain());
        }
        return new Result(m.build(), List.copyOf(heads), headsNote);
    }

    /**
     * The first value {@code node} needs (directly or through other nodes) that is neither constant nor computed from
     * {@code hiddenValue}: something the read-out would have to take from the image. Empty when there is none.
     */
    private Optional<String> foreignInput(NodeProto node, String hiddenValue, Map<String, Boolean> reaches) {
        Deque<String> pending = new ArrayDeque<>(node.getInputList());
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String v = pending.pop();
            if (v.isEmpty() || v.equals(hiddenValue) || !seen.add(v) || constant.contains(v)) {
                continue;
            }
            if (!reachesHidden(v, hiddenValue, reaches)) {
                return Optional.of(v);
            }
            NodeProto p = producers.get(v);
            if (p != null) {
                pending.addAll(p.getInputList());
            }
        }
        return Optional.empty();
    }

    /** Whether {@code value} is computed from {@code hiddenValue} (memoised: the walk may cross the encoder). */
    private boolean reachesHidden(String value, String hiddenValue, Map<String, Boolean> memo) {
        Boolean known = memo.get(value);
        if (known != null) {
            return known;
        }
        Deque<String> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        pending.push(value);
        boolean found = false;
        while (!pending.isEmpty() && !found) {
            String v = pending.pop();
            if (v.equals(hiddenValue) || Boolean.TRUE.equals(memo.get(v))) {
                found = true;
            } else if (seen.add(v) && !constant.contains(v) && producers.containsKey(v)) {
                pending.addAll(producers.get(v).getInputList());
            }
        }
        memo.put(value, found);
        return found;
    }

    /**
     * DeiT's two classifiers: logits = Div(Add(a, b), 2) or Mul(Add(a, b), 0.5) where a and b are classifier outputs
     * (Gemm, or MatMul plus bias). Returns {cls, distillation}, ordered by the token each branch gathers; empty when
     * the logits are not such an average.
     *
     * @throws OnnxModelException when they are an average of two classifiers but the tokens cannot be told apart
     */
    private Optional<String[]> headBranches() throws OnnxModelException {
        NodeProto last = producers.get(LOGITS);
        if (last == null || last.getInputCount() != 2) {
            return Optional.empty();
        }
        String sum;
        if (last.getOpType().equals("Div") && scalar(last.getInput(1)).filter(v -> v == 2.0).isPresent()) {
            sum = last.getInput(0);
        } else if (last.getOpType().equals("Mul")) {
            if (scalar(last.getInput(1)).filter(v -> v == 0.5).isPresent()) {
                sum = last.getInput(0);
            } else if (scalar(last.getInput(0)).filter(v -> v == 0.5).isPresent()) {
                sum = last.getInput(1);
            } else {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        NodeProto add = producers.get(sum);
        if (add == null || !add.getOpType().equals("Add") || add.getInputCount() != 2) {
            return Optional.empty();
        }
        String[] branches = {add.getInput(0), add.getInput(1)};
        for (String b : branches) {
            if (classifierInput(b) == null) {
                return Optional.empty();
            }
        }
        long t0 = gatheredToken(classifierInput(branches[0]));
        long t1 = gatheredToken(classifierInput(branches[1]));
        if (t0 == 0 && t1 == 1) {
            return Optional.of(branches);
        }
        if (t0 == 1 && t1 == 0) {
            return Optional.of(new String[] {branches[1], branches[0]});
        }
        throw new OnnxModelException("logits average two classifiers, but which reads [CLS] (token 0) and which "
                + "[DIST] (token 1) cannot be read from the graph; their separate predictions are not shown");
    }

    /** The data input of a classifier producing {@code value} (Gemm, MatMul, or either plus a constant bias). */
    private String classifierInput(String value) {
        NodeProto node = producers.get(value);
        if (node == null) {
            return null;
        }
        if (node.getOpType().equals("Add") && node.getInputCount() == 2) {
            boolean c0 = constant.contains(node.getInput(0));
            boolean c1 = constant.contains(node.getInput(1));
            if (c0 == c1) {
                return null;
            }
            node = producers.get(c1 ? node.getInput(0) : node.getInput(1));
            if (node == null) {
                return null;
            }
        }
        if ((node.getOpType().equals("Gemm") || node.getOpType().equals("MatMul")) && node.getInputCount() >= 2
                && constant.contains(node.getInput(1)) && !constant.contains(node.getInput(0))) {
            return node.getInput(0);
        }
        return null;
    }

    /** The token index a Gather on axis 1 with a constant scalar index picks on the way to {@code value}, or -1. */
    private long gatheredToken(String value) {
        String v = value;
        for (int hops = 0; hops < 8; hops++) {
            NodeProto node = producers.get(v);
            if (node == null || node.getInputCount() == 0) {
                return -1;
            }
            if (node.getOpType().equals("Gather") && node.getInputCount() == 2) {
                long axis = OnnxGraphs.attribute(node, "axis").map(AttributeProto::getI).orElse(0L);
                if (axis != 1) {
                    return -1;
                }
                Optional<TensorProto> index = OnnxGraphs.constantTensor(graph, producers, initializers,
                        node.getInput(1));
                if (index.isEmpty() || OnnxGraphs.elementCount(index.get()) != 1) {
                    return -1;
                }
                try {
                    return OnnxGraphs.longs(index.get())[0];
                } catch (OnnxModelException e) {
                    return -1;
                }
            }
            if (!TOKEN_PATH_OPS.contains(node.getOpType())) {
                return -1;
            }
            v = node.getInput(0);
        }
        return -1;
    }

    private Optional<Double> scalar(String value) {
        Optional<TensorProto> t = OnnxGraphs.constantTensor(graph, producers, initializers, value);
        if (t.isEmpty() || OnnxGraphs.elementCount(t.get()) != 1
                || t.get().getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return Optional.empty();
        }
        try {
            return Optional.of((double) OnnxGraphs.floats(t.get())[0]);
        } catch (OnnxModelException e) {
            return Optional.empty();
        }
    }

    private static ValueInfoProto floatInfo(String name, TensorShapeProto shape) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
