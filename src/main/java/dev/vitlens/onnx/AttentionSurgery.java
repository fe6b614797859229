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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a model output its attention probabilities: promotes each layer's attention Softmax output to a graph output
 * {@code attentions.i} ({@code [batch, heads, T, T]}), and optionally adds {@code attention_mean.i}, the mean over
 * heads computed in the graph ({@code [batch, T, T]}), so live use fetches one T×T matrix per layer instead of
 * heads of them. Works on an in-memory copy: the input model (and any file it came from) is never modified.
 */
public final class AttentionSurgery {
    public static final String ATTENTION_PREFIX = "attentions.";
    public static final String MEAN_PREFIX = "attention_mean.";
    private static final Pattern ATTENTION_OUTPUT = Pattern.compile("attentions\\.(\\d+)");
    private static final Pattern MEAN_OUTPUT = Pattern.compile("attention_mean\\.(\\d+)");

    private AttentionSurgery() {
    }

    /**
     * @param model             the derived model
     * @param attentionOutputs  {@code attentions.0..L-1}
     * @param meanOutputs       {@code attention_mean.0..L-1}, empty unless requested
     * @param softmaxes         the Softmax nodes promoted (empty when the model already had attention outputs)
     * @param nativeAttentions  whether the model already output its attentions
     */
    public record Result(ModelProto model, List<String> attentionOutputs, List<String> meanOutputs,
                         List<AttentionSoftmax> softmaxes, boolean nativeAttentions) {
        public byte[] bytes() {
            return model.toByteArray();
        }
    }

    /** The model's {@code attentions.i} outputs in layer order (empty if it has none). */
    public static List<String> attentionOutputs(ModelProto model) {
        return numbered(model.getGraph(), ATTENTION_OUTPUT);
    }

    /** The model's {@code attention_mean.i} outputs in layer order (empty if it has none). */
    public static List<String> meanOutputs(ModelProto model) {
        return numbered(model.getGraph(), MEAN_OUTPUT);
    }

    /**
     * Adds {@code attentions.i} outputs if the model lacks them, and {@code attention_mean.i} outputs if
     * {@code headMeans} is set and the model lacks those.
     *
     * @throws AttentionNotFoundException when the attention Softmax nodes cannot be located (see
     *                                    {@link AttentionSoftmaxFinder})
     * @throws OnnxModelException         when the model has a partial set of attention outputs or no ONNX opset
     */
    public static Result addAttentionOutputs(ModelProto model, boolean headMeans) throws OnnxModelException {
        long opset = OnnxGraphs.defaultOpset(model).orElseThrow(
                () -> new OnnxModelException("model imports no ai.onnx operator set"));
        GraphProto graph = model.getGraph();
        Map<String, ValueInfoProto> infos = OnnxGraphs.valueInfos(graph);
        Set<String> names = OnnxGraphs.allNames(graph);
        GraphProto.Builder g = graph.toBuilder();
        ValueInfoProto.Builder batchSource = firstInputBatchDim(graph);

        List<String> attentions = attentionOutputs(model);
        List<AttentionSoftmax> softmaxes = List.of();
        boolean wasNative = !attentions.isEmpty();
        StringBuilder provenance = new StringBuilder();
        if (!wasNative) {
            softmaxes = AttentionSoftmaxFinder.find(model);
            attentions = new ArrayList<>();
            for (AttentionSoftmax s : softmaxes) {
                String out = ATTENTION_PREFIX + s.layer();
                if (names.contains(out) && !out.equals(s.outputName())) {
                    throw new OnnxModelException("cannot add output '" + out + "': the graph already uses that name");
                }
                ValueInfoProto known = infos.get(s.outputName());
                TensorProto.DataType type = elemType(known);
                if (!out.equals(s.outputName())) {
                    NodeProto.Builder node = NodeProto.newBuilder()
                            .setName(unique(names, "vitlens/" + out))
                            .addInput(s.outputName())
                            .addOutput(out);
                    if (type == TensorProto.DataType.FLOAT || type == TensorProto.DataType.UNDEFINED) {
                        node.setOpType("Identity");
                    } else {
                        // e.g. an fp16 export: consumers read float32 attentions
                        node.setOpType("Cast").addAttribute(intAttribute("to", TensorProto.DataType.FLOAT_VALUE));
                    }
                    g.addNode(node);
                    names.add(out);
                }
                g.addOutput(valueInfo(out, known, batchSource, 4));
                attentions.add(out);
                provenance.append(out).append("<-").append(s.nodeName().isEmpty() ? s.outputName() : s.nodeName())
                        .append(';');
            }
        }

        List<String> means = meanOutputs(model);
        if (headMeans && means.isEmpty()) {
            means = new ArrayList<>();
            String axesName = null;
            if (opset >= 18) {
                axesName = unique(names, "vitlens/attention_mean_axes");
                g.addInitializer(TensorProto.newBuilder().setName(axesName)
                        .setDataType(TensorProto.DataType.INT64_VALUE).addDims(1).addInt64Data(1));
            }
            for (int layer = 0; layer < attentions.size(); layer++) {
                String out = MEAN_PREFIX + layer;
                if (names.contains(out)) {
                    throw new OnnxModelException("cannot add output '" + out + "': the graph already uses that name");
                }
                NodeProto.Builder node = NodeProto.newBuilder()
                        .setName(unique(names, "vitlens/" + out))
                        .setOpType("ReduceMean")
                        .addInput(attentions.get(layer))
                        .addOutput(out)
                        .addAttribute(intAttribute("keepdims", 0));
                if (axesName != null) {
                    node.addInput(axesName); // opset >= 18: axes is an input
                } else {
                    node.addAttribute(AttributeProto.newBuilder().setName("axes")
                            .setType(AttributeProto.AttributeType.INTS).addInts(1)); // opset < 18: an attribute
                }
                g.addNode(node);
                names.add(out);
                g.addOutput(valueInfo(out, null, batchSource, 3));
                means.add(out);
            }
            provenance.append("head means: ReduceMean(axis=1, opset ").append(opset).append(");");
        }

        ModelProto.Builder m = model.toBuilder().setGraph(g);
        if (provenance.length() > 0) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey("vitlens.surgery")
                    .setValue(provenance.toString()));
        }
        return new Result(m.build(), List.copyOf(attentions), List.copyOf(means), softmaxes, wasNative);
    }

    private static List<String> numbered(GraphProto graph, Pattern pattern) {
        TreeMap<Integer, String> found = new TreeMap<>();
        for (ValueInfoProto out : graph.getOutputList()) {
            Matcher matcher = pattern.matcher(out.getName());
            if (matcher.matches()) {
                found.put(Integer.parseInt(matcher.group(1)), out.getName());
            }
        }
        if (!found.isEmpty() && (found.firstKey() != 0 || found.lastKey() != found.size() - 1)) {
            // A gap means a broken export; callers treat a partial set like a missing one.
            return List.of();
        }
        return List.copyOf(found.values());
    }

    private static TensorProto.DataType elemType(ValueInfoProto info) {
        if (info == null || !info.getType().hasTensorType()) {
            return TensorProto.DataType.UNDEFINED;
        }
        TensorProto.DataType t = TensorProto.DataType.forNumber(info.getType().getTensorType().getElemType());
        return t == null ? TensorProto.DataType.UNDEFINED : t;
    }

    /**
     * A float tensor output. Uses the declared shape of the promoted value when the model has one; otherwise the
     * batch dimension of the first input and symbolic names for heads and tokens.
     */
    private static ValueInfoProto valueInfo(String name, ValueInfoProto known, ValueInfoProto.Builder batchSource,
                                            int rank) {
        TensorShapeProto shape = null;
        if (known != null && known.getType().hasTensorType() && known.getType().getTensorType().hasShape()
                && known.getType().getTensorType().getShape().getDimCount() == rank) {
            shape = known.getType().getTensorType().getShape();
        }
        if (shape == null) {
            TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
            TensorShapeProto.Dimension batch = batchSource != null
                    && batchSource.getType().getTensorType().getShape().getDimCount() > 0
                    ? batchSource.getType().getTensorType().getShape().getDim(0)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build();
            b.addDim(batch);
            if (rank == 4) {
                b.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("attention_heads"));
            }
            b.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("tokens"));
            b.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("tokens"));
            shape = b.build();
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    private static ValueInfoProto.Builder firstInputBatchDim(GraphProto graph) {
        Set<String> initializers = new java.util.HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initializers.contains(in.getName()) && in.getType().hasTensorType()
                    && in.getType().getTensorType().hasShape()) {
                return in.toBuilder();
            }
        }
        return null;
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static String unique(Set<String> names, String base) {
        String name = base;
        for (int i = 1; names.contains(name); i++) {
            name = base + "_" + i;
        }
        names.add(name);
        return name;
    }
}
