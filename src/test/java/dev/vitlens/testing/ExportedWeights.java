package dev.vitlens.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Tests' own, name-based reading of torch exports: initializers by the names torch gives them
 * ({@code model.vit.layernorm.weight}), nodes by their export names, and the heads (LayerNorm, Linear) recomputed in
 * plain Java. Independent of the structural search under test, which never looks at names.
 */
public final class ExportedWeights {
    private ExportedWeights() {
    }

    /** An initializer by name, following the Identity nodes torch shares equal weights through. */
    public static TensorProto tensor(ModelProto model, String name) {
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Identity") && n.getOutput(0).equals(name)) {
                return tensor(model, n.getInput(0));
            }
        }
        throw new AssertionError("no initializer " + name);
    }

    /** A float32 initializer's values, decoded here (raw little-endian bytes or float_data). */
    public static float[] values(ModelProto model, String name) {
        TensorProto t = tensor(model, name);
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new AssertionError(name + " is not float32");
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    public static NodeProto node(ModelProto model, String name) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
    }

    /** LayerNorm over {@code x} with the weights and epsilon of the node {@code nodePrefix + "/LayerNormalization"}. */
    public static float[] layerNorm(ModelProto model, String nodePrefix, float[] x) {
        NodeProto node = node(model, nodePrefix + "/LayerNormalization");
        float eps = node.getAttributeList().stream().filter(a -> a.getName().equals("epsilon"))
                .map(AttributeProto::getF).findFirst().orElse(1e-5f);
        float[] gamma = values(model, node.getInput(1));
        float[] beta = values(model, node.getInput(2));
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ((x[i] - mean) / Math.sqrt(var + eps) * gamma[i] + beta[i]);
        }
        return y;
    }

    /** torch's Linear: x · Wᵀ + b with {@code prefix.weight} [out, in] and {@code prefix.bias}. */
    public static float[] linear(ModelProto model, String prefix, float[] x) {
        TensorProto w = tensor(model, prefix + ".weight");
        float[] weight = values(model, prefix + ".weight");
        float[] bias = values(model, prefix + ".bias");
        int out = (int) w.getDims(0);
        int in = (int) w.getDims(1);
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
            double s = bias[o];
            for (int i = 0; i < in; i++) {
                s += (double) weight[o * in + i] * x[i];
            }
            y[o] = (float) s;
        }
        return y;
    }

    /**
     * The classification head of the bundled models and the exact-shape exports, from a hidden state {@code [T][D]}:
     * ViT: Linear(LN(h[0])); DeiT: (cls(LN(h[0])) + distillation(LN(h[1]))) / 2; BEiT: Linear(LN(mean of h[1:])).
     *
     * @param family "vit", "deit" or "beit" (torch's module name)
     */
    public static float[] head(ModelProto model, String family, float[][] h) {
        String p = "/model/" + family;
        return switch (family) {
            case "vit" -> linear(model, "model.classifier", layerNorm(model, p + "/layernorm", h[0]));
            case "deit" -> average(linear(model, "model.cls_classifier", layerNorm(model, p + "/layernorm", h[0])),
                    linear(model, "model.distillation_classifier", layerNorm(model, p + "/layernorm", h[1])));
            case "beit" -> linear(model, "model.classifier", layerNorm(model, p + "/pooler/layernorm",
                    meanOfRows(h, 1)));
            default -> throw new IllegalArgumentException(family);
        };
    }

    public static float[] average(float[] a, float[] b) {
        float[] y = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = (a[i] + b[i]) / 2;
        }
        return y;
    }

    public static float[] meanOfRows(float[][] rows, int from) {
        double[] s = new double[rows[0].length];
        for (int t = from; t < rows.length; t++) {
            for (int d = 0; d < s.length; d++) {
                s[d] += rows[t][d];
            }
        }
        float[] y = new float[s.length];
        for (int d = 0; d < s.length; d++) {
            y[d] = (float) (s[d] / (rows.length - from));
        }
        return y;
    }

    public static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        if (!(worst <= tolerance)) {
            throw new AssertionError(what + ": max abs diff " + worst + " > " + tolerance);
        }
    }
}
