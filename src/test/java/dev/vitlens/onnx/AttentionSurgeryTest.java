package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionSurgeryTest {
    private static final int BATCH = 2;

    private static float[] randomInput(TinyVit vit, long seed) {
        Random r = new Random(seed);
        float[] x = new float[BATCH * vit.tokens * vit.dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static TinyVit configured(long opset, String scaleOp, boolean bias, Long axis, int layers) {
        TinyVit vit = new TinyVit(42, layers, 2, 5, 4);
        vit.opset = opset;
        vit.scaleOp = scaleOp;
        vit.withBias = bias;
        vit.softmaxAxis = axis;
        return vit;
    }

    @ParameterizedTest(name = "opset {0}, scale {1}, bias {2}, axis {3}, {4} layers")
    @CsvSource({
            "17, Div, false, -1, 3",
            "18, Mul, true, -1, 2",
            "13, Div, true, 3, 3",
            "11, Mul, false, 3, 2",
            "19, Div, false, , 3"})
    void promotedAttentionsEqualNativeTwinAndJavaReference(long opset, String scaleOp, boolean bias, Long axis,
                                                           int layers) throws Exception {
        TinyVit logitsOnly = configured(opset, scaleOp, bias, axis, layers);
        TinyVit nativeTwin = configured(opset, scaleOp, bias, axis, layers);
        nativeTwin.nativeOutputs = true;
        ModelProto original = logitsOnly.build();
        assertTrue(AttentionSurgery.attentionOutputs(original).isEmpty());

        AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(original, true);
        assertFalse(result.nativeAttentions());
        assertEquals(layers, result.softmaxes().size());
        assertEquals(layers, result.attentionOutputs().size());
        assertEquals(layers, result.meanOutputs().size());
        assertEquals(1, original.getGraph().getOutputCount(), "input model untouched");

        float[] input = randomInput(logitsOnly, 7);
        long[] shape = {BATCH, logitsOnly.tokens, logitsOnly.dim};
        Set<String> wanted = new HashSet<>(result.attentionOutputs());
        wanted.addAll(result.meanOutputs());
        wanted.add("logits");
        Map<String, float[]> promoted = OrtRunner.run(result.bytes(), "hidden", input, shape, wanted);
        Set<String> nativeNames = new HashSet<>(result.attentionOutputs());
        nativeNames.add("logits");
        Map<String, float[]> nativeOut = OrtRunner.run(nativeTwin.build().toByteArray(), "hidden", input, shape, nativeNames);
        float[] originalLogits = OrtRunner.run(original.toByteArray(), "hidden", input, shape, Set.of("logits")).get("logits");

        assertArrayEquals(originalLogits, promoted.get("logits"), 1e-6f, "logits unchanged by surgery");
        float[][][][][] reference = logitsOnly.referenceAttentions(input, BATCH);
        int t = logitsOnly.tokens;
        int h = logitsOnly.heads;
        for (int l = 0; l < layers; l++) {
            float[] att = promoted.get("attentions." + l);
            assertEquals(BATCH * h * t * t, att.length);
            assertArrayEquals(nativeOut.get("attentions." + l), att, 1e-6f, "layer " + l + " vs native export");
            float[] mean = promoted.get("attention_mean." + l);
            assertEquals(BATCH * t * t, mean.length);
            for (int b = 0; b < BATCH; b++) {
                for (int i = 0; i < t; i++) {
                    float rowSum = 0;
                    for (int j = 0; j < t; j++) {
                        float headSum = 0;
                        for (int head = 0; head < h; head++) {
                            float v = att[((b * h + head) * t + i) * t + j];
                            assertEquals(reference[b][l][head][i][j], v, 2e-5f, "layer " + l + " vs Java reference");
                            headSum += v;
                            rowSum += v;
                        }
                        assertEquals(headSum / h, mean[(b * t + i) * t + j], 1e-6f, "head mean");
                    }
                    assertEquals(h, rowSum, 1e-5f, "each head's row sums to 1");
                }
            }
        }
    }

    @Test
    void logitsOnlyTwinOfATorchStyleExportGetsItsAttentionsBack(@TempDir Path dir) throws Exception {
        // the same check BundledModelSurgeryTest runs on the real models, on a graph whose Softmax outputs are
        // themselves the attentions.i graph outputs, as torch.onnx.export writes them
        for (boolean direct : new boolean[] {true, false}) {
            TinyVit vit = configured(17, "Div", true, -1L, 3);
            vit.softmaxIsOutput = direct;
            vit.nativeOutputs = !direct;
            Path model = dir.resolve("tiny-" + direct + "/model.onnx");
            Files.createDirectories(model.getParent());
            Files.write(model, vit.build().toByteArray());
            ModelProto twin = BundledModelSurgeryTest.logitsOnlyTwin(vit.build());
            assertEquals(Set.of("logits"), OrtRunner.outputNames(twin.toByteArray()));
            BundledModelSurgeryTest.check(model);
        }
    }

    @Test
    void reduceMeanTakesAxesAsAttributeBeforeOpset18AndAsInputFrom18() throws Exception {
        for (long opset : new long[] {17, 18}) {
            ModelProto m = AttentionSurgery.addAttentionOutputs(configured(opset, "Div", false, -1L, 2).build(), true).model();
            NodeProto mean = m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("ReduceMean")).findFirst().orElseThrow();
            boolean axesAttribute = mean.getAttributeList().stream().anyMatch(a -> a.getName().equals("axes"));
            if (opset < 18) {
                assertTrue(axesAttribute);
                assertEquals(1, mean.getInputCount());
            } else {
                assertFalse(axesAttribute);
                assertEquals(2, mean.getInputCount());
            }
        }
    }

    @Test
    void nativeModelOnlyGetsHeadMeans() throws Exception {
        TinyVit vit = configured(17, "Div", false, -1L, 3);
        vit.nativeOutputs = true;
        ModelProto model = vit.build();
        AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(model, true);
        assertTrue(result.nativeAttentions());
        assertTrue(result.softmaxes().isEmpty());
        assertEquals(List.of("attentions.0", "attentions.1", "attentions.2"), result.attentionOutputs());
        assertEquals(model.getGraph().getOutputCount() + 3, result.model().getGraph().getOutputCount());
        Set<String> names = OrtRunner.outputNames(result.bytes());
        assertTrue(names.containsAll(Set.of("logits", "attentions.2", "attention_mean.2")), names.toString());

        AttentionSurgery.Result again = AttentionSurgery.addAttentionOutputs(result.model(), true);
        assertEquals(result.model().getGraph().getOutputCount(), again.model().getGraph().getOutputCount(),
                "surgery is idempotent");
    }

    @Test
    void withoutMeansOnlyAttentionsAreAdded() throws Exception {
        AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(configured(17, "Div", false, -1L, 2).build(), false);
        assertTrue(result.meanOutputs().isEmpty());
        assertEquals(Set.of("logits", "attentions.0", "attentions.1"), OrtRunner.outputNames(result.bytes()));
        assertTrue(result.model().getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals("vitlens.surgery")));
    }

    @Test
    void refusesNameClash() {
        TinyVit vit = configured(17, "Div", false, -1L, 2);
        ModelProto model = vit.build();
        // a value already called attention_mean.0 that is not an output
        ModelProto clashing = model.toBuilder().setGraph(model.getGraph().toBuilder().addNode(
                TinyVit.node("Identity", "x", new String[] {"logits"}, "attention_mean.0"))).build();
        OnnxModelException e = assertThrows(OnnxModelException.class, () -> AttentionSurgery.addAttentionOutputs(clashing, true));
        assertTrue(e.getMessage().contains("attention_mean.0"), e.getMessage());
    }

    @Test
    void savesDerivedModelToCacheButNeverOverTheOriginal(@TempDir Path dir) throws Exception {
        ModelProto original = configured(17, "Div", false, -1L, 2).build();
        Path originalPath = dir.resolve("model.onnx");
        Files.write(originalPath, original.toByteArray());
        ModelProto derived = AttentionSurgery.addAttentionOutputs(original, true).model();

        OnnxModelException refused = assertThrows(OnnxModelException.class,
                () -> OnnxModelFiles.saveDerived(derived, originalPath, dir.resolve("./model.onnx")));
        assertTrue(refused.getMessage().contains("refusing to overwrite"), refused.getMessage());
        assertArrayEquals(original.toByteArray(), Files.readAllBytes(originalPath));

        Path cached = dir.resolve("cache/abc/model-attn.onnx");
        OnnxModelFiles.saveDerived(derived, originalPath, cached);
        assertEquals(derived, OnnxModelFiles.read(cached));
        try (var files = Files.list(cached.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
