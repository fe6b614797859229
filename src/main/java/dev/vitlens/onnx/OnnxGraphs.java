package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/** Read-only queries on an ONNX graph shared by the attention finder and the surgery. */
public final class OnnxGraphs {
    private OnnxGraphs() {
    }

    /** Version of the default ({@code ai.onnx}) operator set the model imports, or empty if it imports none. */
    public static Optional<Long> defaultOpset(ModelProto model) {
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            if (opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx")) {
                return Optional.of(opset.getVersion());
            }
        }
        return Optional.empty();
    }

    static boolean isDefaultDomain(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    static Optional<AttributeProto> attribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Output value name → producing node. */
    static Map<String, NodeProto> producers(GraphProto graph) {
        Map<String, NodeProto> map = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    map.put(out, node);
                }
            }
        }
        return map;
    }

    /** Names of values that are constant: initializers and outputs of Constant nodes. */
    static Set<String> constants(GraphProto graph) {
        Set<String> set = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            set.add(t.getName());
        }
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && isDefaultDomain(node)) {
                set.addAll(node.getOutputList());
            }
        }
        return set;
    }

    /** Declared types of values: graph inputs, outputs and value_info. */
    static Map<String, ValueInfoProto> valueInfos(GraphProto graph) {
        Map<String, ValueInfoProto> map = new HashMap<>();
        graph.getInputList().forEach(v -> map.put(v.getName(), v));
        graph.getValueInfoList().forEach(v -> map.put(v.getName(), v));
        graph.getOutputList().forEach(v -> map.put(v.getName(), v));
        return map;
    }

    /** Every name used in the graph (values, nodes, initializers), to keep new names unique. */
    static Set<String> allNames(GraphProto graph) {
        Set<String> names = new HashSet<>();
        graph.getInputList().forEach(v -> names.add(v.getName()));
        graph.getOutputList().forEach(v -> names.add(v.getName()));
        graph.getValueInfoList().forEach(v -> names.add(v.getName()));
        graph.getInitializerList().forEach(t -> names.add(t.getName()));
        for (NodeProto node : graph.getNodeList()) {
            names.add(node.getName());
            names.addAll(node.getInputList());
            names.addAll(node.getOutputList());
        }
        return names;
    }

    /**
     * Node indices in a topological order (Kahn's algorithm, ties by position in the file). ONNX requires files to be
     * sorted already, but the order is recomputed rather than trusted. Nodes on a cycle (an invalid graph) come last.
     */
    static List<Integer> topologicalOrder(GraphProto graph) {
        List<NodeProto> nodes = graph.getNodeList();
        Map<String, Integer> producerIndex = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).getOutputList()) {
                if (!out.isEmpty()) {
                    producerIndex.put(out, i);
                }
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                Integer p = producerIndex.get(in);
                if (p != null && p != i) {
                    pending[i]++;
                    consumers.get(p).add(i);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Integer> order = new ArrayList<>(nodes.size());
        boolean[] done = new boolean[nodes.size()];
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(i);
            done[i] = true;
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (!done[i]) {
                order.add(i);
            }
        }
        return order;
    }

    /** Rank declared for {@code value}, or -1 if unknown. */
    static int declaredRank(Map<String, ValueInfoProto> infos, String value) {
        ValueInfoProto info = infos.get(value);
        if (info == null || !info.getType().hasTensorType() || !info.getType().getTensorType().hasShape()) {
            return -1;
        }
        return info.getType().getTensorType().getShape().getDimCount();
    }

    /** Value name → nodes reading it, in file order. */
    static Map<String, List<NodeProto>> consumers(GraphProto graph) {
        Map<String, List<NodeProto>> map = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            for (String in : node.getInputList()) {
                if (!in.isEmpty()) {
                    List<NodeProto> list = map.computeIfAbsent(in, k -> new ArrayList<>());
                    if (list.isEmpty() || list.get(list.size() - 1) != node) {
                        list.add(node);
                    }
                }
            }
        }
        return map;
    }

    /** Ops whose output is not a function of their inputs, so they are never constant. */
    private static final Set<String> NONDETERMINISTIC_OPS = Set.of("RandomNormal", "RandomNormalLike",
            "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout");

    /**
     * Values that depend on constants only: initializers, Constant outputs, and outputs of nodes all of whose inputs
     * are such values (e.g. an {@code Identity} of a shared initializer, a {@code Gather} of a table by a constant
     * index). Unlike {@link #constants}, this includes constant-only subgraphs.
     */
    static Set<String> constantClosure(GraphProto graph) {
        Set<String> set = constants(graph);
        List<NodeProto> nodes = graph.getNodeList();
        Set<String> graphInputs = new HashSet<>();
        graph.getInputList().forEach(v -> graphInputs.add(v.getName()));
        graph.getInitializerList().forEach(t -> graphInputs.remove(t.getName()));
        for (int index : topologicalOrder(graph)) {
            NodeProto node = nodes.get(index);
            if (!isDefaultDomain(node) || NONDETERMINISTIC_OPS.contains(node.getOpType())
                    || node.getInputCount() == 0) {
                continue;
            }
            boolean constant = true;
            for (String in : node.getInputList()) {
                if (!in.isEmpty() && (!set.contains(in) || graphInputs.contains(in))) {
                    constant = false;
                    break;
                }
            }
            if (constant) {
                for (String out : node.getOutputList()) {
                    if (!out.isEmpty()) {
                        set.add(out);
                    }
                }
            }
        }
        return set;
    }

    /**
     * The tensor a value holds when it is an initializer or a Constant node's {@code value}, following
     * {@code Identity} chains (exporters share equal weights through them); empty otherwise.
     */
    static Optional<TensorProto> constantTensor(GraphProto graph, Map<String, NodeProto> producers,
                                                Map<String, TensorProto> initializers, String value) {
        String v = value;
        for (int hops = 0; hops < 16; hops++) {
            TensorProto init = initializers.get(v);
            if (init != null) {
                return Optional.of(init);
            }
            NodeProto node = producers.get(v);
            if (node == null || !isDefaultDomain(node)) {
                return Optional.empty();
            }
            if (node.getOpType().equals("Constant")) {
                return attribute(node, "value").filter(AttributeProto::hasT).map(AttributeProto::getT);
            }
            if (!node.getOpType().equals("Identity") || node.getInputCount() != 1) {
                return Optional.empty();
            }
            v = node.getInput(0);
        }
        return Optional.empty();
    }

    /** Initializers by name. */
    static Map<String, TensorProto> initializers(GraphProto graph) {
        Map<String, TensorProto> map = new HashMap<>();
        graph.getInitializerList().forEach(t -> map.put(t.getName(), t));
        return map;
    }

    /** Number of elements of a tensor (1 for a scalar). */
    static long elementCount(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    /** The values of a float32 tensor held in the file (raw or typed data; external data is not read here). */
    static float[] floats(TensorProto t) throws OnnxModelException {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new OnnxModelException("tensor " + t.getName() + " is not float32");
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new OnnxModelException("tensor " + t.getName() + " keeps its values in an external data file");
        }
        long count = elementCount(t);
        if (count > Integer.MAX_VALUE) {
            throw new OnnxModelException("tensor " + t.getName() + " is too large (" + count + " values)");
        }
        float[] out = new float[(int) count];
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() != 4L * count) {
                throw new OnnxModelException("initializer " + t.getName() + " has " + b.remaining()
                        + " bytes, expected " + 4L * count);
            }
            b.asFloatBuffer().get(out);
        } else if (t.getFloatDataCount() == count) {
            for (int i = 0; i < count; i++) {
                out[i] = t.getFloatData(i);
            }
        } else {
            throw new OnnxModelException("initializer " + t.getName() + " has no float data");
        }
        return out;
    }

    /** The values of an int64 or int32 tensor held in the file. */
    static long[] longs(TensorProto t) throws OnnxModelException {
        long count = elementCount(t);
        if (count > 1 << 24) {
            throw new OnnxModelException("tensor " + t.getName() + " is too large to read as indices");
        }
        long[] out = new long[(int) count];
        boolean int64 = t.getDataType() == TensorProto.DataType.INT64_VALUE;
        if (!int64 && t.getDataType() != TensorProto.DataType.INT32_VALUE) {
            throw new OnnxModelException("tensor " + t.getName() + " is not an integer tensor");
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() != (int64 ? 8L : 4L) * count) {
                throw new OnnxModelException("tensor " + t.getName() + " has " + b.remaining() + " bytes");
            }
            for (int i = 0; i < count; i++) {
                out[i] = int64 ? b.getLong() : b.getInt();
            }
        } else if (int64 && t.getInt64DataCount() == count) {
            for (int i = 0; i < count; i++) {
                out[i] = t.getInt64Data(i);
            }
        } else if (!int64 && t.getInt32DataCount() == count) {
            for (int i = 0; i < count; i++) {
                out[i] = t.getInt32Data(i);
            }
        } else {
            throw new OnnxModelException("tensor " + t.getName() + " has no integer data");
        }
        return out;
    }

    /** {@code base}, or {@code base_1}, {@code base_2}... whichever is not in {@code names}; the result is added. */
    static String uniqueName(Set<String> names, String base) {
        String name = base;
        for (int i = 1; names.contains(name); i++) {
            name = base + "_" + i;
        }
        names.add(name);
        return name;
    }

    /** The first non-initializer graph input's declared batch dimension, or a symbolic {@code batch}. */
    static TensorShapeProto.Dimension batchDimension(GraphProto graph) {
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initializers.contains(in.getName()) && in.getType().hasTensorType()
                    && in.getType().getTensorType().hasShape()
                    && in.getType().getTensorType().getShape().getDimCount() > 0) {
                return in.getType().getTensorType().getShape().getDim(0);
            }
        }
        return TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build();
    }
}
