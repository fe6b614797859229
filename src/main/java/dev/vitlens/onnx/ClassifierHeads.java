package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a model's linear classification head(s) at the end of its graph: a Gemm, or a MatMul plus a constant bias,
 * producing {@code logits}, or DeiT's average of two such classifiers. Shared by the read-out cut (the logit lens)
 * and the few-shot head surgery, which both need to know where the features a classifier reads come from.
 */
final class ClassifierHeads {
    static final String LOGITS = "logits";
    private static final Set<String> TOKEN_PATH_OPS = Set.of("Identity", "Cast", "Squeeze", "Reshape", "Flatten",
            "LayerNormalization");

    private final GraphProto graph;
    private final Map<String, NodeProto> producers;
    private final Map<String, TensorProto> initializers;
    private final Set<String> constant;

    ClassifierHeads(GraphProto graph, Map<String, NodeProto> producers, Map<String, TensorProto> initializers,
                    Set<String> constant) {
        this.graph = graph;
        this.producers = producers;
        this.initializers = initializers;
        this.constant = constant;
    }

    static ClassifierHeads of(GraphProto graph) {
        return new ClassifierHeads(graph, OnnxGraphs.producers(graph), OnnxGraphs.initializers(graph),
                OnnxGraphs.constantClosure(graph));
    }

    /**
     * DeiT's two classifiers: logits = Div(Add(a, b), 2) or Mul(Add(a, b), 0.5) where a and b are classifier outputs
     * (Gemm, or MatMul plus bias). Returns {cls, distillation}, ordered by the token each branch gathers; empty when
     * the logits are not such an average.
     *
     * @throws OnnxModelException when they are an average of two classifiers but the tokens cannot be told apart
     */
    Optional<String[]> averagedBranches() throws OnnxModelException {
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
    String classifierInput(String value) {
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
    long gatheredToken(String value) {
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

}
