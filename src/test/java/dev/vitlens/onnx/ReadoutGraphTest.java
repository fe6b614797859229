package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.vitlens.testing.ShapeExports;
import dev.vitlens.testing.TinyVitExport;
import dev.vitlens.catalog.Family;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.vitlens.testing.ExportedWeights.assertClose;
import static dev.vitlens.testing.ExportedWeights.linear;
import static dev.vitlens.onnx.HiddenStateSurgeryTest.inputShape;
import static dev.vitlens.testing.ExportedWeights.layerNorm;
import static dev.vitlens.onnx.HiddenStateSurgeryTest.pixels;
import static dev.vitlens.onnx.HiddenStateSurgeryTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read-out cut out of each model, run on ONNX Runtime on the model's own last hidden state, must give the model's
 * logits; DeiT's two heads must average to them and equal the heads recomputed in Java; and the read-out must accept
 * other batch sizes and token counts (the per-patch lens feeds 2-token states).
 */
class ReadoutGraphTest {
    private static final Path MODELS = Path.of("models");

    @TestFactory
    List<DynamicTest> bundledModels() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String id : List.of("vit-fashion", "deit-mask", "beit-fashion")) {
            tests.add(DynamicTest.dynamicTest(id, () -> {
                ModelProto model = OnnxModelFiles.read(MODELS.resolve(id).resolve("model.onnx"));
                Run run = check(model, id);
                if (id.equals("deit-mask")) {
                    float[][] h = rows(run.hidden, 64);
                    assertClose(linear(model, "model.cls_classifier", layerNorm(model, "/model/deit/layernorm", h[0])),
                            run.heads.get(ReadoutGraph.HEAD_CLS), 1e-4, "head.cls against Java");
                    assertClose(linear(model, "model.distillation_classifier",
                            layerNorm(model, "/model/deit/layernorm", h[1])),
                            run.heads.get(ReadoutGraph.HEAD_DISTILLATION), 1e-4, "head.distillation against Java");
                }
                checkTokenAndBatchFreedom(run, 64);
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> exactShapeExports() throws Exception {
        Path root = ShapeExports.root();
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : ShapeExports.NAMES) {
            for (String variant : List.of(name, name + "-attn")) {
                tests.add(DynamicTest.dynamicTest(variant, () -> {
                    ModelProto model = OnnxModelFiles.read(root.resolve(variant).resolve("model.onnx"));
                    if (variant.contains("in21k")) {
                        HiddenStateSurgery.Result hidden = HiddenStateSurgery.addHiddenStateOutputs(model);
                        OnnxModelException e = assertThrows(OnnxModelException.class,
                                () -> ReadoutGraph.cut(hidden.model(), hidden.last()));
                        assertTrue(e.getMessage().contains("no \"logits\" output"), e.getMessage());
                    } else {
                        checkTokenAndBatchFreedom(check(model, variant), 768);
                    }
                }));
            }
        }
        return tests;
    }

    @Test
    void tinyExports() throws Exception {
        for (Family family : Family.values()) {
            check(new TinyVitExport().family(family).build(null), "tiny-" + family);
        }
    }

    @Test
    void refusesAReadOutThatReadsTheImage() throws Exception {
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("vit-fashion").resolve("model.onnx"));
        // logits = Gemm(...) + mean(pixel_values): the head now needs the image, not only the last hidden state
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOutputCount() == 1 && n.getOutput(0).equals("logits")) {
                g.setNode(i, n.toBuilder().setOutput(0, "logits_raw"));
            }
        }
        g.addNode(TinyVit.node("ReduceMean", "/model/image_mean", new String[] {"pixel_values"}, "image_mean")
                .addAttribute(TinyVit.ints("axes", 1, 2, 3)));
        g.addNode(TinyVit.node("Add", "/model/Add_image", new String[] {"logits_raw", "image_mean"}, "logits"));
        ModelProto edited = model.toBuilder().setGraph(g).build();
        HiddenStateSurgery.Result hidden = HiddenStateSurgery.addHiddenStateOutputs(edited);
        OnnxModelException e = assertThrows(OnnxModelException.class,
                () -> ReadoutGraph.cut(hidden.model(), hidden.last()));
        assertTrue(e.getMessage().contains("'image_mean'") && e.getMessage().contains("computed from the image"),
                e.getMessage());
    }

    /** What one model gave: its last hidden state, the read-out, and the heads' logits. */
    record Run(ReadoutGraph.Result readout, float[] hidden, long[] hiddenShape, float[] logits,
               Map<String, float[]> heads) { }

    private static Run check(ModelProto model, String what) throws Exception {
        HiddenStateSurgery.Result hidden = HiddenStateSurgery.addHiddenStateOutputs(
                AttentionSurgery.addAttentionOutputs(model, false).model());
        ReadoutGraph.Result readout = ReadoutGraph.cut(hidden.model(), hidden.last());
        assertEquals(List.of(ReadoutGraph.INPUT), readout.model().getGraph().getInputList().stream()
                .map(v -> v.getName()).toList());
        String lastOutput = hidden.outputs().get(hidden.outputs().size() - 1);
        Set<String> wanted = new HashSet<>(Set.of(lastOutput, "logits"));
        Map<String, float[]> out = OrtRunner.run(hidden.bytes(), "pixel_values", pixels(model), inputShape(model),
                wanted);
        float[] last = out.get(lastOutput);
        int width = (int) (hiddenWidth(model));
        long[] shape = {1, last.length / width, width};
        Set<String> readoutOutputs = new HashSet<>(readout.headOutputs());
        readoutOutputs.add("logits");
        Map<String, float[]> read = OrtRunner.run(readout.bytes(), ReadoutGraph.INPUT, last, shape, readoutOutputs);
        assertClose(out.get("logits"), read.get("logits"), 1e-4, what + ": read-out of hidden_states.L vs logits");
        boolean deit = what.startsWith("deit"); // TinyVitExport's DeiT averages the tokens before one classifier
        assertEquals(deit ? List.of(ReadoutGraph.HEAD_CLS, ReadoutGraph.HEAD_DISTILLATION) : List.of(),
                readout.headOutputs(), what);
        if (deit) {
            float[] mean = dev.vitlens.testing.ExportedWeights.average(read.get(ReadoutGraph.HEAD_CLS),
                    read.get(ReadoutGraph.HEAD_DISTILLATION));
            assertClose(out.get("logits"), mean, 1e-5, what + ": the heads average to the logits");
        }
        return new Run(readout, last, shape, out.get("logits"), read);
    }

    private static long hiddenWidth(ModelProto model) {
        for (var node : model.getGraph().getNodeList()) {
            if (node.getOpType().equals("Conv") && node.getInput(0).equals("pixel_values")) {
                return dev.vitlens.testing.ExportedWeights.tensor(model, node.getInput(1)).getDims(0);
            }
        }
        throw new AssertionError("no patch Conv");
    }

    /**
     * A state of 2 equal rows must be read like a full-length state of that row (the per-patch lens relies on it),
     * and a batch of 3 like 3 single runs.
     */
    private static void checkTokenAndBatchFreedom(Run run, int width) throws Exception {
        int tokens = (int) run.hiddenShape[1];
        float[][] h = rows(run.hidden, width);
        float[] row = h[tokens - 1];
        float[] full = new float[tokens * width];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(row, 0, full, t * width, width);
        }
        float[] two = new float[2 * width];
        System.arraycopy(row, 0, two, 0, width);
        System.arraycopy(row, 0, two, width, width);
        byte[] bytes = run.readout.bytes();
        float[] fromFull = OrtRunner.run(bytes, ReadoutGraph.INPUT, full, new long[] {1, tokens, width},
                Set.of("logits")).get("logits");
        float[] fromTwo = OrtRunner.run(bytes, ReadoutGraph.INPUT, two, new long[] {1, 2, width},
                Set.of("logits")).get("logits");
        assertClose(fromFull, fromTwo, 1e-5, "2-token state vs full-length state of the same row");

        float[] batch = new float[3 * tokens * width];
        System.arraycopy(run.hidden, 0, batch, 0, tokens * width);
        System.arraycopy(full, 0, batch, tokens * width, tokens * width);
        System.arraycopy(run.hidden, 0, batch, 2 * tokens * width, tokens * width);
        float[] three = OrtRunner.run(bytes, ReadoutGraph.INPUT, batch, new long[] {3, tokens, width},
                Set.of("logits")).get("logits");
        int classes = run.logits.length;
        float[] second = new float[classes];
        System.arraycopy(three, classes, second, 0, classes);
        float[] third = new float[classes];
        System.arraycopy(three, 2 * classes, third, 0, classes);
        assertClose(fromFull, second, 1e-5, "batch row 2");
        assertClose(run.logits, third, 1e-4, "batch row 3");
    }
}
