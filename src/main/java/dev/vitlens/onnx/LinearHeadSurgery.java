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
import com.google.protobuf.ByteString;
import dev.vitlens.catalog.Family;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A linear head on a model's read-out features, by graph surgery. The features are what the family's classifier
 * reads: for a classifier export, the input of its linear head (ViT: [CLS] after the final LayerNorm; BEiT: the
 * LayerNorm-ed mean of the patch tokens; DeiT with two heads: [CLS] and [DIST] side by side); for a backbone export,
 * the same taken from {@code last_hidden_state} (BEiT: {@code pooler_output}, which is that mean).
 *
 * <p>{@link #exposeFeatures} adds them as an output {@code features [batch, F]} (for fitting a head);
 * {@link #replaceHead} removes the old head and appends {@code logits = features · Wᵀ + b} (a Gemm), keeping every
 * other output (the attentions), so the result is an ordinary classifier export.
 */
public final class LinearHeadSurgery {
    public static final String FEATURES = "features";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    static final String POOLER_OUTPUT = "pooler_output";

    /**
     * Where the features come from.
     *
     * @param parts       the values concatenated (along the last axis) into the features, each {@code [batch, D]}
     * @param description for people ("the [CLS] token after the final LayerNorm")
     * @param fromTokens  for a backbone: the token indices to gather from {@code last_hidden_state}; empty when
     *                    {@code parts} are existing values
     */
    private record Source(List<String> parts, String description, List<Long> fromTokens) {
    }

    /** A model with the {@link #FEATURES} output, and what the features are. */
    public record Exposed(ModelProto model, String description) {
        public byte[] bytes() {
            return model.toByteArray();
        }
    }

    private LinearHeadSurgery() {
    }

    /** What {@link #exposeFeatures} would read out, for messages; throws as it would. */
    public static String describeFeatures(ModelProto model, Family family) throws OnnxModelException {
        return locate(model.getGraph(), family).description();
    }

    /**
     * The model with an extra output {@link #FEATURES}; every existing output is kept.
     *
     * @throws OnnxModelException when the head is not linear, or a backbone offers nothing to read
     */
    public static Exposed exposeFeatures(ModelProto model, Family family) throws OnnxModelException {
        GraphProto graph = model.getGraph();
        if (graph.getOutputList().stream().anyMatch(o -> o.getName().equals(FEATURES))) {
            throw new OnnxModelException("the model already has an output named \"" + FEATURES + "\"");
        }
        Source source = locate(graph, family);
        GraphProto.Builder g = graph.toBuilder();
        Set<String> names = OnnxGraphs.allNames(graph);
        addFeatureNodes(g, names, source, FEATURES);
        g.addOutput(floatInfo(FEATURES, OnnxGraphs.batchDimension(graph), "features"));
        return new Exposed(model.toBuilder().setGraph(g).build(), source.description());
    }

    /**
     * The model with its head replaced: {@code logits = features · weightᵀ + bias}, the old classifier (if any)
     * removed with everything only it used. {@code weight} is {@code [K][F]}; its width must be the features' width
     * (ONNX Runtime checks it when the model is loaded).
     *
     * @param note recorded in the model's metadata ({@code vitlens.head})
     */
    public static ModelProto replaceHead(ModelProto model, Family family, float[][] weight, float[] bias, String note)
            throws OnnxModelException {
        if (weight.length == 0 || weight.length != bias.length) {
            throw new IllegalArgumentException("need K >= 1 rows of weights and K biases, got " + weight.length
                    + " and " + bias.length);
        }
        int width = weight[0].length;
        for (float[] row : weight) {
            if (row.length != width) {
                throw new IllegalArgumentException("weight rows differ in length");
            }
        }
        GraphProto graph = model.getGraph();
        Source source = locate(graph, family);
        TensorShapeProto.Dimension batch = OnnxGraphs.batchDimension(graph);

        GraphProto.Builder g = graph.toBuilder();
        // The old logits go; what nothing else needs goes with them (pruned below).
        List<ValueInfoProto> outputs = new ArrayList<>();
        for (ValueInfoProto o : graph.getOutputList()) {
            if (!o.getName().equals(ClassifierHeads.LOGITS)) {
                outputs.add(o);
            }
        }
        Set<String> names = OnnxGraphs.allNames(graph);
        // Renaming the old logits value frees the name for the new head; the old head is then dead and pruned.
        String oldLogits = OnnxGraphs.uniqueName(names, "vitlens/old_logits");
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOutputList().contains(ClassifierHeads.LOGITS) || n.getInputList().contains(ClassifierHeads.LOGITS)) {
                NodeProto.Builder b = n.toBuilder();
                for (int k = 0; k < b.getOutputCount(); k++) {
                    if (b.getOutput(k).equals(ClassifierHeads.LOGITS)) {
                        b.setOutput(k, oldLogits);
                    }
                }
                for (int k = 0; k < b.getInputCount(); k++) {
                    if (b.getInput(k).equals(ClassifierHeads.LOGITS)) {
                        b.setInput(k, oldLogits);
                    }
                }
                g.setNode(i, b);
            }
        }
        String features = OnnxGraphs.uniqueName(names, "vitlens/head/features");
        addFeatureNodes(g, names, source, features);
        String w = OnnxGraphs.uniqueName(names, "vitlens.head.weight");
        String b = OnnxGraphs.uniqueName(names, "vitlens.head.bias");
        g.addInitializer(floatTensor(w, flatten(weight), weight.length, width));
        g.addInitializer(floatTensor(b, bias, bias.length));
        g.addNode(NodeProto.newBuilder().setOpType("Gemm").setName(OnnxGraphs.uniqueName(names, "vitlens/head/Gemm"))
                .addInput(features).addInput(w).addInput(b).addOutput(ClassifierHeads.LOGITS)
                .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT)
                        .setI(1)));
        g.clearOutput();
        ValueInfoProto logits = floatInfo(ClassifierHeads.LOGITS, batch, null, bias.length);
        g.addOutput(logits); // HF order: logits first
        g.addAllOutput(outputs.stream().filter(o -> !o.getName().equals(LAST_HIDDEN_STATE)
                && !o.getName().equals(POOLER_OUTPUT)).toList());
        GraphProto pruned = prune(g.build(), model.getIrVersion());

        ModelProto.Builder m = model.toBuilder().setGraph(pruned);
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey("vitlens.head").setValue(
                "linear head on " + source.description() + (note == null || note.isBlank() ? "" : "; " + note)));
        return m.build();
    }

    // ---- where the features are -----------------------------------------------------------------------------

    private static Source locate(GraphProto graph, Family family) throws OnnxModelException {
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        if (outputs.contains(ClassifierHeads.LOGITS)) {
            ClassifierHeads heads = ClassifierHeads.of(graph);
            Optional<String[]> two = heads.averagedBranches();
            if (two.isPresent()) {
                return new Source(List.of(heads.classifierInput(two.get()[0]), heads.classifierInput(two.get()[1])),
                        "[CLS] and [DIST] after the final LayerNorm, side by side (the inputs of DeiT's two heads)",
                        List.of());
            }
            String input = heads.classifierInput(ClassifierHeads.LOGITS);
            if (input == null) {
                throw new OnnxModelException("the model's logits do not come from a linear layer (Gemm, or MatMul "
                        + "plus bias) on the read-out features, so there is no head to replace");
            }
            return new Source(List.of(input), switch (family) {
                case BEIT -> "the mean of the patch tokens after the pooler's LayerNorm (the input of BEiT's head)";
                case DEIT -> "the read-out of DeiT's head (its input)";
                case VIT -> "the [CLS] token after the final LayerNorm (the input of ViT's head)";
            }, List.of());
        }
        if (family == Family.BEIT) {
            if (outputs.contains(POOLER_OUTPUT)) {
                return new Source(List.of(POOLER_OUTPUT), "pooler_output: the LayerNorm-ed mean of the patch tokens "
                        + "(what BEiT's head reads)", List.of());
            }
            throw new OnnxModelException("this BEiT backbone has no pooler_output (the mean of the patch tokens "
                    + "its head reads): export it with optimum-cli's feature-extraction task");
        }
        if (outputs.contains(LAST_HIDDEN_STATE)) {
            return family == Family.DEIT
                    ? new Source(List.of(LAST_HIDDEN_STATE), "[CLS] and [DIST] of last_hidden_state, side by side",
                            List.of(0L, 1L))
                    : new Source(List.of(LAST_HIDDEN_STATE), "the [CLS] token of last_hidden_state (after the final "
                            + "LayerNorm, what ViT's head reads)", List.of(0L));
        }
        throw new OnnxModelException("the model has neither logits nor last_hidden_state: there are no read-out "
                + "features to put a head on");
    }

    /** Adds the nodes computing {@code target} ({@code [batch, F]}) from {@code source}. */
    private static void addFeatureNodes(GraphProto.Builder g, Set<String> names, Source source, String target) {
        List<String> parts = new ArrayList<>();
        if (source.fromTokens().isEmpty()) {
            parts.addAll(source.parts());
        } else {
            String hidden = source.parts().get(0);
            for (long token : source.fromTokens()) {
                String index = OnnxGraphs.uniqueName(names, "vitlens/features/token" + token);
                g.addInitializer(TensorProto.newBuilder().setName(index).setDataType(TensorProto.DataType.INT64_VALUE)
                        .addInt64Data(token)); // a scalar: Gather drops the token axis
                String out = OnnxGraphs.uniqueName(names, "vitlens/features/token" + token + "_output");
                g.addNode(NodeProto.newBuilder().setOpType("Gather")
                        .setName(OnnxGraphs.uniqueName(names, "vitlens/features/Gather"))
                        .addInput(hidden).addInput(index).addOutput(out)
                        .addAttribute(AttributeProto.newBuilder().setName("axis")
                                .setType(AttributeProto.AttributeType.INT).setI(1)));
                parts.add(out);
            }
        }
        NodeProto.Builder join = NodeProto.newBuilder()
                .setName(OnnxGraphs.uniqueName(names, "vitlens/features/" + (parts.size() == 1 ? "Identity" : "Concat")))
                .setOpType(parts.size() == 1 ? "Identity" : "Concat").addAllInput(parts).addOutput(target);
        if (parts.size() > 1) {
            join.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(-1));
        }
        g.addNode(join);
        names.add(target);
    }

    // ---- pruning ----------------------------------------------------------------------------------------------

    /** Drops nodes, initializers and value infos that no graph output needs. */
    private static GraphProto prune(GraphProto graph, long irVersion) {
        Map<String, NodeProto> producers = OnnxGraphs.producers(graph);
        Set<NodeProto> live = new HashSet<>();
        Set<String> used = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        graph.getOutputList().forEach(o -> pending.push(o.getName()));
        while (!pending.isEmpty()) {
            String v = pending.pop();
            if (v.isEmpty() || !used.add(v)) {
                continue;
            }
            NodeProto p = producers.get(v);
            if (p != null && live.add(p)) {
                p.getInputList().forEach(pending::push);
            }
        }
        GraphProto.Builder g = graph.toBuilder().clearNode().clearInitializer().clearValueInfo();
        for (NodeProto n : graph.getNodeList()) {
            if (live.contains(n)) {
                g.addNode(n);
            }
        }
        for (TensorProto t : graph.getInitializerList()) {
            if (used.contains(t.getName())) {
                g.addInitializer(t);
            }
        }
        for (ValueInfoProto v : graph.getValueInfoList()) {
            if (used.contains(v.getName())) {
                g.addValueInfo(v);
            }
        }
        // Before IR 4 initializers are also graph inputs; drop the inputs whose initializer went.
        if (irVersion < 4) {
            Set<String> initializerNames = new HashSet<>();
            graph.getInitializerList().forEach(t -> initializerNames.add(t.getName()));
            g.clearInput();
            for (ValueInfoProto in : graph.getInputList()) {
                if (!initializerNames.contains(in.getName()) || used.contains(in.getName())) {
                    g.addInput(in);
                }
            }
        }
        return g.build();
    }

    // ---- tensors ----------------------------------------------------------------------------------------------

    private static float[] flatten(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return flat;
    }

    private static TensorProto floatTensor(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto floatInfo(String name, TensorShapeProto.Dimension batch, String widthParam,
                                            long... width) {
        TensorShapeProto.Dimension second = width.length > 0
                ? TensorShapeProto.Dimension.newBuilder().setDimValue(width[0]).build()
                : TensorShapeProto.Dimension.newBuilder().setDimParam(widthParam).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(TensorShapeProto.newBuilder().addDim(batch).addDim(second)))).build();
    }
}
