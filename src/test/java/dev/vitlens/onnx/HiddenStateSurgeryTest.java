package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vitlens.catalog.Family;
import dev.vitlens.testing.ShapeExports;
import dev.vitlens.testing.TinyModels;
import dev.vitlens.testing.TinyVitExport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vitlens.testing.ExportedWeights.assertClose;
import static dev.vitlens.testing.ExportedWeights.average;
import static dev.vitlens.testing.ExportedWeights.layerNorm;
import static dev.vitlens.testing.ExportedWeights.linear;
import static dev.vitlens.testing.ExportedWeights.meanOfRows;
import static dev.vitlens.testing.ExportedWeights.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hidden-state surgery finds the residual stream by structure; these tests check what it found against what the
 * exporters named (torch names every residual {@code /encoder/layer.i/Add_1}), and the values it outputs against
 * independent computations: the model's head recomputed in plain Java from the last hidden state must give the
 * logits, and a backbone's {@code last_hidden_state} is the final LayerNorm of {@code hidden_states.L}.
 */
class HiddenStateSurgeryTest {
    private static final Path MODELS = Path.of("models");

    @TestFactory
    List<DynamicTest> bundledModels() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String id : List.of("vit-fashion", "deit-mask", "beit-fashion")) {
            tests.add(DynamicTest.dynamicTest(id, () -> checkBundled(id)));
        }
        return tests;
    }

    private static void checkBundled(String id) throws Exception {
        Path file = MODELS.resolve(id).resolve("model.onnx");
        byte[] before = Files.readAllBytes(file);
        ModelProto model = OnnxModelFiles.read(file);
        HiddenStateSurgery.Result result = HiddenStateSurgery.addHiddenStateOutputs(model);
        assertFalse(result.nativeOutputs());
        int layers = AttentionSurgery.attentionOutputs(model).size();
        assertEquals(layers + 1, result.outputs().size());
        String prefix = "/model/" + switch (id) {
            case "vit-fashion" -> "vit";
            case "deit-mask" -> "deit";
            default -> "beit";
        };
        assertNamedLikeTheExporter(model, result.found(), prefix);
        assertArrayEquals(before, Files.readAllBytes(file), "the model file is never written");

        float[] pixels = pixels(model);
        Set<String> wanted = new HashSet<>(result.outputs());
        wanted.add("logits");
        Map<String, float[]> out = OrtRunner.run(result.bytes(), "pixel_values", pixels, inputShape(model), wanted);
        float[] last = out.get(HiddenStateSurgery.PREFIX + layers);
        int hidden = (int) tensor(model, "model." + prefix.substring(7) + ".embeddings.patch_embeddings.projection"
                + ".bias").getDims(0);
        float[][] h = rows(last, hidden);
        float[] logits = switch (id) {
            case "vit-fashion" -> linear(model, "model.classifier", layerNorm(model, prefix + "/layernorm", h[0]));
            case "deit-mask" -> average(
                    linear(model, "model.cls_classifier", layerNorm(model, prefix + "/layernorm", h[0])),
                    linear(model, "model.distillation_classifier", layerNorm(model, prefix + "/layernorm", h[1])));
            default -> linear(model, "model.classifier", layerNorm(model, prefix + "/pooler/layernorm",
                    meanOfRows(h, 1)));
        };
        assertClose(out.get("logits"), logits, 1e-4, id + ": the head in Java on hidden_states." + layers);
    }

    @TestFactory
    List<DynamicTest> exactShapeExports() throws Exception {
        Path root = ShapeExports.root();
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : ShapeExports.NAMES) {
            for (String variant : List.of(name, name + "-attn")) {
                tests.add(DynamicTest.dynamicTest(variant, () -> checkShapeExport(root, variant)));
            }
        }
        return tests;
    }

    private static void checkShapeExport(Path root, String variant) throws Exception {
        ModelProto model = OnnxModelFiles.read(root.resolve(variant).resolve("model.onnx"));
        String family = variant.startsWith("beit") ? "beit" : variant.startsWith("deit") ? "deit" : "vit";
        HiddenStateSurgery.Result result = HiddenStateSurgery.addHiddenStateOutputs(
                AttentionSurgery.addAttentionOutputs(model, false).model());
        assertEquals(ShapeExports.layers() + 1, result.outputs().size());
        assertNamedLikeTheExporter(model, result.found(), "/model/" + family);

        float[] pixels = pixels(model);
        Set<String> wanted = new HashSet<>(result.outputs());
        boolean backbone = variant.contains("in21k");
        wanted.add(backbone ? "last_hidden_state" : "logits");
        Map<String, float[]> out = OrtRunner.run(result.bytes(), "pixel_values", pixels, inputShape(model), wanted);
        float[] last = out.get(result.outputs().get(ShapeExports.layers()));
        int tokens = 196 + (family.equals("deit") ? 2 : 1); // 14 x 14 patches, [CLS] (and [DIST])
        assertEquals(tokens * 768, last.length, "[1, " + tokens + ", 768]");
        if (backbone) {
            float[][] h = rows(last, 768);
            float[][] expected = rows(out.get("last_hidden_state"), 768);
            for (int t = 0; t < h.length; t++) {
                assertClose(expected[t], layerNorm(model, "/model/vit/layernorm", h[t]), 1e-4,
                        variant + ": last_hidden_state is the final LayerNorm of hidden_states.L, token " + t);
            }
        }
    }

    @Test
    void tinyExportsWithoutLayerNormUseTheLayerInputItself() throws Exception {
        for (Family family : Family.values()) {
            ModelProto model = new TinyVitExport().family(family).build(null);
            HiddenStateSurgery.Found found = HiddenStateSurgery.find(model);
            // TinyVitExport names the residual stream x0, x1, x2 (one residual Add per layer, no norm)
            assertEquals(List.of("x0", "x1", "x2"), found.values(), family.name());
            assertEquals(List.of(List.of("x1"), List.of("x2")), found.residuals(), family.name());
        }
    }

    @Test
    void decomposedLayerNormOfOlderExportsIsSeenThrough() throws Exception {
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("vit-fashion").resolve("model.onnx"));
        ModelProto decomposed = decomposeLayerNorms(model);
        assertTrue(decomposed.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals(
                "LayerNormalization")));
        HiddenStateSurgery.Found original = HiddenStateSurgery.find(model);
        HiddenStateSurgery.Found found = HiddenStateSurgery.find(decomposed);
        assertEquals(original.values(), found.values());

        HiddenStateSurgery.Result a = HiddenStateSurgery.addHiddenStateOutputs(model);
        HiddenStateSurgery.Result b = HiddenStateSurgery.addHiddenStateOutputs(decomposed);
        float[] pixels = pixels(model);
        Set<String> wanted = new HashSet<>(a.outputs());
        wanted.add("logits");
        Map<String, float[]> x = OrtRunner.run(a.bytes(), "pixel_values", pixels, inputShape(model), wanted);
        Map<String, float[]> y = OrtRunner.run(b.bytes(), "pixel_values", pixels, inputShape(model), wanted);
        for (String name : wanted) {
            assertClose(x.get(name), y.get(name), 1e-4, name);
        }
    }

    @Test
    void keepsNativeHiddenStateOutputs() throws Exception {
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("vit-fashion").resolve("model.onnx"));
        ModelProto once = HiddenStateSurgery.addHiddenStateOutputs(model).model();
        HiddenStateSurgery.Result twice = HiddenStateSurgery.addHiddenStateOutputs(once);
        assertTrue(twice.nativeOutputs());
        assertEquals(7, twice.outputs().size());
        assertEquals(once, twice.model());
    }

    @Test
    void refusesAGraphWithoutAttention() {
        ModelProto model = TinyModels.classifier(8, 8, TinyModels.demoWeights(3), new float[3], 2, 2, 5);
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> HiddenStateSurgery.find(model));
        assertTrue(e.getMessage().contains("no attention Softmax found"), e.getMessage());
    }

    @Test
    void refusesFusedAttention() {
        GraphProto g = GraphProto.newBuilder()
                .addNode(TinyVit.node("MultiHeadAttention", "/encoder/layer.0/attention/MultiHeadAttention",
                        new String[] {"q", "k", "v"}, "context").setDomain("com.microsoft"))
                .addNode(TinyVit.node("Add", "/encoder/layer.0/Add", new String[] {"x", "context"}, "y"))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build();
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> HiddenStateSurgery.find(model));
        assertTrue(e.getMessage().startsWith("graph uses fused attention op com.microsoft.MultiHeadAttention"),
                e.getMessage());
    }

    @Test
    void refusesALayerThatSkipsItsMlpResidual() throws Exception {
        // layer 2's norm reads layer 1's attention residual: layer 1 then ends after 1 Add, layer 0 after 2
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("vit-fashion").resolve("model.onnx"));
        ModelProto edited = rewire(model, "/model/vit/encoder/layer.2/layernorm_before/LayerNormalization", 0,
                "/model/vit/encoder/layer.1/Add_output_0");
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> HiddenStateSurgery.find(edited));
        assertTrue(e.getMessage().contains("layer 1 has 1 residual Add(s) but layer 0 has 2"), e.getMessage());
    }

    @Test
    void refusesProjectionsOfDifferentValues() throws Exception {
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("vit-fashion").resolve("model.onnx"));
        ModelProto edited = rewire(model, "/model/vit/encoder/layer.3/attention/attention/value/MatMul", 0,
                "/model/vit/encoder/layer.2/Add_1_output_0");
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> HiddenStateSurgery.find(edited));
        assertTrue(e.getMessage().startsWith("layer 3: Q, K and V are projected from different values"),
                e.getMessage());
    }

    @Test
    void refusesAResidualWalkThatMissesTheNextLayer() throws Exception {
        // layer 4's norm reads the MLP output before its residual Add: walking layer 3 never lands there
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("vit-fashion").resolve("model.onnx"));
        ModelProto edited = rewire(model, "/model/vit/encoder/layer.4/layernorm_before/LayerNormalization", 0,
                "/model/vit/encoder/layer.3/output/dense/Add_output_0");
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> HiddenStateSurgery.find(edited));
        assertTrue(e.getMessage().startsWith("layer 3: following its residual Adds"), e.getMessage());
    }

    // ---- what the exporter named ------------------------------------------------------------------------------

    /** hidden_states.0 feeds layer 0's norm; hidden_states.i+1 is torch's "/encoder/layer.i/Add_1". */
    static void assertNamedLikeTheExporter(ModelProto model, HiddenStateSurgery.Found found, String prefix) {
        Map<String, NodeProto> producers = OnnxGraphs.producers(model.getGraph());
        NodeProto firstNorm = model.getGraph().getNodeList().stream()
                .filter(n -> n.getName().equals(prefix + "/encoder/layer.0/layernorm_before/LayerNormalization"))
                .findFirst().orElseThrow();
        assertEquals(firstNorm.getInput(0), found.values().get(0));
        for (int i = 1; i < found.values().size(); i++) {
            assertEquals(prefix + "/encoder/layer." + (i - 1) + "/Add_1", producers.get(found.values().get(i))
                    .getName(), "hidden_states." + i);
        }
    }

    // ---- graph edits ------------------------------------------------------------------------------------------

    static ModelProto rewire(ModelProto model, String nodeName, int input, String value) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        boolean done = false;
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getName().equals(nodeName)) {
                g.setNode(i, g.getNode(i).toBuilder().setInput(input, value));
                done = true;
            }
        }
        assertTrue(done, "no node " + nodeName);
        return model.toBuilder().setGraph(g).build();
    }

    /** Each LayerNormalization as the ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add chain of opset-13 torch. */
    static ModelProto decomposeLayerNorms(ModelProto model) {
        GraphProto.Builder g = model.getGraph().toBuilder().clearNode();
        int k = 0;
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (!n.getOpType().equals("LayerNormalization")) {
                g.addNode(n);
                continue;
            }
            float eps = n.getAttributeList().stream().filter(a -> a.getName().equals("epsilon"))
                    .map(AttributeProto::getF).findFirst().orElse(1e-5f);
            String p = "ln" + (k++) + "/";
            String x = n.getInput(0);
            g.addInitializer(TensorProto.newBuilder().setName(p + "two").setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addFloatData(2f));
            g.addInitializer(TensorProto.newBuilder().setName(p + "eps").setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addFloatData(eps));
            g.addNode(TinyVit.node("ReduceMean", p + "ReduceMean", new String[] {x}, p + "mean")
                    .addAttribute(TinyVit.ints("axes", -1)));
            g.addNode(TinyVit.node("Sub", p + "Sub", new String[] {x, p + "mean"}, p + "centred"));
            g.addNode(TinyVit.node("Pow", p + "Pow", new String[] {p + "centred", p + "two"}, p + "squared"));
            g.addNode(TinyVit.node("ReduceMean", p + "ReduceMean_1", new String[] {p + "squared"}, p + "var")
                    .addAttribute(TinyVit.ints("axes", -1)));
            g.addNode(TinyVit.node("Add", p + "Add", new String[] {p + "var", p + "eps"}, p + "var_eps"));
            g.addNode(TinyVit.node("Sqrt", p + "Sqrt", new String[] {p + "var_eps"}, p + "std"));
            g.addNode(TinyVit.node("Div", p + "Div", new String[] {p + "centred", p + "std"}, p + "normed"));
            g.addNode(TinyVit.node("Mul", p + "Mul", new String[] {p + "normed", n.getInput(1)}, p + "scaled"));
            g.addNode(TinyVit.node("Add", p + "Add_1", new String[] {p + "scaled", n.getInput(2)}, n.getOutput(0)));
        }
        return model.toBuilder().setGraph(g).build();
    }


    static float[][] rows(float[] flat, int width) {
        float[][] r = new float[flat.length / width][width];
        for (int t = 0; t < r.length; t++) {
            System.arraycopy(flat, t * width, r[t], 0, width);
        }
        return r;
    }

    static long[] inputShape(ModelProto model) {
        var dims = model.getGraph().getInput(0).getType().getTensorType().getShape();
        return new long[] {1, dims.getDim(1).getDimValue(), dims.getDim(2).getDimValue(),
                dims.getDim(3).getDimValue()};
    }

    static float[] pixels(ModelProto model) {
        long[] shape = inputShape(model);
        float[] p = new float[(int) (shape[1] * shape[2] * shape[3])];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.sin(i * 0.013) * 1.3f;
        }
        return p;
    }
}
