package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Makes the height and width of a fully convolutional detector's NHWC image input free (symbolic), so one session
 * runs any input size whose sides are multiples of the network's total stride. The weights and the computation at
 * each position are unchanged; only the number of positions follows the input.
 *
 * <p>Why: a 640x480 frame letterboxed into BlazeFace's square 128 px input is a quarter padding, and the model spends
 * a quarter of its time on it. Run on a 128x96 input instead (the frame's own shape), the same network takes about
 * 0.79 of the time here (docs/face-detection.md, "Timing").
 *
 * <p>What it changes: the input's H and W become {@code height} and {@code width}; each {@code Reshape} whose target
 * is a constant {@code [1, anchors, k]} (a head flattening its grid) gets {@code [1, -1, k]}; the outputs' anchor
 * dimension becomes symbolic. It refuses any graph with an operator whose result could depend on the fixed size in
 * another way ({@code ConstantOfShape}, {@code Shape}, {@code Resize}, ...: only those in {@link #SUPPORTED}),
 * so apply it after {@link ChannelBlocks}, which turns BlazeFace's zero-channel {@code ConstantOfShape} padding into
 * convolutions.
 */
public final class FreeInputSize {

    static final Set<String> SUPPORTED = Set.of("Conv", "Relu", "Add", "MaxPool", "Transpose", "Reshape",
            "DequantizeLinear", "QuantizeLinear");

    private FreeInputSize() {
    }

    /**
     * @throws OnnxModelException when the graph is not one the rewrite can prove size-free (the message says why)
     */
    public static ModelProto rewrite(ModelProto model) throws OnnxModelException {
        GraphProto graph = model.getGraph();
        for (NodeProto n : graph.getNodeList()) {
            if (!OnnxGraphs.isDefaultDomain(n) || !SUPPORTED.contains(n.getOpType())) {
                throw new OnnxModelException("operator " + n.getOpType() + " (" + n.getName()
                        + ") may depend on the input size");
            }
        }
        Map<String, TensorProto> inits = OnnxGraphs.initializers(graph);
        Set<String> initNames = inits.keySet();
        ValueInfoProto image = null;
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initNames.contains(in.getName())) {
                if (image != null) {
                    throw new OnnxModelException("more than one graph input");
                }
                image = in;
            }
        }
        if (image == null || !image.getType().hasTensorType() || image.getType().getTensorType().getShape()
                .getDimCount() != 4) {
            throw new OnnxModelException("the graph input is not a 4-D tensor");
        }

        GraphProto.Builder g = graph.toBuilder().clearValueInfo();
        for (int i = 0; i < g.getInputCount(); i++) {
            if (g.getInput(i).getName().equals(image.getName())) {
                ValueInfoProto.Builder v = g.getInput(i).toBuilder();
                TensorShapeProto.Builder shape = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                shape.setDim(1, TensorShapeProto.Dimension.newBuilder().setDimParam("height"));
                shape.setDim(2, TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
                g.setInput(i, v);
            }
        }
        Set<String> reshaped = new HashSet<>();
        for (NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Reshape")) {
                TensorProto target = inits.get(n.getInput(1));
                long[] dims = target == null ? null : OnnxGraphs.longs(target);
                if (dims == null || dims.length != 3 || dims[0] != 1 || dims[1] <= 0) {
                    throw new OnnxModelException("Reshape " + n.getName() + " does not flatten a grid to [1, n, k]");
                }
                if (reshaped.add(target.getName())) {
                    replaceInitializer(g, longs(target.getName(), 1, -1, dims[2]));
                }
            }
        }
        for (int i = 0; i < g.getOutputCount(); i++) {
            ValueInfoProto.Builder v = g.getOutput(i).toBuilder();
            TensorShapeProto.Builder shape = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            if (shape.getDimCount() == 3) {
                shape.setDim(1, TensorShapeProto.Dimension.newBuilder().setDimParam("anchors_" + i));
            } else {
                throw new OnnxModelException("output " + v.getName() + " is not [1, anchors, k]");
            }
            g.setOutput(i, v);
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static void replaceInitializer(GraphProto.Builder g, TensorProto t) {
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals(t.getName())) {
                g.setInitializer(i, t);
            }
        }
    }

    private static TensorProto longs(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(v.length);
        for (long x : v) {
            t.addInt64Data(x);
        }
        return t.build();
    }
}
