package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

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
}
