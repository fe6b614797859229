package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.Random;
import java.util.function.IntFunction;

/**
 * A tiny ViT-like encoder built with OnnxMl for tests: per layer Q/K/V projections, scores = Q·Kᵀ scaled (Div or Mul),
 * optional additive bias (like BEiT's relative position bias), Softmax, context = P·V, output projection, residual.
 * Input {@code hidden [batch, T, D]}, output {@code logits [batch, C]} read from token 0. The same seed gives the same
 * weights, so a "native" twin (with {@code attentions.i} outputs) and a logits-only twin compute the same thing.
 * {@link #referenceAttentions} recomputes the attentions in plain Java.
 */
public final class TinyVit {
    final int layers;
    final int heads;
    final int tokens;
    final int headDim;
    final int dim;
    final int classes = 3;
    final float[][][] wq;
    final float[][][] wk;
    final float[][][] wv;
    final float[][][] wo;
    final float[][][] bias; // [layer][heads*T*T]... stored flat per layer as [H][T*T]
    final float[][] wc;

    // graph options
    long opset = 17;
    String scaleOp = "Div";
    boolean withBias = false;
    boolean nativeOutputs = false;
    /** Like torch.onnx.export: the Softmax output itself is named attentions.i (no Identity in between). */
    boolean softmaxIsOutput = false;
    Long softmaxAxis = -1L;
    IntFunction<String> softmaxName = l -> "/vit/encoder/layer." + l + "/attention/attention/Softmax";

    /** Pixel front end (patch-embedding Conv, zero CLS token, position embeddings) when imageSize > 0. */
    int imageSize = 0;
    int patchSize = 0;
    float[][] patchEmbedding; // [D][3*p*p]
    float[][] positions;      // [T][D]

    /**
     * A ViT-shaped classifier on {@code pixel_values [batch,3,S,S]}: Conv patch embedding, a zero [CLS] token in
     * front, position embeddings, then the attention layers; logits from the CLS token.
     */
    public static TinyVit forImages(long seed, int layers, int heads, int headDim, int imageSize, int patch) {
        int grid = imageSize / patch;
        TinyVit vit = new TinyVit(seed, layers, heads, 1 + grid * grid, headDim);
        vit.imageSize = imageSize;
        vit.patchSize = patch;
        Random r = new Random(seed + 1);
        vit.patchEmbedding = matrix(r, vit.dim, 3 * patch * patch, 0.3f);
        vit.positions = matrix(r, vit.tokens, vit.dim, 1.0f);
        return vit;
    }

    /** Same weights, exported with {@code attentions.i} outputs (Softmax outputs named as torch does) or not. */
    public TinyVit withNativeAttentions(boolean on) {
        softmaxIsOutput = on;
        return this;
    }

    /** Writes a Hugging Face style ViT folder (model.onnx, config.json, preprocessor_config.json). */
    public java.nio.file.Path writeFolder(java.nio.file.Path dir) throws java.io.IOException {
        if (imageSize <= 0) {
            throw new IllegalStateException("only image models can be written as folders");
        }
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.write(dir.resolve("model.onnx"), build().toByteArray());
        java.nio.file.Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"vit\","
                + "\"architectures\":[\"ViTForImageClassification\"],\"image_size\":" + imageSize + ",\"patch_size\":"
                + patchSize + ",\"num_channels\":3,\"hidden_size\":" + dim + ",\"num_hidden_layers\":" + layers
                + ",\"num_attention_heads\":" + heads
                + ",\"id2label\":{\"0\":\"zero\",\"1\":\"one\",\"2\":\"two\"}}");
        java.nio.file.Files.writeString(dir.resolve("preprocessor_config.json"), "{\"do_resize\":true,\"size\":{\"height\":"
                + imageSize + ",\"width\":" + imageSize + "},\"resample\":2,\"do_rescale\":true,"
                + "\"rescale_factor\":0.00392156862745098,\"do_normalize\":true,\"image_mean\":[0.5,0.5,0.5],"
                + "\"image_std\":[0.5,0.5,0.5],\"image_processor_type\":\"ViTImageProcessor\"}");
        return dir;
    }

    public ModelProto model() {
        return build();
    }

    TinyVit(long seed, int layers, int heads, int tokens, int headDim) {
        this.layers = layers;
        this.heads = heads;
        this.tokens = tokens;
        this.headDim = headDim;
        this.dim = heads * headDim;
        Random r = new Random(seed);
        wq = new float[layers][][];
        wk = new float[layers][][];
        wv = new float[layers][][];
        wo = new float[layers][][];
        bias = new float[layers][][];
        for (int l = 0; l < layers; l++) {
            wq[l] = matrix(r, dim, dim, 0.6f);
            wk[l] = matrix(r, dim, dim, 0.6f);
            wv[l] = matrix(r, dim, dim, 0.4f);
            wo[l] = matrix(r, dim, dim, 0.3f);
            bias[l] = matrix(r, heads, tokens * tokens, 0.5f);
        }
        wc = matrix(r, dim, classes, 0.5f);
    }

    private static float[][] matrix(Random r, int rows, int cols, float scale) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) r.nextGaussian() * scale;
            }
        }
        return m;
    }

    ModelProto build() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny-vit");
        if (imageSize > 0) {
            int grid = imageSize / patchSize;
            g.addInput(tensorInfo("pixel_values", dimParam("batch"), dimValue(3), dimValue(imageSize), dimValue(imageSize)));
            g.addInitializer(floatTensor("patch_embedding", patchEmbedding, dim, 3, patchSize, patchSize));
            g.addNode(node("Conv", "/vit/embeddings/patch_embeddings/projection/Conv", new String[] {"pixel_values", "patch_embedding"}, "patches")
                    .addAttribute(ints("kernel_shape", patchSize, patchSize)).addAttribute(ints("strides", patchSize, patchSize)));
            g.addInitializer(int64("flatten_shape", 0, dim, (long) grid * grid));
            g.addNode(node("Reshape", "/vit/embeddings/Reshape", new String[] {"patches", "flatten_shape"}, "patches_flat"));
            g.addNode(node("Transpose", "/vit/embeddings/Transpose", new String[] {"patches_flat"}, "patch_tokens").addAttribute(ints("perm", 0, 2, 1)));
            g.addInitializer(int64("cls_pad", 0, 1, 0, 0, 0, 0));
            g.addNode(node("Pad", "/vit/embeddings/Pad", new String[] {"patch_tokens", "cls_pad"}, "tokens_with_cls"));
            g.addInitializer(floatTensor("position_embeddings", positions, 1, tokens, dim));
            g.addNode(node("Add", "/vit/embeddings/Add", new String[] {"tokens_with_cls", "position_embeddings"}, "hidden"));
        } else {
            g.addInput(tensorInfo("hidden", dimParam("batch"), dimValue(tokens), dimValue(dim)));
        }
        g.addOutput(tensorInfo("logits", dimParam("batch"), dimValue(classes)));
        g.addInitializer(int64("split_heads_shape", 0, -1, heads, headDim));
        g.addInitializer(int64("merge_heads_shape", 0, -1, dim));
        g.addInitializer(scalarFloat("scale", scaleOp.equals("Div") ? (float) Math.sqrt(headDim) : (float) (1 / Math.sqrt(headDim))));
        String x = "hidden";
        for (int l = 0; l < layers; l++) {
            String p = "/vit/encoder/layer." + l + "/attention/";
            g.addInitializer(floatTensor("wq" + l, wq[l], dim, dim));
            g.addInitializer(floatTensor("wk" + l, wk[l], dim, dim));
            g.addInitializer(floatTensor("wv" + l, wv[l], dim, dim));
            g.addInitializer(floatTensor("wo" + l, wo[l], dim, dim));
            for (String part : new String[] {"q", "k", "v"}) {
                g.addNode(node("MatMul", p + part + "/MatMul", new String[] {x, "w" + part + l}, p + part + "_proj"));
                g.addNode(node("Reshape", p + part + "/Reshape", new String[] {p + part + "_proj", "split_heads_shape"}, p + part + "_split"));
            }
            g.addNode(node("Transpose", p + "q/Transpose", new String[] {p + "q_split"}, p + "q_heads").addAttribute(ints("perm", 0, 2, 1, 3)));
            g.addNode(node("Transpose", p + "k/Transpose", new String[] {p + "k_split"}, p + "k_t").addAttribute(ints("perm", 0, 2, 3, 1)));
            g.addNode(node("Transpose", p + "v/Transpose", new String[] {p + "v_split"}, p + "v_heads").addAttribute(ints("perm", 0, 2, 1, 3)));
            g.addNode(node("MatMul", p + "MatMul", new String[] {p + "q_heads", p + "k_t"}, p + "scores"));
            g.addNode(node(scaleOp, p + scaleOp, new String[] {p + "scores", "scale"}, p + "scaled"));
            String logitsIn = p + "scaled";
            if (withBias) {
                g.addInitializer(floatTensor("bias" + l, bias[l], heads, tokens, tokens));
                g.addNode(node("Add", p + "Add", new String[] {p + "scaled", "bias" + l}, p + "biased"));
                logitsIn = p + "biased";
            }
            String probs = softmaxIsOutput ? "attentions." + l : p + "probs";
            NodeProto.Builder softmax = node("Softmax", softmaxName.apply(l), new String[] {logitsIn}, probs);
            if (softmaxAxis != null) {
                softmax.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(softmaxAxis));
            }
            g.addNode(softmax);
            if (softmaxIsOutput) {
                g.addOutput(tensorInfo("attentions." + l, dimParam("batch"), dimValue(heads), dimValue(tokens), dimValue(tokens)));
            } else if (nativeOutputs) {
                g.addNode(node("Identity", p + "attentions_out", new String[] {p + "probs"}, "attentions." + l));
                g.addOutput(tensorInfo("attentions." + l, dimParam("batch"), dimValue(heads), dimValue(tokens), dimValue(tokens)));
            }
            g.addNode(node("MatMul", p + "MatMul_1", new String[] {probs, p + "v_heads"}, p + "context"));
            g.addNode(node("Transpose", p + "context/Transpose", new String[] {p + "context"}, p + "context_t").addAttribute(ints("perm", 0, 2, 1, 3)));
            g.addNode(node("Reshape", p + "context/Reshape", new String[] {p + "context_t", "merge_heads_shape"}, p + "merged"));
            g.addNode(node("MatMul", p + "output/MatMul", new String[] {p + "merged", "wo" + l}, p + "out"));
            g.addNode(node("Add", p + "residual", new String[] {x, p + "out"}, p + "hidden_out"));
            x = p + "hidden_out";
        }
        g.addInitializer(TensorProto.newBuilder().setName("cls_index").setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(0));
        g.addInitializer(floatTensor("wc", wc, dim, classes));
        g.addNode(node("Gather", "/classifier/Gather", new String[] {x, "cls_index"}, "cls").addAttribute(
                AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1)));
        g.addNode(node("MatMul", "/classifier/MatMul", new String[] {"cls", "wc"}, "logits"));
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("vitlens-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g)
                .build();
    }

    /** Attentions computed in plain Java (double precision): {@code [batch][layer][head][T][T]}. */
    float[][][][][] referenceAttentions(float[] input, int batch) {
        float[][][][][] out = new float[batch][layers][heads][tokens][tokens];
        for (int b = 0; b < batch; b++) {
            double[][] x = new double[tokens][dim];
            for (int t = 0; t < tokens; t++) {
                for (int c = 0; c < dim; c++) {
                    x[t][c] = input[(b * tokens + t) * dim + c];
                }
            }
            for (int l = 0; l < layers; l++) {
                double[][] q = mul(x, wq[l]);
                double[][] k = mul(x, wk[l]);
                double[][] v = mul(x, wv[l]);
                double[][] context = new double[tokens][dim];
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < tokens; i++) {
                        double[] s = new double[tokens];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < tokens; j++) {
                            double dot = 0;
                            for (int c = 0; c < headDim; c++) {
                                dot += q[i][h * headDim + c] * k[j][h * headDim + c];
                            }
                            s[j] = dot / Math.sqrt(headDim) + (withBias ? bias[l][h][i * tokens + j] : 0);
                            max = Math.max(max, s[j]);
                        }
                        double sum = 0;
                        for (int j = 0; j < tokens; j++) {
                            s[j] = Math.exp(s[j] - max);
                            sum += s[j];
                        }
                        for (int j = 0; j < tokens; j++) {
                            double pij = s[j] / sum;
                            out[b][l][h][i][j] = (float) pij;
                            for (int c = 0; c < headDim; c++) {
                                context[i][h * headDim + c] += pij * v[j][h * headDim + c];
                            }
                        }
                    }
                }
                double[][] o = mul(context, wo[l]);
                for (int t = 0; t < tokens; t++) {
                    for (int c = 0; c < dim; c++) {
                        x[t][c] += o[t][c];
                    }
                }
            }
        }
        return out;
    }

    private static double[][] mul(double[][] a, float[][] w) {
        double[][] out = new double[a.length][w[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < w.length; k++) {
                for (int j = 0; j < w[0].length; j++) {
                    out[i][j] += a[i][k] * w[k][j];
                }
            }
        }
        return out;
    }

    static NodeProto.Builder node(String op, String name, String[] inputs, String output) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n;
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static TensorProto int64(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    static TensorProto scalarFloat(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(value).build();
    }

    static TensorProto floatTensor(String name, float[][] rows, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float[] row : rows) {
            for (float v : row) {
                t.addFloatData(v);
            }
        }
        return t.build();
    }

    static TensorShapeProto.Dimension dimParam(String name) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(name).build();
    }

    static TensorShapeProto.Dimension dimValue(long value) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
    }

    static ValueInfoProto tensorInfo(String name, TensorShapeProto.Dimension... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (TensorShapeProto.Dimension d : dims) {
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
