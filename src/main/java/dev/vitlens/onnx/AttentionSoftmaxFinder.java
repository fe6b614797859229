package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Locates each encoder layer's attention Softmax by graph structure, not by name:
 * <ol>
 *   <li>a {@code Softmax} over the last axis,</li>
 *   <li>whose input comes, through scale / bias / mask ops ({@code Div, Mul, Add, Sub, Where, Cast, Identity}),
 *       from a {@code MatMul} of Q and Kᵀ: the MatMul's second operand derives (through {@code Mul, Div, Cast,
 *       Identity}) from a {@code Transpose} of a computed (non-constant) value.</li>
 * </ol>
 * Layers are numbered in topological order; layer indices found in node names ({@code /vit/encoder/layer.3/...},
 * {@code blocks.3}) must agree with that order, otherwise nothing is returned rather than a guess.
 */
public final class AttentionSoftmaxFinder {
    /** Fused attention kernels that never materialise the probabilities (ORT contrib ops and ONNX 23 Attention). */
    private static final Set<String> FUSED_ATTENTION_OPS = Set.of(
            "Attention", "MultiHeadAttention", "PackedAttention", "PackedMultiHeadAttention", "GroupQueryAttention",
            "DecoderMaskedMultiHeadAttention", "DecoderMaskedSelfAttention", "DecoderAttention", "LongformerAttention",
            "QAttention", "QOrderedAttention", "SparseAttention", "PagedAttention");
    private static final Set<String> SCORE_OPS = Set.of("Div", "Mul", "Add", "Sub", "Where", "Cast", "Identity");
    private static final Set<String> KEY_OPS = Set.of("Mul", "Div", "Cast", "Identity");
    private static final int MAX_DEPTH = 8;
    private static final Pattern LAYER_IN_NAME =
            Pattern.compile("(?:^|[/._:])(?:layer|layers|block|blocks)[._]?(\\d+)(?:[/._:]|$)");

    private final GraphProto graph;
    private final Map<String, NodeProto> producers;
    private final Set<String> constants;
    private final Map<String, ValueInfoProto> infos;
    private final long opset;

    private AttentionSoftmaxFinder(ModelProto model) {
        this.graph = model.getGraph();
        this.producers = OnnxGraphs.producers(graph);
        this.constants = OnnxGraphs.constants(graph);
        this.infos = OnnxGraphs.valueInfos(graph);
        this.opset = OnnxGraphs.defaultOpset(model).orElse(13L);
    }

    /**
     * The attention Softmax of every encoder layer, in layer order.
     *
     * @throws AttentionNotFoundException when the graph uses fused attention, has no qualifying Softmax, or names its
     *                                    layers inconsistently with its data flow
     */
    public static List<AttentionSoftmax> find(ModelProto model) throws AttentionNotFoundException {
        return new AttentionSoftmaxFinder(model).locate().stream().map(Located::softmax).toList();
    }

    /**
     * One layer's attention: the Softmax as {@link #find} reports it, its node, and the MatMul of Q and Kᵀ whose
     * scores it normalises (for the hidden-state surgery and the weight reader, which start from there).
     */
    record Located(AttentionSoftmax softmax, NodeProto softmaxNode, NodeProto scoresMatMul) { }

    /** Like {@link #find}, with the nodes. */
    static List<Located> locate(ModelProto model) throws AttentionNotFoundException {
        return new AttentionSoftmaxFinder(model).locate();
    }

    private List<Located> locate() throws AttentionNotFoundException {
        List<NodeProto> nodes = graph.getNodeList();
        List<NodeProto> fused = new ArrayList<>();
        List<NodeProto> candidates = new ArrayList<>();
        List<NodeProto> matMuls = new ArrayList<>();
        int softmaxCount = 0;
        for (int index : OnnxGraphs.topologicalOrder(graph)) {
            NodeProto node = nodes.get(index);
            if (FUSED_ATTENTION_OPS.contains(node.getOpType())) {
                fused.add(node);
            } else if (node.getOpType().equals("Softmax") && OnnxGraphs.isDefaultDomain(node)) {
                softmaxCount++;
                ScoreTrace trace = attentionTrace(node);
                if (trace != null) {
                    candidates.add(node);
                    matMuls.add(trace.matMul());
                }
            }
        }
        if (!fused.isEmpty()) {
            NodeProto first = fused.get(0);
            String domain = first.getDomain().isEmpty() ? "" : first.getDomain() + ".";
            throw new AttentionNotFoundException("graph uses fused attention op " + domain + first.getOpType()
                    + " (node '" + first.getName() + "', " + fused.size() + " in total); attention maps cannot be "
                    + "extracted because the fused kernel never outputs the probabilities. Export the model without "
                    + "fused-attention optimisation.");
        }
        if (candidates.isEmpty()) {
            String detail = softmaxCount == 0
                    ? "the graph has no Softmax node"
                    : "the graph has " + softmaxCount + " Softmax node(s), none over the last axis of a Q·Kᵀ MatMul";
            if (graph.getNodeList().stream().anyMatch(n -> !OnnxGraphs.isDefaultDomain(n))) {
                detail += "; it also uses custom-domain ops ("
                        + graph.getNodeList().stream().filter(n -> !OnnxGraphs.isDefaultDomain(n))
                        .map(n -> n.getDomain() + "." + n.getOpType()).distinct().limit(5)
                        .collect(Collectors.joining(", ")) + ")";
            }
            throw new AttentionNotFoundException("no attention Softmax found: " + detail
                    + "; attention maps cannot be extracted from this model");
        }
        List<AttentionSoftmax> layers = numberLayers(candidates);
        List<Located> located = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            located.add(new Located(layers.get(i), candidates.get(i), matMuls.get(i)));
        }
        return located;
    }

    private List<AttentionSoftmax> numberLayers(List<NodeProto> softmaxes) throws AttentionNotFoundException {
        List<AttentionSoftmax> layers = new ArrayList<>();
        int previous = -1;
        int named = 0;
        for (int i = 0; i < softmaxes.size(); i++) {
            NodeProto node = softmaxes.get(i);
            OptionalInt nameIndex = layerIndexInName(node.getName());
            if (nameIndex.isEmpty()) {
                nameIndex = layerIndexInName(node.getOutput(0));
            }
            if (nameIndex.isPresent()) {
                named++;
                if (nameIndex.getAsInt() <= previous) {
                    throw new AttentionNotFoundException("layer indices in node names disagree with the graph's data "
                            + "flow: '" + node.getName() + "' (layer " + nameIndex.getAsInt() + ") comes after layer "
                            + previous + "; refusing to guess which Softmax belongs to which layer");
                }
                previous = nameIndex.getAsInt();
            }
            layers.add(new AttentionSoftmax(i, node.getName(), node.getOutput(0), nameIndex));
        }
        if (named == layers.size() && previous != layers.size() - 1) {
            throw new AttentionNotFoundException("found " + layers.size() + " attention Softmax nodes but their names "
                    + "number layers up to " + previous + "; refusing to guess which layers are missing");
        }
        return layers;
    }

    static OptionalInt layerIndexInName(String name) {
        if (name == null || name.isEmpty()) {
            return OptionalInt.empty();
        }
        Matcher m = LAYER_IN_NAME.matcher(name.toLowerCase(Locale.ROOT));
        if (m.find()) {
            try {
                return OptionalInt.of(Integer.parseInt(m.group(1)));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }

    /** The score trace of an attention Softmax, or null when {@code softmax} is not one. */
    private ScoreTrace attentionTrace(NodeProto softmax) {
        if (softmax.getInputCount() == 0 || softmax.getOutputCount() == 0) {
            return null;
        }
        ScoreTrace trace = traceScores(softmax.getInput(0), 0, true);
        if (trace == null) {
            return null;
        }
        long axis = OnnxGraphs.attribute(softmax, "axis").map(AttributeProto::getI).orElse(opset >= 13 ? -1L : 1L);
        if (axis == -1) {
            return trace;
        }
        int rank = OnnxGraphs.declaredRank(infos, softmax.getInput(0));
        if (rank < 0) {
            rank = OnnxGraphs.declaredRank(infos, softmax.getOutput(0));
        }
        if (rank < 0) {
            rank = trace.rankHint;
        }
        // Before opset 13 Softmax flattens to 2-D around the axis; over the last axis that is still a row softmax.
        return rank > 0 && axis == rank - 1 ? trace : null;
    }

    /** The MatMul producing the attention scores, and the scores' rank if it can be read off the key Transpose. */
    private record ScoreTrace(NodeProto matMul, int rankHint) { }

    private ScoreTrace traceScores(String value, int depth, boolean rankPreserved) {
        if (depth > MAX_DEPTH || constants.contains(value)) {
            return null;
        }
        NodeProto node = producers.get(value);
        if (node == null || !OnnxGraphs.isDefaultDomain(node)) {
            return null;
        }
        String op = node.getOpType();
        if (op.equals("MatMul") && node.getInputCount() == 2) {
            NodeProto transpose = traceKeyTranspose(node.getInput(1), 0);
            if (transpose == null || constants.contains(node.getInput(0))) {
                return null;
            }
            int rank = OnnxGraphs.attribute(transpose, "perm").map(AttributeProto::getIntsCount).orElse(0);
            return new ScoreTrace(node, rankPreserved && rank > 0 ? rank : -1);
        }
        if (op.equals("Reshape") && node.getInputCount() > 0) {
            return traceScores(node.getInput(0), depth + 1, false);
        }
        if (!SCORE_OPS.contains(op)) {
            return null;
        }
        List<String> inputs = switch (op) {
            case "Div", "Sub", "Cast", "Identity" -> node.getInputList().subList(0, Math.min(1, node.getInputCount()));
            case "Where" -> node.getInputList().subList(Math.min(1, node.getInputCount()), node.getInputCount());
            default -> node.getInputList();
        };
        for (String in : inputs) {
            ScoreTrace trace = traceScores(in, depth + 1, rankPreserved);
            if (trace != null) {
                return trace;
            }
        }
        return null;
    }

    private NodeProto traceKeyTranspose(String value, int depth) {
        if (depth > MAX_DEPTH || constants.contains(value)) {
            return null;
        }
        NodeProto node = producers.get(value);
        if (node == null || !OnnxGraphs.isDefaultDomain(node)) {
            return null;
        }
        if (node.getOpType().equals("Transpose")) {
            // Kᵀ is computed from the activations; a transposed constant is just a weight matrix (e.g. a classifier).
            String in = node.getInputCount() > 0 ? node.getInput(0) : "";
            return constants.contains(in) || !producers.containsKey(in) && isInitializerLike(in) ? null : node;
        }
        if (!KEY_OPS.contains(node.getOpType())) {
            return null;
        }
        List<String> inputs = node.getOpType().equals("Mul") ? node.getInputList()
                : node.getInputList().subList(0, Math.min(1, node.getInputCount()));
        for (String in : inputs) {
            NodeProto t = traceKeyTranspose(in, depth + 1);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** A value with no producer that is not a graph input (e.g. an initializer not listed as such). */
    private boolean isInitializerLike(String value) {
        return graph.getInputList().stream().noneMatch(v -> v.getName().equals(value));
    }
}
