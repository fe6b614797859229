package dev.vitlens.onnx;

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
    private final ClassifierHeads classifierHeads;

    private ReadoutGraph(ModelProto model) {
        this.graph = model.getGraph();
        this.producers = OnnxGraphs.producers(graph);
        this.initializers = OnnxGraphs.initializers(graph);
        this.constant = OnnxGraphs.constantClosure(graph);
        this.classifierHeads = new ClassifierHeads(graph, producers, initializers, constant);
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
            Optional<String[]> branches = classifierHeads.averagedBranches();
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

    private static ValueInfoProto floatInfo(String name, TensorShapeProto shape) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
