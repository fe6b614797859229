package dev.vitlens.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vitlens.catalog.Family;
import dev.vitlens.testing.OrtModels;
import dev.vitlens.testing.TinyVitExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The features are exactly what the old head read (its logits are recovered from them with its own weights), the
 * replaced head computes features·Wᵀ + b, and the attentions survive the surgery.
 */
class LinearHeadSurgeryTest {
    @TempDir
    Path tmp;

    private static final int BATCH = 2;

    private float[] pixels(TinyVitExport export) {
        float[] a = OrtModels.randomPixels(3, export.imageSize, export.imageSize);
        float[] b = OrtModels.randomPixels(4, export.imageSize, export.imageSize);
        float[] both = new float[a.length * 2];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private Map<String, OrtModels.Tensor> run(ModelProto model, TinyVitExport export, Set<String> outputs)
            throws Exception {
        Path file = Files.createTempFile(tmp, "model", ".onnx");
        Files.write(file, model.toByteArray());
        return OrtModels.run(file, pixels(export), new long[] {BATCH, 3, export.imageSize, export.imageSize}, outputs);
    }

    private static float[] initializer(ModelProto model, String name) throws OnnxModelException {
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getName().equals(name)) {
                return OnnxGraphs.floats(t);
            }
        }
        throw new AssertionError("no initializer " + name);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void featuresAreWhatTheOldHeadReadAndTheNewHeadReplacesIt(Family family) throws Exception {
        TinyVitExport export = new TinyVitExport().family(family).nativeAttentions(true);
        ModelProto original = export.build(null);
        int d = export.hidden;
        int k = export.labels;

        LinearHeadSurgery.Exposed exposed = LinearHeadSurgery.exposeFeatures(original, family);
        Map<String, OrtModels.Tensor> out = run(exposed.model(), export, Set.of("logits", "features"));
        OrtModels.Tensor features = out.get("features");
        assertArrayEquals(new long[] {BATCH, d}, features.shape());

        // the tiny export's head is MatMul(features, W[d,k]) + b
        float[] w = initializer(original, "classifier_w");
        float[] b = initializer(original, "classifier_b");
        float[] logits = out.get("logits").values();
        for (int n = 0; n < BATCH; n++) {
            for (int c = 0; c < k; c++) {
                double s = b[c];
                for (int j = 0; j < d; j++) {
                    s += features.values()[n * d + j] * w[j * k + c];
                }
                assertEquals(logits[n * k + c], s, 1e-4, "logit " + c + " of image " + n);
            }
        }

        // the old head put back as a new one (Wᵀ) gives the old logits; a different head gives its own
        float[][] wt = new float[k][d];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                wt[c][j] = w[j * k + c];
            }
        }
        ModelProto same = LinearHeadSurgery.replaceHead(original, family, wt, b, "test");
        Set<String> outputs = Set.of("logits", "attentions.0", "attentions.1");
        Map<String, OrtModels.Tensor> again = run(same, export, outputs);
        assertArrayEquals(logits, again.get("logits").values(), 1e-4f);
        Map<String, OrtModels.Tensor> before = run(original, export, outputs);
        assertArrayEquals(before.get("attentions.1").values(), again.get("attentions.1").values(), 1e-6f);

        float[][] other = {new float[d], new float[d], new float[d]};
        other[1][0] = 1;
        other[2][1] = -2;
        float[] bias = {0.5f, 0, 0.25f};
        ModelProto replaced = LinearHeadSurgery.replaceHead(original, family, other, bias, "test");
        float[] newLogits = run(replaced, export, Set.of("logits")).get("logits").values();
        for (int n = 0; n < BATCH; n++) {
            float[] f = java.util.Arrays.copyOfRange(features.values(), n * d, n * d + d);
            assertEquals(0.5f, newLogits[n * 3], 1e-5);
            assertEquals(f[0], newLogits[n * 3 + 1], 1e-4);
            assertEquals(-2 * f[1] + 0.25f, newLogits[n * 3 + 2], 1e-4);
        }
        GraphProto g = replaced.getGraph();
        assertEquals("logits", g.getOutput(0).getName());
        assertEquals(3, g.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertTrue(g.getInitializerList().stream().noneMatch(t -> t.getName().startsWith("classifier_")),
                "the old head's weights are pruned");
        assertTrue(replaced.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals("vitlens.head")));
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"VIT", "DEIT"})
    void backboneFeaturesAreTheReadOutTokensOfLastHiddenState(Family family) throws Exception {
        TinyVitExport export = new TinyVitExport().family(family).backbone(true);
        ModelProto original = export.build(null);
        LinearHeadSurgery.Exposed exposed = LinearHeadSurgery.exposeFeatures(original, family);
        Map<String, OrtModels.Tensor> out = run(exposed.model(), export, Set.of("last_hidden_state", "features"));
        int d = export.hidden;
        int t = export.tokens();
        int parts = family == Family.DEIT ? 2 : 1;
        assertArrayEquals(new long[] {BATCH, (long) parts * d}, out.get("features").shape());
        float[] hidden = out.get("last_hidden_state").values();
        float[] f = out.get("features").values();
        for (int n = 0; n < BATCH; n++) {
            for (int p = 0; p < parts; p++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(hidden[(n * t + p) * d + j], f[n * parts * d + p * d + j], 0f);
                }
            }
        }
        ModelProto replaced = LinearHeadSurgery.replaceHead(original, family, new float[][] {new float[parts * d],
                new float[parts * d]}, new float[] {1, 2}, "");
        assertEquals("logits", replaced.getGraph().getOutput(0).getName());
        assertFalse(replaced.getGraph().getOutputList().stream().anyMatch(o -> o.getName().equals("last_hidden_state")),
                "the saved model is a classifier, not a backbone");
        assertArrayEquals(new float[] {1, 2, 1, 2}, run(replaced, export, Set.of("logits")).get("logits").values());
    }

    @Test
    void beitBackboneReadsPoolerOutput() throws Exception {
        TinyVitExport export = new TinyVitExport().family(Family.BEIT).backbone(true);
        LinearHeadSurgery.Exposed exposed = LinearHeadSurgery.exposeFeatures(export.build(null), Family.BEIT);
        Map<String, OrtModels.Tensor> out = run(exposed.model(), export, Set.of("pooler_output", "features"));
        assertArrayEquals(out.get("pooler_output").values(), out.get("features").values(), 0f);
        assertTrue(exposed.description().contains("pooler_output"));
    }

    @Test
    void aHeadThatIsNotLinearIsRefusedWithAReason() {
        ModelProto original = new TinyVitExport().build(null);
        GraphProto.Builder g = original.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOutputList().contains("logits")) {
                g.setNode(i, n.toBuilder().setOutput(0, "pre_tanh"));
            }
        }
        g.addNode(NodeProto.newBuilder().setOpType("Tanh").addInput("pre_tanh").addOutput("logits"));
        ModelProto tanhHead = original.toBuilder().setGraph(g).build();
        OnnxModelException e = assertThrows(OnnxModelException.class,
                () -> LinearHeadSurgery.exposeFeatures(tanhHead, Family.VIT));
        assertTrue(e.getMessage().contains("linear layer"), e.getMessage());
    }
}
