package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The learned parameters the teaching views show, found by graph structure rather than by initializer names:
 * <ul>
 *   <li>patch filters: the weight {@code [D, C, p, p]} of the Conv that reads {@code pixel_values};</li>
 *   <li>absolute position embeddings: the constant {@code [1, T, D]} (or {@code [T, D]}) added on the path from that
 *       Conv to {@code hidden_states.0} (BEiT has none);</li>
 *   <li>relative position bias (BEiT): per layer, the constant added to the attention scores between the Q·Kᵀ MatMul
 *       and the Softmax, as Hugging Face's table {@code [(2h-1)(2w-1)+3, heads]}: read directly when the graph
 *       gathers from such a table, or recovered from the gathered {@code [1, heads, T, T]} bias that constant folding
 *       leaves (each table entry is where its relative offset occurs; every occurrence must agree, or the constant
 *       is not a relative position bias and nothing is returned for it).</li>
 * </ul>
 * What is not found is said in {@link Result#notes()}, never guessed.
 */
public final class EncoderWeights {

    /** A float tensor: its dimensions and values in C order. */
    public record Tensor(long[] dims, float[] values) {
        public int dim(int i) {
            return (int) dims[i];
        }
    }

    /**
     * @param patchFilters         {@code [D, C, p, p]}, or null
     * @param positionEmbeddings   {@code [T, D]} (a leading 1 dropped), or null
     * @param relativePositionBias per layer {@code [(2h-1)(2w-1)+3, heads]}; empty when not found for every layer
     * @param notes                what was not found and why
     */
    public record Result(Tensor patchFilters, Tensor positionEmbeddings, List<Tensor> relativePositionBias,
                         List<String> notes) {
        public Result {
            relativePositionBias = List.copyOf(relativePositionBias);
            notes = List.copyOf(notes);
        }
    }

    private static final Set<String> SCORE_PATH_OPS = Set.of("Div", "Mul", "Sub", "Cast", "Identity", "Where");

    private final ModelProto model;
    private final GraphProto graph;
    private final Map<String, NodeProto> producers;
    private final Map<String, List<NodeProto>> consumers;
    private final Map<String, TensorProto> initializers;
    private final Set<String> constant;
    private final List<String> notes = new ArrayList<>();

    private EncoderWeights(ModelProto model) {
        this.model = model;
        this.graph = model.getGraph();
        this.producers = OnnxGraphs.producers(graph);
        this.consumers = OnnxGraphs.consumers(graph);
        this.initializers = OnnxGraphs.initializers(graph);
        this.constant = OnnxGraphs.constantClosure(graph);
    }

    /**
     * @param prefixTokens tokens before the patches (1 for ViT/BEiT, 2 for DeiT)
     * @param gridHeight   patch rows
     * @param gridWidth    patch columns
     */
    public static Result read(ModelProto model, int prefixTokens, int gridHeight, int gridWidth) {
        return new EncoderWeights(model).read(prefixTokens, gridHeight, gridWidth);
    }

    private Result read(int prefixTokens, int gridHeight, int gridWidth) {
        int tokens = prefixTokens + gridHeight * gridWidth;
        NodeProto conv = patchConv();
        Tensor filters = null;
        if (conv != null) {
            filters = tensor(conv.getInput(1), "the patch-embedding weight");
            if (filters != null && filters.dims().length != 4) {
                notes.add("the patch-embedding Conv's weight has shape " + Arrays.toString(filters.dims())
                        + ", not [D, C, p, p]");
                filters = null;
            }
        }
        Tensor positions = null;
        List<Tensor> bias = List.of();
        HiddenStateSurgery.Found found = null;
        try {
            found = HiddenStateSurgery.find(model);
        } catch (OnnxModelException e) {
            notes.add("position embeddings and relative position bias not read: " + e.getMessage());
        }
        if (found != null) {
            if (conv != null && filters != null) {
                positions = positionEmbeddings(conv.getOutput(0), found.values().get(0), tokens, filters.dim(0));
            } else {
                notes.add("position embeddings not read: the patch embedding was not found");
            }
            bias = relativePositionBias(prefixTokens, gridHeight, gridWidth);
        }
        return new Result(filters, positions, bias, notes);
    }

    /** The Conv whose input is the image. */
    private NodeProto patchConv() {
        String pixels = graph.getInputList().stream().map(v -> v.getName())
                .filter(n -> !initializers.containsKey(n)).findFirst().orElse(null);
        if (pixels == null) {
            notes.add("patch filters not found: the graph has no input");
            return null;
        }
        List<NodeProto> convs = new ArrayList<>();
        Deque<String> pending = new ArrayDeque<>(List.of(pixels));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String v = pending.pop();
            if (!seen.add(v)) {
                continue;
            }
            for (NodeProto c : consumers.getOrDefault(v, List.of())) {
                if (c.getOpType().equals("Conv") && c.getInput(0).equals(v) && c.getInputCount() >= 2
                        && constant.contains(c.getInput(1))) {
                    convs.add(c);
                } else if (c.getOpType().equals("Cast") || c.getOpType().equals("Identity")) {
                    pending.add(c.getOutput(0));
                }
            }
        }
        if (convs.size() != 1) {
            notes.add("patch filters not found: " + (convs.isEmpty() ? "no Conv with a constant weight reads "
                    : convs.size() + " Convs read ") + "'" + pixels + "'");
            return null;
        }
        return convs.get(0);
    }

    private Tensor positionEmbeddings(String patches, String embeddings, int tokens, int width) {
        // the values between the patch embedding and layer 0's input: computed from the first, feeding the second
        Set<String> ancestors = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(embeddings));
        while (!pending.isEmpty()) {
            String v = pending.pop();
            if (constant.contains(v) || !ancestors.add(v)) {
                continue;
            }
            NodeProto p = producers.get(v);
            if (p != null) {
                p.getInputList().forEach(pending::push);
            }
        }
        if (!ancestors.contains(patches)) {
            notes.add("position embeddings not read: layer 0's input is not computed from the patch embedding");
            return null;
        }
        Set<String> between = new HashSet<>();
        pending.add(patches);
        List<NodeProto> adds = new ArrayList<>();
        boolean computedConstant = false;
        while (!pending.isEmpty()) {
            String v = pending.pop();
            if (!between.add(v) || v.equals(embeddings)) {
                continue;
            }
            for (NodeProto c : consumers.getOrDefault(v, List.of())) {
                if (c.getOutputCount() == 0 || !ancestors.contains(c.getOutput(0))) {
                    continue;
                }
                if (c.getOpType().equals("Add") && c.getInputCount() == 2) {
                    String other = c.getInput(0).equals(v) ? c.getInput(1) : c.getInput(0);
                    if (constant.contains(other)) {
                        Optional<TensorProto> t = OnnxGraphs.constantTensor(graph, producers, initializers, other);
                        if (t.isPresent() && isPositionShape(t.get(), tokens, width)) {
                            adds.add(c);
                        } else if (t.isEmpty()) {
                            computedConstant = true;
                        }
                    }
                }
                pending.add(c.getOutput(0));
            }
        }
        if (adds.size() > 1) {
            notes.add("position embeddings not read: " + adds.size() + " constants of shape [1, " + tokens + ", "
                    + width + "] are added between the patch embedding and layer 0; refusing to guess which one");
            return null;
        }
        if (adds.isEmpty()) {
            notes.add(computedConstant
                    ? "position embeddings not read: the constant added to the tokens before layer 0 is computed in "
                    + "the graph (e.g. interpolated), not stored"
                    : "no absolute position embeddings: no constant [1, " + tokens + ", " + width + "] is added "
                    + "between the patch embedding and layer 0");
            return null;
        }
        NodeProto add = adds.get(0);
        String other = between.contains(add.getInput(0)) ? add.getInput(1) : add.getInput(0);
        Tensor t = tensor(other, "the position embeddings");
        return t == null ? null : new Tensor(new long[] {tokens, width}, t.values());
    }

    private static boolean isPositionShape(TensorProto t, int tokens, int width) {
        List<Long> d = t.getDimsList();
        return d.size() == 3 && d.get(0) == 1 && d.get(1) == tokens && d.get(2) == width
                || d.size() == 2 && d.get(0) == tokens && d.get(1) == width;
    }

    private List<Tensor> relativePositionBias(int prefixTokens, int gridHeight, int gridWidth) {
        List<AttentionSoftmaxFinder.Located> layers;
        try {
            layers = AttentionSoftmaxFinder.locate(model);
        } catch (OnnxModelException e) {
            return List.of(); // already noted by the hidden-state search, which starts from the same Softmax nodes
        }
        int distances = (2 * gridHeight - 1) * (2 * gridWidth - 1) + 3;
        List<Tensor> tables = new ArrayList<>();
        List<Integer> without = new ArrayList<>();
        for (AttentionSoftmaxFinder.Located layer : layers) {
            List<String> biases = scoreBiases(layer);
            if (biases.isEmpty()) {
                without.add(layer.softmax().layer());
                continue;
            }
            if (biases.size() > 1) {
                notes.add("layer " + layer.softmax().layer() + " adds " + biases.size() + " constants to its attention"
                        + " scores; refusing to guess which one is the relative position bias");
                return List.of();
            }
            Tensor table = biasTable(layer.softmax().layer(), biases.get(0), distances, prefixTokens, gridHeight,
                    gridWidth);
            if (table == null) {
                return List.of();
            }
            tables.add(table);
        }
        if (!tables.isEmpty() && !without.isEmpty()) {
            notes.add("relative position bias found in " + tables.size() + " layer(s) but not in layer(s) " + without
                    + "; none is shown");
            return List.of();
        }
        return tables;
    }

    /** Constants added to one layer's attention scores between the Q·Kᵀ MatMul and the Softmax. */
    private List<String> scoreBiases(AttentionSoftmaxFinder.Located layer) {
        List<String> biases = new ArrayList<>();
        String scores = layer.scoresMatMul().getOutput(0);
        String v = layer.softmaxNode().getInput(0);
        for (int depth = 0; depth < 10 && !v.equals(scores); depth++) {
            NodeProto node = producers.get(v);
            if (node == null) {
                break;
            }
            String next = null;
            for (String in : node.getInputList()) {
                if (!in.isEmpty() && !constant.contains(in) && reaches(in, scores)) {
                    next = in;
                } else if (!in.isEmpty() && constant.contains(in) && node.getOpType().equals("Add")) {
                    biases.add(in);
                }
            }
            if (next == null || !(node.getOpType().equals("Add") || SCORE_PATH_OPS.contains(node.getOpType())
                    || node.getOpType().equals("Reshape"))) {
                break;
            }
            v = next;
        }
        return biases;
    }

    private boolean reaches(String value, String target) {
        Deque<String> pending = new ArrayDeque<>(List.of(value));
        Set<String> seen = new HashSet<>();
        for (int steps = 0; !pending.isEmpty() && steps < 64; steps++) {
            String v = pending.pop();
            if (v.equals(target)) {
                return true;
            }
            if (seen.add(v) && producers.containsKey(v) && !constant.contains(v)) {
                producers.get(v).getInputList().forEach(pending::push);
            }
        }
        return false;
    }

    /** The table behind one layer's score bias, read or recovered; null (with a note) when it is not one. */
    private Tensor biasTable(int layer, String bias, int distances, int prefixTokens, int gridHeight, int gridWidth) {
        // (a) the graph gathers from the table: find it in the bias's constant subgraph
        Map<String, TensorProto> tables = new LinkedHashMap<>();
        Deque<String> pending = new ArrayDeque<>(List.of(bias));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String v = pending.pop();
            if (!seen.add(v)) {
                continue;
            }
            Optional<TensorProto> t = OnnxGraphs.constantTensor(graph, producers, initializers, v);
            if (t.isPresent() && t.get().getDimsCount() == 2 && t.get().getDims(0) == distances
                    && t.get().getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                tables.put(t.get().getName(), t.get());
                continue;
            }
            NodeProto p = producers.get(v);
            if (p != null) {
                p.getInputList().forEach(pending::push);
            }
        }
        if (tables.size() == 1) {
            return tensor(tables.keySet().iterator().next(), "layer " + layer + "'s relative position bias table");
        }
        if (tables.size() > 1) {
            notes.add("layer " + layer + "'s attention bias is built from " + tables.size() + " tables of shape ["
                    + distances + ", heads]; refusing to guess which one is the relative position bias");
            return null;
        }
        // (b) constant folding left the gathered bias [1, heads, T, T]: invert Hugging Face's index
        Optional<TensorProto> folded = OnnxGraphs.constantTensor(graph, producers, initializers, bias);
        int tokens = prefixTokens + gridHeight * gridWidth;
        if (folded.isEmpty()) {
            notes.add("layer " + layer + "'s attention bias is computed in the graph and contains no table of shape ["
                    + distances + ", heads]; relative position bias not read");
            return null;
        }
        List<Long> d = folded.get().getDimsList();
        boolean shaped = d.size() == 4 && d.get(0) == 1 && d.get(2) == tokens && d.get(3) == tokens
                || d.size() == 3 && d.get(1) == tokens && d.get(2) == tokens;
        if (!shaped || prefixTokens != 1) {
            notes.add("layer " + layer + " adds a constant of shape " + d + " to its attention scores, not a [1, heads, "
                    + tokens + ", " + tokens + "] relative position bias over [CLS] and " + gridHeight + "x"
                    + gridWidth + " patches; not shown");
            return null;
        }
        Tensor gathered = tensor(folded.get().getName(), "layer " + layer + "'s attention bias");
        if (gathered == null) {
            return null;
        }
        int heads = (int) (long) (d.size() == 4 ? d.get(1) : d.get(0));
        int[][] index = relativePositionIndex(gridHeight, gridWidth);
        float[] table = new float[distances * heads];
        boolean[] set = new boolean[distances];
        float[] values = gathered.values();
        for (int i = 0; i < tokens; i++) {
            for (int j = 0; j < tokens; j++) {
                int k = index[i][j];
                for (int h = 0; h < heads; h++) {
                    float v = values[(h * tokens + i) * tokens + j];
                    if (!set[k]) {
                        table[k * heads + h] = v;
                    } else if (Math.abs(table[k * heads + h] - v) > 1e-6 * Math.max(1, Math.abs(v))) {
                        notes.add("layer " + layer + " adds a constant bias to its attention scores whose values differ"
                                + " for equal relative offsets (head " + h + ", tokens " + i + " and " + j + "): it is"
                                + " not a relative position bias; not shown");
                        return null;
                    }
                }
                set[k] = true;
            }
        }
        for (int k = 0; k < distances; k++) {
            if (!set[k]) {
                notes.add("layer " + layer + "'s attention bias does not cover relative offset " + k + "; not shown");
                return null;
            }
        }
        return new Tensor(new long[] {distances, heads}, table);
    }

    /**
     * Hugging Face {@code BeitRelativePositionBias.relative_position_index} for a {@code h x w} patch grid with [CLS]
     * in front: patches (yi, xi), (yj, xj) use entry {@code (yi - yj + h - 1) * (2w - 1) + (xi - xj + w - 1)};
     * the last three entries are [CLS] to a patch, a patch to [CLS], and [CLS] to itself.
     */
    static int[][] relativePositionIndex(int h, int w) {
        int distances = (2 * h - 1) * (2 * w - 1) + 3;
        int n = h * w;
        int[][] index = new int[n + 1][n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                index[i + 1][j + 1] = (i / w - j / w + h - 1) * (2 * w - 1) + (i % w - j % w + w - 1);
            }
        }
        for (int t = 0; t <= n; t++) {
            index[0][t] = distances - 3;
            index[t][0] = distances - 2;
        }
        index[0][0] = distances - 1;
        return index;
    }

    private Tensor tensor(String value, String what) {
        Optional<TensorProto> t = OnnxGraphs.constantTensor(graph, producers, initializers, value);
        if (t.isEmpty()) {
            notes.add(what + " is not stored as a constant in the graph");
            return null;
        }
        try {
            long[] dims = t.get().getDimsList().stream().mapToLong(Long::longValue).toArray();
            return new Tensor(dims, OnnxGraphs.floats(t.get()));
        } catch (OnnxModelException e) {
            notes.add(what + " cannot be read: " + e.getMessage());
            return null;
        }
    }
}
