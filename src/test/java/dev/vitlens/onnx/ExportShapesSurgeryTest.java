package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Surgery on real torch.onnx exports: the twins written by models/recipes/export_shapes.py (&lt;NAME&gt;/ logits-only,
 * &lt;NAME&gt;-attn/ with attentions.i, same random weights). Surgery on the logits-only one must reproduce the native
 * attentions (max abs diff ≤ 1e-5). The exports are large and never committed: generate them with
 * {@code python3 models/recipes/export_shapes.py --out target/shapes --layers 2} (or point -Dvitlens.shapes=DIR at
 * them); without them the test is skipped.
 */
class ExportShapesSurgeryTest {

    @TestFactory
    List<DynamicTest> surgeryOnLogitsOnlyExportMatchesAttentionExport() throws IOException {
        Path root = Path.of(System.getProperty("vitlens.shapes", "target/shapes"));
        List<Path> plain = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.sorted().filter(d -> !d.getFileName().toString().endsWith("-attn"))
                        .filter(d -> Files.isRegularFile(d.resolve("model.onnx")))
                        .filter(d -> Files.isRegularFile(attnTwin(d).resolve("model.onnx")))
                        .forEach(plain::add);
            }
        }
        Assumptions.assumeFalse(plain.isEmpty(), "no export_shapes.py twins under " + root.toAbsolutePath()
                + "; run models/recipes/export_shapes.py --out target/shapes --layers 2 to enable this test");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : plain) {
            tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
        }
        return tests;
    }

    private static Path attnTwin(Path plainDir) {
        return plainDir.resolveSibling(plainDir.getFileName() + "-attn");
    }

    private static void check(Path plainDir) throws Exception {
        ModelProto plain = OnnxModelFiles.read(plainDir.resolve("model.onnx"));
        ModelProto attn = OnnxModelFiles.read(attnTwin(plainDir).resolve("model.onnx"));
        List<String> nativeNames = AttentionSurgery.attentionOutputs(attn);
        assertTrue(AttentionSurgery.attentionOutputs(plain).isEmpty());
        AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(plain, true);
        assertEquals(nativeNames, result.attentionOutputs());
        for (AttentionSoftmax s : result.softmaxes()) {
            assertEquals(s.layer(), s.nameIndex().orElse(-1), "layer index in " + s.nodeName());
        }

        var input = plain.getGraph().getInput(0);
        var dims = input.getType().getTensorType().getShape();
        long[] shape = {1, dims.getDim(1).getDimValue(), dims.getDim(2).getDimValue(), dims.getDim(3).getDimValue()};
        float[] pixels = new float[(int) (shape[1] * shape[2] * shape[3])];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) Math.sin(i * 0.011) * 1.5f;
        }
        String outputName = plain.getGraph().getOutput(0).getName();
        Set<String> wanted = new HashSet<>(nativeNames);
        wanted.add(outputName);
        Map<String, float[]> expected = OrtRunner.run(attn.toByteArray(), input.getName(), pixels, shape, wanted);
        wanted.addAll(result.meanOutputs());
        Map<String, float[]> actual = OrtRunner.run(result.bytes(), input.getName(), pixels, shape, wanted);
        double worst = 0;
        for (String name : nativeNames) {
            worst = Math.max(worst, maxAbsDiff(expected.get(name), actual.get(name)));
        }
        assertEquals(0.0, maxAbsDiff(expected.get(outputName), actual.get(outputName)), 1e-5, outputName);
        assertEquals(0.0, worst, 1e-5, "promoted vs native attentions");
        for (int l = 0; l < nativeNames.size(); l++) {
            float[] a = actual.get(nativeNames.get(l));
            float[] mean = actual.get(result.meanOutputs().get(l));
            int heads = a.length / mean.length;
            for (int i = 0; i < mean.length; i += 97) {
                double s = 0;
                for (int h = 0; h < heads; h++) {
                    s += a[h * mean.length + i];
                }
                assertEquals(s / heads, mean[i], 1e-6);
            }
        }
        System.out.printf("%s: %d layers, promoted vs native attentions max |diff| = %.3g%n",
                plainDir.getFileName(), nativeNames.size(), worst);
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
