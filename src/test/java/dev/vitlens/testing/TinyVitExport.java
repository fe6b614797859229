package dev.vitlens.testing;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.vitlens.catalog.Family;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small but structurally faithful Hugging Face style ViT / DeiT / BEiT ONNX export built in code, for import tests
 * that must run without PyTorch: {@code pixel_values [batch,3,S,S]} → Conv patch embedding → prefix token(s) (CLS,
 * plus DIST for DeiT) → L encoder layers with multi-head attention exactly as torch exports it (Q·Kᵀ with a
 * Transpose on K, Div by √d, BEiT's additive relative-position bias, Softmax, ·V) → {@code logits}, or for a backbone
 * {@code last_hidden_state} + {@code pooler_output}. The same seed gives the same weights, so the export with
 * {@code attentions.i} outputs and the one without compute the same attentions.
 */
public final class TinyVitExport {
    public Family family = Family.VIT;
    public int imageSize = 32;
    public int patchSize = 8;
    public int hidden = 16;
    public int layers = 2;
    public int heads = 2;
    public int labels = 5;
    /** No classification head: outputs last_hidden_state and pooler_output. */
    public boolean backbone = false;
    /** Output attentions.0..L-1 like an export with output_attentions=True. */
    public boolean nativeAttentions = false;
    /** Keep the weights in {@code model.onnx_data} (ONNX external data) instead of inside the protobuf. */
    public boolean externalData = false;
    public long seed = 7;
    /** No [CLS] (or [DIST]) token: the sequence is the patches alone and the head reads their mean (as timm's
     * {@code class_token=False, global_pool='avg'}); no Hugging Face ViT/DeiT/BEiT export looks like this. */
    public boolean noClassToken = false;

    public TinyVitExport family(Family f) {
        this.family = f;
        return this;
    }

    public TinyVitExport backbone(boolean b) {
        this.backbone = b;
        return this;
    }

    public TinyVitExport nativeAttentions(boolean n) {
        this.nativeAttentions = n;
        return this;
    }

    public TinyVitExport externalData(boolean e) {
        this.externalData = e;
        return this;
    }

    public TinyVitExport labels(int n) {
        this.labels = n;
        return this;
    }

    public int tokens() {
        int grid = imageSize / patchSize;
        return (noClassToken ? 0 : family.prefixTokens()) + grid * grid;
    }

    /** Writes model.onnx (+ model.onnx_data), config.json and preprocessor_config.json into {@code dir}. */
    public Path writeFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        ByteArrayOutputStream data = externalData ? new ByteArrayOutputStream() : null;
        Files.write(dir.resolve("model.onnx"), build(data).toByteArray());
        if (data != null) {
            Files.write(dir.resolve("model.onnx_data"), data.toByteArray());
        }
        Files.writeString(dir.resolve("config.json"), configJson());
        Files.writeString(dir.resolve("preprocessor_config.json"), preprocessorJson());
        return dir;
    }

    public String modelType() {
        return switch (family) {
            case VIT -> "vit";
            case DEIT -> "deit";
            case BEIT -> "beit";
        };
    }

    public String configJson() {
        StringBuilder sb = new StringBuilder("{\n  \"model_type\": \"" + modelType() + "\",\n");
        sb.append("  \"architectures\": [\"").append(backbone ? "ViTModel" : switch (family) {
            case VIT -> "ViTForImageClassification";
            case DEIT -> "DeiTForImageClassificationWithTeacher";
            case BEIT -> "BeitForImageClassification";
        }).append("\"],\n");
        sb.append("  \"image_size\": ").append(imageSize).append(",\n  \"patch_size\": ").append(patchSize)
                .append(",\n  \"num_channels\": 3,\n  \"hidden_size\": ").append(hidden)
                .append(",\n  \"num_hidden_layers\": ").append(layers)
                .append(",\n  \"num_attention_heads\": ").append(heads);
        if (family == Family.BEIT) {
            sb.append(",\n  \"use_mean_pooling\": true");
        }
        if (!backbone) {
            sb.append(",\n  \"id2label\": {");
            for (int i = 0; i < labels; i++) {
                sb.append(i > 0 ? ", " : "").append('"').append(i).append("\": \"class ").append(i).append('"');
            }
            sb.append('}');
        }
        return sb.append("\n}\n").toString();
    }

    /** What the HF processor of each family saves (DeiT: ImageNet mean/std, bicubic, resize then center crop). */
    public String preprocessorJson() {
        int s = imageSize;
        return switch (family) {
            case VIT -> "{\"do_normalize\": true, \"do_rescale\": true, \"do_resize\": true,"
                    + " \"image_mean\": [0.5, 0.5, 0.5], \"image_std\": [0.5, 0.5, 0.5],"
                    + " \"image_processor_type\": \"ViTImageProcessor\", \"resample\": 2,"
                    + " \"rescale_factor\": 0.00392156862745098, \"size\": {\"height\": " + s + ", \"width\": " + s
                    + "}}";
            case DEIT -> "{\"crop_size\": " + s + ", \"do_center_crop\": true, \"do_normalize\": true,"
                    + " \"do_resize\": true, \"feature_extractor_type\": \"DeiTFeatureExtractor\","
                    + " \"image_mean\": [0.485, 0.456, 0.406], \"image_std\": [0.229, 0.224, 0.225],"
                    + " \"resample\": 3, \"size\": " + (s * 8 / 7) + "}";
            case BEIT -> "{\"crop_size\": {\"height\": " + s + ", \"width\": " + s + "}, \"do_center_crop\": false,"
                    + " \"do_normalize\": true, \"do_resize\": true, \"image_mean\": [0.5, 0.5, 0.5],"
                    + " \"image_processor_type\": \"BeitImageProcessor\", \"image_std\": [0.5, 0.5, 0.5],"
                    + " \"resample\": 2, \"size\": {\"height\": " + s + ", \"width\": " + s + "}}";
        };
    }

    /** The graph; external tensors' bytes are appended to {@code externalData} when it is not null. */
    public ModelProto build(ByteArrayOutputStream externalData) {
        Random r = new Random(seed);
        int grid = imageSize / patchSize;
        int patches = grid * grid;
        int t = tokens();
        int d = hidden;
        int hd = d / heads;
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny-" + modelType());
        Initializers init = new Initializers(g, externalData);
        g.addInput(TinyModels.valueInfo("pixel_values", "batch_size", 3, imageSize, imageSize));

        init.floats("patch_w", random(r, d * 3 * patchSize * patchSize, 0.2f), d, 3, patchSize, patchSize);
        init.floats("patch_b", random(r, d, 0.1f), d);
        g.addNode(node("Conv", "/embeddings/patch_embeddings/projection/Conv",
                new String[] {"pixel_values", "patch_w", "patch_b"}, "pe",
                ints("kernel_shape", patchSize, patchSize), ints("strides", patchSize, patchSize)));
        init.longs("shape_flat", 0, d, -1);
        g.addNode(node("Reshape", "/embeddings/Reshape", new String[] {"pe", "shape_flat"}, "pe_flat"));
        g.addNode(node("Transpose", "/embeddings/Transpose", new String[] {"pe_flat"}, "patches",
                ints("perm", 0, 2, 1)));
        g.addNode(node("ReduceMean", "/embeddings/ReduceMean", new String[] {"patches"}, "pooled_patches",
                ints("axes", 1), intAttr("keepdims", 1)));
        List<String> sequence = new ArrayList<>();
        String[] prefixNames = noClassToken ? new String[0]
                : family == Family.DEIT ? new String[] {"cls", "dist"} : new String[] {"cls"};
        for (String p : prefixNames) {
            init.floats(p + "_token", random(r, d, 0.5f), 1, 1, d);
            g.addNode(node("Add", "/embeddings/" + p + "/Add", new String[] {"pooled_patches", p + "_token"},
                    p + "_embedded"));
            sequence.add(p + "_embedded");
        }
        sequence.add("patches");
        g.addNode(node("Concat", "/embeddings/Concat", sequence.toArray(String[]::new), "tokens",
                intAttr("axis", 1)));
        init.floats("position", random(r, t * d, 0.3f), 1, t, d);
        g.addNode(node("Add", "/embeddings/Add", new String[] {"tokens", "position"}, "x0"));

        init.longs("shape_heads", 0, 0, heads, hd);
        init.longs("shape_merge", 0, 0, d);
        init.scalar("sqrt_hd", (float) Math.sqrt(hd));
        String x = "x0";
        for (int l = 0; l < layers; l++) {
            String p = "/encoder/layer." + l + "/attention/";
            for (String w : new String[] {"q", "k", "v", "o"}) {
                init.floats("l" + l + "_w" + w, random(r, d * d, (float) (1.2 / Math.sqrt(d))), d, d);
            }
            g.addNode(node("MatMul", p + "query/MatMul", new String[] {x, "l" + l + "_wq"}, p + "q"));
            g.addNode(node("MatMul", p + "key/MatMul", new String[] {x, "l" + l + "_wk"}, p + "k"));
            g.addNode(node("MatMul", p + "value/MatMul", new String[] {x, "l" + l + "_wv"}, p + "v"));
            g.addNode(node("Reshape", p + "Reshape", new String[] {p + "q", "shape_heads"}, p + "q4"));
            g.addNode(node("Reshape", p + "Reshape_1", new String[] {p + "k", "shape_heads"}, p + "k4"));
            g.addNode(node("Reshape", p + "Reshape_2", new String[] {p + "v", "shape_heads"}, p + "v4"));
            g.addNode(node("Transpose", p + "Transpose", new String[] {p + "q4"}, p + "qh", ints("perm", 0, 2, 1, 3)));
            g.addNode(node("Transpose", p + "Transpose_1", new String[] {p + "k4"}, p + "kt",
                    ints("perm", 0, 2, 3, 1)));
            g.addNode(node("Transpose", p + "Transpose_2", new String[] {p + "v4"}, p + "vh", ints("perm", 0, 2, 1, 3)));
            g.addNode(node("MatMul", p + "MatMul", new String[] {p + "qh", p + "kt"}, p + "scores"));
            g.addNode(node("Div", p + "Div", new String[] {p + "scores", "sqrt_hd"}, p + "scaled"));
            String logits = p + "scaled";
            if (family == Family.BEIT) {
                init.floats("l" + l + "_rel_bias", random(r, heads * t * t, 0.5f), 1, heads, t, t);
                g.addNode(node("Add", p + "Add", new String[] {logits, "l" + l + "_rel_bias"}, p + "biased"));
                logits = p + "biased";
            }
            String probs = nativeAttentions ? "attentions." + l : p + "Softmax_output_0";
            g.addNode(node("Softmax", p + "Softmax", new String[] {logits}, probs, intAttr("axis", -1)));
            if (nativeAttentions) {
                g.addOutput(TinyModels.valueInfo(probs, "batch_size", heads, t, t));
            }
            g.addNode(node("MatMul", p + "MatMul_1", new String[] {probs, p + "vh"}, p + "ctx"));
            g.addNode(node("Transpose", p + "Transpose_3", new String[] {p + "ctx"}, p + "ctx_t",
                    ints("perm", 0, 2, 1, 3)));
            g.addNode(node("Reshape", p + "Reshape_3", new String[] {p + "ctx_t", "shape_merge"}, p + "merged"));
            g.addNode(node("MatMul", p + "output/MatMul", new String[] {p + "merged", "l" + l + "_wo"}, p + "out"));
            String next = "x" + (l + 1);
            g.addNode(node("Add", p + "residual", new String[] {x, p + "out"}, next));
            x = next;
        }

        init.scalarLong("index0", 0);
        g.addNode(node("Gather", "/head/Gather", new String[] {x, "index0"}, "cls_out", intAttr("axis", 1)));
        if (backbone) {
            g.addNode(node("Identity", "/encoder/Identity", new String[] {x}, "last_hidden_state"));
            init.floats("pool_w", random(r, d * d, 0.3f), d, d);
            g.addNode(node("MatMul", "/pooler/dense/MatMul", new String[] {"cls_out", "pool_w"}, "pool_mm"));
            g.addNode(node("Tanh", "/pooler/Tanh", new String[] {"pool_mm"}, "pooler_output"));
            g.addOutput(TinyModels.valueInfo("last_hidden_state", "batch_size", t, d));
            g.addOutput(TinyModels.valueInfo("pooler_output", "batch_size", d));
        } else {
            String features;
            if (family == Family.BEIT || noClassToken) {
                g.addNode(node("ReduceMean", "/pooler/ReduceMean", new String[] {x}, "mean_tokens",
                        ints("axes", 1), intAttr("keepdims", 0)));
                features = "mean_tokens";
            } else if (family == Family.DEIT) {
                init.scalarLong("index1", 1);
                g.addNode(node("Gather", "/head/Gather_1", new String[] {x, "index1"}, "dist_out",
                        intAttr("axis", 1)));
                g.addNode(node("Add", "/head/Add", new String[] {"cls_out", "dist_out"}, "two_heads"));
                init.scalar("two", 2f);
                g.addNode(node("Div", "/head/Div", new String[] {"two_heads", "two"}, "mean_heads"));
                features = "mean_heads";
            } else {
                features = "cls_out";
            }
            init.floats("classifier_w", random(r, d * labels, 0.5f), d, labels);
            init.floats("classifier_b", random(r, labels, 0.1f), labels);
            g.addNode(node("MatMul", "/classifier/MatMul", new String[] {features, "classifier_w"}, "head_mm"));
            g.addNode(node("Add", "/classifier/Add", new String[] {"head_mm", "classifier_b"}, "logits"));
            g.addOutput(0, TinyModels.valueInfo("logits", "batch_size", labels));
        }
        if (backbone) {
            // HF order: last_hidden_state, pooler_output, then attentions
            List<OnnxMl.ValueInfoProto> outs = new ArrayList<>(g.getOutputList());
            outs.sort((a, b) -> Integer.compare(rank(a.getName()), rank(b.getName())));
            g.clearOutput().addAllOutput(outs);
        }
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("vitlens-tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build();
    }

    private static int rank(String output) {
        return output.equals("last_hidden_state") ? 0 : output.equals("pooler_output") ? 1 : 2;
    }

    private static float[] random(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        return v;
    }

    /** Adds initializers, inline or (large float tensors) as external data. */
    private static final class Initializers {
        private final GraphProto.Builder graph;
        private final ByteArrayOutputStream external;

        Initializers(GraphProto.Builder graph, ByteArrayOutputStream external) {
            this.graph = graph;
            this.external = external;
        }

        void floats(String name, float[] values, long... dims) {
            ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                buf.putFloat(v);
            }
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
            for (long d : dims) {
                t.addDims(d);
            }
            if (external != null && values.length >= 16) {
                long offset = external.size();
                external.writeBytes(buf.array());
                t.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", "model.onnx_data"))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Integer.toString(values.length * 4)));
            } else {
                t.setRawData(ByteString.copyFrom(buf.array()));
            }
            graph.addInitializer(t);
        }

        void scalar(String name, float value) {
            graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addFloatData(value));
        }

        /** Rank-0 index: Gather with it drops the token axis ([N,T,D] to [N,D]). */
        void scalarLong(String name, long value) {
            graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                    .addInt64Data(value));
        }

        void longs(String name, long... values) {
            graph.addInitializer(TinyModels.longTensor(name, values, values.length));
        }

        private static StringStringEntryProto entry(String key, String value) {
            return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
        }
    }

    static NodeProto node(String op, String name, String[] inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        return n.build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }
}
