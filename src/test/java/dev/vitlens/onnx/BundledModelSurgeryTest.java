package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.vitlens.explain.ModelFixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On each bundled model (models/&lt;id&gt;/model.onnx, exported with attentions): build a logits-only twin by removing
 * the attention outputs (and renaming the values so nothing is called attentions.i any more), run the surgery on the
 * twin, and check on ONNX Runtime that the promoted attentions equal the native ones (max abs diff ≤ 1e-5), the head
 * means equal the mean of the heads, the logits are unchanged, and, where PyTorch fixtures exist, that the attentions
 * match PyTorch.
 */
class BundledModelSurgeryTest {
    private static final Path MODELS = Path.of("models");

    @TestFactory
    List<DynamicTest> surgeryOnLogitsOnlyTwinRecoversNativeAttentions() throws IOException {
        List<Path> models = new ArrayList<>();
        if (Files.isDirectory(MODELS)) {
            try (Stream<Path> dirs = Files.list(MODELS)) {
                dirs.sorted().map(d -> d.resolve("model.onnx")).filter(Files::isRegularFile).forEach(models::add);
            }
        }
        Assumptions.assumeFalse(models.isEmpty(), "no bundled models under " + MODELS.toAbsolutePath()
                + " (trained on branch models); skipping real-model surgery tests");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path model : models) {
            tests.add(DynamicTest.dynamicTest(model.getParent().getFileName().toString(), () -> check(model)));
        }
        return tests;
    }

    static void check(Path path) throws Exception {
        String id = path.getParent().getFileName().toString();
        ModelProto nativeModel = OnnxModelFiles.read(path);
        List<String> attentionNames = AttentionSurgery.attentionOutputs(nativeModel);
        assertFalse(attentionNames.isEmpty(), id + " should be exported with attentions");
        int layers = attentionNames.size();

        ModelProto twin = logitsOnlyTwin(nativeModel);
        assertTrue(AttentionSurgery.attentionOutputs(twin).isEmpty());
        AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(twin, true);
        assertEquals(layers, result.softmaxes().size(), "one attention Softmax per layer");

        ValueInfoProto input = nativeModel.getGraph().getInput(0);
        List<ModelFixtures.Case> fixtures = ModelFixtures.all().stream().filter(c -> c.modelId().equals(id)).toList();
        float[] pixels;
        long[] shape = new long[input.getType().getTensorType().getShape().getDimCount()];
        if (!fixtures.isEmpty()) {
            pixels = fixtures.get(0).pixelValues();
            for (int i = 0; i < shape.length; i++) {
                shape[i] = fixtures.get(0).pixelShape()[i];
            }
        } else {
            shape[0] = 1;
            for (int i = 1; i < shape.length; i++) {
                shape[i] = input.getType().getTensorType().getShape().getDim(i).getDimValue();
            }
            long size = 1;
            for (int i = 1; i < shape.length; i++) {
                size *= shape[i];
            }
            pixels = new float[(int) size];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) Math.sin(i * 0.37);
            }
        }
        Set<String> nativeOutputs = new HashSet<>(attentionNames);
        nativeOutputs.add("logits");
        Map<String, float[]> expected = OrtRunner.run(nativeModel.toByteArray(), input.getName(), pixels, shape, nativeOutputs);
        Set<String> promotedOutputs = new HashSet<>(result.attentionOutputs());
        promotedOutputs.addAll(result.meanOutputs());
        promotedOutputs.add("logits");
        Map<String, float[]> actual = OrtRunner.run(result.bytes(), input.getName(), pixels, shape, promotedOutputs);

        assertEquals(0.0, maxAbsDiff(expected.get("logits"), actual.get("logits")), 1e-5, "logits");
        double worst = 0;
        double worstVsTorch = 0;
        for (int l = 0; l < layers; l++) {
            float[] a = actual.get("attentions." + l);
            worst = Math.max(worst, maxAbsDiff(expected.get("attentions." + l), a));
            float[] mean = actual.get("attention_mean." + l);
            int tt = mean.length; // batch 1: T*T
            int heads = a.length / tt;
            for (int i = 0; i < tt; i++) {
                double s = 0;
                for (int h = 0; h < heads; h++) {
                    s += a[h * tt + i];
                }
                assertEquals(s / heads, mean[i], 1e-6, "head mean");
            }
            if (!fixtures.isEmpty()) {
                float[][][] reference = fixtures.get(0).attentions()[l];
                float[] flat = new float[a.length];
                int k = 0;
                for (float[][] head : reference) {
                    for (float[] row : head) {
                        System.arraycopy(row, 0, flat, k, row.length);
                        k += row.length;
                    }
                }
                double vsTorch = maxAbsDiff(flat, a);
                worstVsTorch = Math.max(worstVsTorch, vsTorch);
                assertEquals(0.0, vsTorch, 1e-4, id + " layer " + l + " ORT vs PyTorch fixture");
            }
        }
        assertEquals(0.0, worst, 1e-5, id + ": promoted vs native attentions, max abs diff");
        System.out.printf("%s: %d layers, promoted vs native attentions max |diff| = %.3g, promoted vs PyTorch = %s%n",
                id, layers, worst, fixtures.isEmpty() ? "no fixture" : String.format("%.3g", worstVsTorch));
    }

    /** The model without attention outputs, its attention values renamed as a logits-only export would name them. */
    static ModelProto logitsOnlyTwin(ModelProto model) {
        GraphProto graph = model.getGraph();
        Map<String, String> rename = new HashMap<>();
        GraphProto.Builder g = graph.toBuilder().clearOutput().clearNode();
        for (ValueInfoProto out : graph.getOutputList()) {
            if (out.getName().startsWith("attentions.")) {
                rename.put(out.getName(), "twin/" + out.getName().replace('.', '_') + "_output_0");
            } else {
                g.addOutput(out);
            }
        }
        for (NodeProto node : graph.getNodeList()) {
            NodeProto.Builder n = node.toBuilder().clearInput().clearOutput();
            node.getInputList().forEach(in -> n.addInput(rename.getOrDefault(in, in)));
            node.getOutputList().forEach(out -> n.addOutput(rename.getOrDefault(out, out)));
            g.addNode(n);
        }
        List<ValueInfoProto> infos = new ArrayList<>(g.getValueInfoList());
        g.clearValueInfo();
        for (ValueInfoProto v : infos) {
            g.addValueInfo(v.toBuilder().setName(rename.getOrDefault(v.getName(), v.getName())));
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
