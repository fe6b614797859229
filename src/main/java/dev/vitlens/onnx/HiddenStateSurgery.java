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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a model output its residual stream: {@code hidden_states.0 .. hidden_states.L} ({@code [batch, T, D]},
 * float32), where index 0 is the embeddings entering layer 0 and index i the output of layer i - 1, as Hugging Face's
 * {@code output_hidden_states} defines them (the last one before the final norm). Found by graph structure, not by
 * names, starting from each layer's attention Softmax ({@link AttentionSoftmaxFinder}):
 * <ol>
 *   <li>Q, Kᵀ (the scores MatMul's operands) and V (the MatMul the probabilities feed) are traced back through
 *       reshapes, transposes, scales and biases to their projections (a MatMul or Gemm with a constant weight); all
 *       three must read one value, the layer's normalised input;</li>
 *   <li>when that value is a layer norm ({@code LayerNormalization}, or the decomposed
 *       {@code ReduceMean/Sub/Pow/Sqrt/Div} pattern of older exports), the norm's input is the layer's input
 *       {@code hidden_states.i}; a layer without pre-norm reads its input directly;</li>
 *   <li>from the layer's input, the residual {@code Add}s are followed (an {@code Add} of the stream and of a value
 *       computed from it, the first one from the attention output; BEiT's layer-scale {@code Mul} sits inside the
 *       added branch). For every layer but the last this walk must land exactly on the next layer's input, and every
 *       layer must take the same number of residual steps; the last layer's walk gives {@code hidden_states.L}.</li>
 * </ol>
 * Anything else (fused attention, projections reading different values, a walk that misses the next layer) is
 * refused with an {@link OnnxModelException} rather than guessed. Works on an in-memory copy: the input model (and
 * any file it came from) is never modified.
 */
public final class HiddenStateSurgery {
    public static final String PREFIX = "hidden_states.";
    private static final Pattern OUTPUT = Pattern.compile("hidden_states\\.(\\d+)");
    /** Ops between a projection and Q/K/V that keep each token's vector (layout, dtype, per-head split). */
    private static final Set<String> LAYOUT_OPS = Set.of("Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity",
            "Cast", "Flatten", "Split", "Slice", "Gather");
    /** Elementwise ops with a constant operand between a projection and Q/K/V (bias, scale). */
    private static final Set<String> AFFINE_OPS = Set.of("Add", "Mul", "Div", "Sub");
    private static final int MAX_DEPTH = 12;

    /**
     * @param values      the residual stream's values {@code hidden_states.0..L} in layer order
     * @param normalised  per layer, the value its Q/K/V projections read (the pre-norm output, or the input itself)
     * @param residuals   per layer, the outputs of its residual Adds in order (the last one is the layer's output)
     * @param softmaxes   the attention Softmax of each layer
     */
    public record Found(List<String> values, List<String> normalised, List<List<String>> residuals,
                        List<AttentionSoftmax> softmaxes) {
        public int layers() {
            return values.size() - 1;
        }

        /** The last layer's output, before the final norm: where the read-out starts. */
        public String last() {
            return values.get(values.size() - 1);
        }
    }

    /**
     * @param model         the derived model
     * @param outputs       the output names {@code hidden_states.0..L}
     * @param values        the values they copy, in the same order (equal to {@code outputs} for native outputs):
     *                      what the rest of the graph reads, e.g. where the read-out starts
     * @param found         what the structure search found (null when the model already had the outputs)
     * @param nativeOutputs whether the model already output its hidden states
     */
    public record Result(ModelProto model, List<String> outputs, List<String> values, Found found,
                         boolean nativeOutputs) {
        /** The value holding the last layer's output, as the model's own head reads it. */
        public String last() {
            return values.get(values.size() - 1);
        }

        public byte[] bytes() {
            return model.toByteArray();
        }
    }

    private final ModelProto model;
    private final GraphProto graph;
    private final Map<String, NodeProto> producers;
    private final Map<String, List<NodeProto>> consumers;
    private final Set<String> constant;

    private HiddenStateSurgery(ModelProto model) {
        this.model = model;
        this.graph = model.getGraph();
        this.producers = OnnxGraphs.producers(graph);
        this.consumers = OnnxGraphs.consumers(graph);
        this.constant = OnnxGraphs.constantClosure(graph);
    }

    /** The model's {@code hidden_states.i} outputs in order (empty if it has none or a set with gaps). */
    public static List<String> hiddenStateOutputs(ModelProto model) {
        TreeMap<Integer, String> found = new TreeMap<>();
        for (ValueInfoProto out : model.getGraph().getOutputList()) {
            Matcher m = OUTPUT.matcher(out.getName());
            if (m.matches()) {
                found.put(Integer.parseInt(m.group(1)), out.getName());
            }
        }
        if (!found.isEmpty() && (found.firstKey() != 0 || found.lastKey() != found.size() - 1)) {
            return List.of();
        }
        return List.copyOf(found.values());
    }

    /**
     * Locates the residual stream by structure.
     *
     * @throws AttentionNotFoundException when the attention Softmax nodes cannot be located
     * @throws OnnxModelException         when the structure around them is not an encoder layer as described above
     */
    public static Found find(ModelProto model) throws OnnxModelException {
        return new HiddenStateSurgery(model).find();
    }

    /**
     * Adds {@code hidden_states.0..L} outputs if the model lacks them.
     *
     * @throws OnnxModelException when the hidden states cannot be located (see {@link #find}), the model already
     *                            uses an output name, or it has a partial set of hidden-state outputs
     */
    public static Result addHiddenStateOutputs(ModelProto model) throws OnnxModelException {
        List<String> existing = hiddenStateOutputs(model);
        if (!existing.isEmpty()) {
            return new Result(model, existing, existing, null, true);
        }
        Found found = find(model);
        GraphProto graph = model.getGraph();
        Set<String> names = OnnxGraphs.allNames(graph);
        Map<String, ValueInfoProto> infos = OnnxGraphs.valueInfos(graph);
        TensorShapeProto.Dimension batch = OnnxGraphs.batchDimension(graph);
        GraphProto.Builder g = graph.toBuilder();
        List<String> outputs = new ArrayList<>();
        StringBuilder provenance = new StringBuilder();
        for (int i = 0; i < found.values().size(); i++) {
            String value = found.values().get(i);
            String out = PREFIX + i;
            if (names.contains(out)) {
                throw new OnnxModelException("cannot add output '" + out + "': the graph already uses that name");
            }
            ValueInfoProto known = infos.get(value);
            boolean isFloat = known == null || !known.getType().hasTensorType()
                    || known.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE
                    || known.getType().getTensorType().getElemType() == TensorProto.DataType.UNDEFINED_VALUE;
            NodeProto.Builder node = NodeProto.newBuilder()
                    .setName(OnnxGraphs.uniqueName(names, "vitlens/" + out))
                    .addInput(value)
                    .addOutput(out);
            if (isFloat) {
                node.setOpType("Identity");
            } else {
                // e.g. an fp16 export: consumers read float32 hidden states
                node.setOpType("Cast").addAttribute(AttributeProto.newBuilder().setName("to")
                        .setType(AttributeProto.AttributeType.INT).setI(TensorProto.DataType.FLOAT_VALUE));
            }
            g.addNode(node);
            names.add(out);
            g.addOutput(valueInfo(out, known, batch));
            outputs.add(out);
            provenance.append(out).append("<-").append(value).append(';');
        }
        ModelProto derived = model.toBuilder().setGraph(g).addMetadataProps(StringStringEntryProto.newBuilder()
                .setKey("vitlens.hidden_states").setValue(provenance.toString())).build();
        return new Result(derived, List.copyOf(outputs), found.values(), found, false);
    }

    private Found find() throws OnnxModelException {
        List<AttentionSoftmaxFinder.Located> layers = AttentionSoftmaxFinder.locate(model);
        List<String> inputs = new ArrayList<>();
        List<String> normalised = new ArrayList<>();
        for (AttentionSoftmaxFinder.Located layer : layers) {
            String normed = projectionSource(layer);
            String input = normInput(normed);
            if (inputs.contains(input)) {
                throw new OnnxModelException("layers " + inputs.indexOf(input) + " and " + layer.softmax().layer()
                        + " read the same input '" + input + "'; refusing to guess the residual stream");
            }
            inputs.add(input);
            normalised.add(normed);
        }
        List<String> values = new ArrayList<>(inputs);
        List<List<String>> residuals = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String next = i + 1 < layers.size() ? inputs.get(i + 1) : null;
            List<String> chain = residualChain(i, inputs.get(i), layers.get(i).softmax().outputName(), next);
            if (!residuals.isEmpty() && chain.size() != residuals.get(0).size()) {
                throw new OnnxModelException("layer " + i + " has " + chain.size() + " residual Add(s) but layer 0 has "
                        + residuals.get(0).size() + "; refusing to guess where layer " + i + " ends");
            }
            residuals.add(List.copyOf(chain));
        }
        values.add(residuals.get(residuals.size() - 1).get(residuals.get(residuals.size() - 1).size() - 1));
        return new Found(List.copyOf(values), List.copyOf(normalised), List.copyOf(residuals),
                layers.stream().map(AttentionSoftmaxFinder.Located::softmax).toList());
    }

    /** The value Q, K and V of one layer are projected from. */
    private String projectionSource(AttentionSoftmaxFinder.Located layer) throws OnnxModelException {
        int index = layer.softmax().layer();
        NodeProto scores = layer.scoresMatMul();
        String q = traceProjection(scores.getInput(0), 0);
        String k = traceProjection(scores.getInput(1), 0);
        String vOperand = valueOperand(layer);
        String v = vOperand == null ? null : traceProjection(vOperand, 0);
        if (q == null || k == null || v == null) {
            String which = q == null ? "Q" : k == null ? "K" : vOperand == null ? "V (no MatMul of the probabilities)"
                    : "V";
            throw new OnnxModelException("layer " + index + ": the " + which + " projection (a MatMul or Gemm with a "
                    + "constant weight) cannot be traced back from the attention scores; hidden states cannot be "
                    + "located by structure");
        }
        if (!q.equals(k) || !q.equals(v)) {
            throw new OnnxModelException("layer " + index + ": Q, K and V are projected from different values ('" + q
                    + "', '" + k + "', '" + v + "'); refusing to guess the layer's input");
        }
        return q;
    }

    /** V: the other operand of the MatMul the attention probabilities feed. */
    private String valueOperand(AttentionSoftmaxFinder.Located layer) throws OnnxModelException {
        Deque<String> pending = new ArrayDeque<>();
        pending.add(layer.softmax().outputName());
        List<NodeProto> matMuls = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String value = pending.poll();
            if (!seen.add(value)) {
                continue;
            }
            for (NodeProto c : consumers.getOrDefault(value, List.of())) {
                switch (c.getOpType()) {
                    case "MatMul" -> {
                        if (c.getInputCount() == 2 && c.getInput(0).equals(value)) {
                            matMuls.add(c);
                        }
                    }
                    case "Cast", "Identity", "Dropout" -> pending.add(c.getOutput(0));
                    default -> { }
                }
            }
        }
        if (matMuls.size() > 1) {
            throw new OnnxModelException("layer " + layer.softmax().layer() + ": the attention probabilities feed "
                    + matMuls.size() + " MatMuls; refusing to guess which one applies them to V");
        }
        return matMuls.isEmpty() ? null : matMuls.get(0).getInput(1);
    }

    /** Follows Q, Kᵀ or V back to its projection's data input; null when there is none within reach. */
    private String traceProjection(String value, int depth) {
        if (depth > MAX_DEPTH || constant.contains(value)) {
            return null;
        }
        NodeProto node = producers.get(value);
        if (node == null || !OnnxGraphs.isDefaultDomain(node) || node.getInputCount() == 0) {
            return null;
        }
        String op = node.getOpType();
        if ((op.equals("MatMul") || op.equals("Gemm")) && node.getInputCount() >= 2) {
            boolean transA = op.equals("Gemm") && OnnxGraphs.attribute(node, "transA")
                    .map(AttributeProto::getI).orElse(0L) != 0;
            if (!transA && constant.contains(node.getInput(1)) && !constant.contains(node.getInput(0))) {
                return node.getInput(0);
            }
            return null;
        }
        if (LAYOUT_OPS.contains(op)) {
            for (int i = 1; i < node.getInputCount(); i++) {
                if (!node.getInput(i).isEmpty() && !constant.contains(node.getInput(i))) {
                    // e.g. a Reshape to a computed shape: only the shape derives from the activations
                    if (!op.equals("Reshape") && !op.equals("Slice") && !op.equals("Split")
                            && !op.equals("Squeeze") && !op.equals("Unsqueeze")) {
                        return null;
                    }
                }
            }
            return traceProjection(node.getInput(0), depth + 1);
        }
        if (AFFINE_OPS.contains(op) && node.getInputCount() == 2) {
            boolean c0 = constant.contains(node.getInput(0));
            boolean c1 = constant.contains(node.getInput(1));
            if (c0 == c1) {
                return null;
            }
            if (c1 || op.equals("Add") || op.equals("Mul")) {
                return traceProjection(c1 ? node.getInput(0) : node.getInput(1), depth + 1);
            }
            return null;
        }
        return null;
    }

    /** The input of the layer norm producing {@code normed}, or {@code normed} itself when it is not a norm. */
    private String normInput(String normed) {
        NodeProto node = producers.get(normed);
        if (node == null) {
            return normed;
        }
        if (node.getOpType().equals("LayerNormalization") && OnnxGraphs.isDefaultDomain(node)
                && node.getInputCount() > 0) {
            return node.getInput(0);
        }
        // Decomposed: Add(Mul(Div(Sub(x, ReduceMean(x)), Sqrt(...)), gamma), beta); gamma and beta are optional.
        NodeProto p = node;
        for (int step = 0; step < 2 && p != null && isAffineWithConstant(p); step++) {
            String data = constant.contains(p.getInput(0)) ? p.getInput(1) : p.getInput(0);
            p = producers.get(data);
        }
        if (p == null || !p.getOpType().equals("Div") || p.getInputCount() != 2
                || constant.contains(p.getInput(1))) {
            return normed;
        }
        NodeProto sub = producers.get(p.getInput(0));
        if (sub == null || !sub.getOpType().equals("Sub") || sub.getInputCount() != 2) {
            return normed;
        }
        NodeProto mean = producers.get(sub.getInput(1));
        if (mean == null || !mean.getOpType().equals("ReduceMean") || mean.getInputCount() == 0
                || !mean.getInput(0).equals(sub.getInput(0))) {
            return normed;
        }
        return sub.getInput(0);
    }

    private boolean isAffineWithConstant(NodeProto node) {
        return (node.getOpType().equals("Add") || node.getOpType().equals("Mul")) && node.getInputCount() == 2
                && constant.contains(node.getInput(0)) != constant.contains(node.getInput(1));
    }

    /**
     * The residual Adds of layer {@code index}, from its input: each adds to the stream a value computed from it (the
     * first one from the layer's attention). Stops at {@code next} (the next layer's input) or, for the last layer,
     * where no residual Add follows.
     */
    private List<String> residualChain(int index, String input, String attention, String next)
            throws OnnxModelException {
        List<String> chain = new ArrayList<>();
        String stream = input;
        while (true) {
            if (next != null && stream.equals(next) && !chain.isEmpty()) {
                return chain;
            }
            String source = chain.isEmpty() ? attention : stream;
            List<NodeProto> adds = new ArrayList<>();
            for (NodeProto c : consumers.getOrDefault(stream, List.of())) {
                if (!c.getOpType().equals("Add") || c.getInputCount() != 2 || !OnnxGraphs.isDefaultDomain(c)) {
                    continue;
                }
                String other = c.getInput(0).equals(stream) ? c.getInput(1)
                        : c.getInput(1).equals(stream) ? c.getInput(0) : null;
                if (other != null && !other.equals(stream) && !constant.contains(other) && dependsOn(other, source)) {
                    adds.add(c);
                }
            }
            if (adds.size() > 1) {
                throw new OnnxModelException("layer " + index + ": '" + stream + "' feeds " + adds.size()
                        + " residual-like Adds; refusing to guess which one continues the residual stream");
            }
            if (adds.isEmpty()) {
                break;
            }
            stream = adds.get(0).getOutput(0);
            chain.add(stream);
            if (chain.size() > 8) {
                throw new OnnxModelException("layer " + index + ": more than 8 residual Adds follow its input; this"
                        + " is not an encoder layer ViTLens understands");
            }
        }
        if (chain.isEmpty()) {
            throw new OnnxModelException("layer " + index + ": its input '" + input + "' is never added to its "
                    + "attention output (no residual connection found); hidden states cannot be located");
        }
        if (next != null) {
            throw new OnnxModelException("layer " + index + ": following its residual Adds from '" + input
                    + "' ends at '" + stream + "', not at layer " + (index + 1) + "'s input '" + next
                    + "'; refusing to guess the layer boundary");
        }
        return chain;
    }

    /** Whether {@code value} is computed (directly or not) from {@code source}. */
    private boolean dependsOn(String value, String source) {
        Deque<String> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        pending.push(value);
        while (!pending.isEmpty()) {
            String v = pending.pop();
            if (v.equals(source)) {
                return true;
            }
            if (!seen.add(v) || constant.contains(v)) {
                continue;
            }
            NodeProto node = producers.get(v);
            if (node != null) {
                for (String in : node.getInputList()) {
                    if (!in.isEmpty()) {
                        pending.push(in);
                    }
                }
            }
        }
        return false;
    }

    private static ValueInfoProto valueInfo(String name, ValueInfoProto known, TensorShapeProto.Dimension batch) {
        TensorShapeProto shape;
        if (known != null && known.getType().hasTensorType() && known.getType().getTensorType().hasShape()
                && known.getType().getTensorType().getShape().getDimCount() == 3) {
            shape = known.getType().getTensorType().getShape();
        } else {
            shape = TensorShapeProto.newBuilder().addDim(batch)
                    .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("tokens"))
                    .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("hidden")).build();
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
