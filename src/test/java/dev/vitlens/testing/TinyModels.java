package dev.vitlens.testing;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds tiny but real ONNX "classifiers" and model folders for tests: pixel_values [N,3,H,W] is averaged per
 * channel (ReduceMean), multiplied by a weight matrix and offset by a bias to give logits [N,L]. Optionally each
 * layer i exposes attentions.i [N,heads,T,T] = Softmax(Reshape(pooled x A_i)), so rows sum to 1 like real
 * attention probabilities.
 */
public final class TinyModels {
    private TinyModels() {
    }

    /** logits[n][l] = sum_c mean_c(pixel_values[n]) * weights[c][l] + bias[l]. */
    public static ModelProto classifier(int height, int width, float[][] weights, float[] bias, int layers,
                                        int heads, int tokens) {
        int labels = bias.length;
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
        g.addInput(valueInfo("pixel_values", "batch", 3, height, width));
        g.addOutput(valueInfo("logits", "batch", labels));
        float[] w = new float[3 * labels];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(weights[c], 0, w, c * labels, labels);
        }
        g.addInitializer(floatTensor("W", w, 3, labels));
        g.addInitializer(floatTensor("B", bias, labels));
        g.addNode(node("ReduceMean", new String[] {"pixel_values"}, new String[] {"pooled"},
                AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS)
                        .addInts(2).addInts(3).build(),
                AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0)
                        .build()));
        g.addNode(node("MatMul", new String[] {"pooled", "W"}, new String[] {"mm"}));
        g.addNode(node("Add", new String[] {"mm", "B"}, new String[] {"logits"}));
        int per = heads * tokens * tokens;
        for (int i = 0; i < layers; i++) {
            float[] a = new float[3 * per];
            for (int k = 0; k < a.length; k++) {
                a[k] = (float) Math.sin(0.37 * k + i);
            }
            g.addInitializer(floatTensor("A" + i, a, 3, per));
            g.addInitializer(longTensor("S" + i, new long[] {-1, heads, tokens, tokens}, 4));
            g.addNode(node("MatMul", new String[] {"pooled", "A" + i}, new String[] {"scores_flat" + i}));
            g.addNode(node("Reshape", new String[] {"scores_flat" + i, "S" + i}, new String[] {"scores" + i}));
            g.addNode(node("Softmax", new String[] {"scores" + i}, new String[] {"attentions." + i},
                    AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(-1)
                            .build()));
            g.addOutput(valueInfo("attentions." + i, "batch", heads, tokens, tokens));
        }
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("vitlens-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g).build();
    }

    /** Weights with a distinct response per label, so the top class depends on the image colour. */
    public static float[][] demoWeights(int labels) {
        float[][] w = new float[3][labels];
        for (int c = 0; c < 3; c++) {
            for (int l = 0; l < labels; l++) {
                w[c][l] = (float) Math.cos(1.3 * l + 2.1 * c) * 2;
            }
        }
        return w;
    }

    /**
     * Writes a complete ViT model folder: model.onnx, config.json, preprocessor_config.json (resize to
     * size x size, bilinear, 0.5/0.5 normalisation) with {@code labels} classes and optional attentions.
     */
    public static Path writeVitFolder(Path dir, int size, int patch, int labels, int layers, int heads)
            throws IOException {
        Files.createDirectories(dir);
        int grid = size / patch;
        int tokens = 1 + grid * grid;
        Files.write(dir.resolve("model.onnx"),
                classifier(size, size, demoWeights(labels), new float[labels], layers, heads, tokens)
                        .toByteArray());
        StringBuilder id2label = new StringBuilder();
        for (int i = 0; i < labels; i++) {
            id2label.append(i > 0 ? "," : "").append("\"").append(i).append("\":\"class").append(i).append("\"");
        }
        write(dir.resolve("config.json"), "{\"model_type\":\"vit\",\"architectures\":[\"ViTForImageClassification\"],"
                + "\"image_size\":" + size + ",\"patch_size\":" + patch + ",\"num_channels\":3,\"hidden_size\":8,"
                + "\"num_hidden_layers\":" + Math.max(layers, 1) + ",\"num_attention_heads\":" + Math.max(heads, 1)
                + ",\"id2label\":{" + id2label + "}}");
        write(dir.resolve("preprocessor_config.json"), "{\"do_resize\":true,\"size\":{\"height\":" + size
                + ",\"width\":" + size + "},\"resample\":2,\"do_rescale\":true,\"rescale_factor\":0.00392156862745098,"
                + "\"do_normalize\":true,\"image_mean\":[0.5,0.5,0.5],\"image_std\":[0.5,0.5,0.5],"
                + "\"image_processor_type\":\"ViTImageProcessor\"}");
        return dir;
    }

    public static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static ValueInfoProto valueInfo(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String s) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    static TensorProto floatTensor(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    static TensorProto longTensor(String name, long[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    static NodeProto node(String op, String[] inputs, String[] outputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + outputs[0]);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        return n.build();
    }
}
