package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.vitlens.onnx.OnnxModelFiles;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/** The INT8 BlazeFace against the fp32 one on the astronaut photo, and what ONNX Runtime makes of its QDQ graph. */
class BlazeFaceInt8Test {

    @TempDir
    Path dir;

    private static byte[] bundled() throws Exception {
        try (InputStream in = BlazeFaceDetector.class.getResourceAsStream(BlazeFaceDetector.RESOURCE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void onnxRuntimeFusesTheQdqPairsIntoIntegerKernels() throws Exception {
        Map<String, Integer> ops = BlazeFaceInt8.optimizedOperators(BlazeFaceInt8.quantize(bundled()));
        assertEquals(44, ops.getOrDefault("com.microsoft.QLinearConv", 0), ops.toString());
        assertEquals(16, ops.getOrDefault("com.microsoft.QLinearAdd", 0), ops.toString());
        assertEquals(3, ops.getOrDefault("com.microsoft.NhwcMaxPool", 0), "uint8 pooling: " + ops);
        // float convolutions left: only the four heads
        int floatConvs = ops.getOrDefault("Conv", 0) + ops.getOrDefault("com.microsoft.nchwc.Conv", 0)
                + ops.getOrDefault("com.microsoft.FusedConv", 0);
        assertEquals(4, floatConvs, ops.toString());
        assertTrue(ops.getOrDefault("QuantizeLinear", 0) <= 1, "only the input is quantised separately: " + ops);
    }

    @Test
    void int8OutputsOnTheAstronautAreCloseToFp32AndTheFaceBoxAgrees() throws Exception {
        Mat frame = TestFrames.astronautFrame();
        BlazeFaceDetector.Settings s = BlazeFaceDetector.Settings.defaults();
        try (BlazeFaceDetector f = BlazeFaceDetector.open(s);
             BlazeFaceDetector q = BlazeFaceDetector.open(s.withInt8(true))) {
            assertTrue(q.describe().endsWith(", int8)"), q.describe());
            assertTrue(!f.describe().contains("int8"), f.describe());
            BlazeFaceDetector.Pass a = f.run(frame, 1.0);
            BlazeFaceDetector.Pass b = q.run(frame, 1.0);
            // Scores (as probabilities) and box centre/size of the anchors fp32 finds confident (p > 0.3).
            float[][] sa = {a.scores8(), a.scores16()};
            float[][] sb = {b.scores8(), b.scores16()};
            float[][] ba = {a.boxes8(), a.boxes16()};
            float[][] bb = {b.boxes8(), b.boxes16()};
            int n = 0;
            double maxScore = 0;
            double sumBox = 0;
            double maxBox = 0;
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < sa[h].length; i++) {
                    double pa = 1 / (1 + Math.exp(-sa[h][i]));
                    double pb = 1 / (1 + Math.exp(-sb[h][i]));
                    if (pa > 0.3) {
                        n++;
                        maxScore = Math.max(maxScore, Math.abs(pa - pb));
                        for (int j = 0; j < 4; j++) {
                            double d = Math.abs(ba[h][i * 16 + j] - bb[h][i * 16 + j]);
                            sumBox += d;
                            maxBox = Math.max(maxBox, d);
                        }
                    }
                }
            }
            String what = String.format(java.util.Locale.ROOT, "%d anchors: max |dscore| %.4f, mean |dbox| %.3f px,"
                    + " max |dbox| %.3f px (128 px input)", n, maxScore, sumBox / (4 * n), maxBox);
            System.out.println(what);
            assertTrue(n >= 3, what);
            assertTrue(maxScore <= 0.08, what);
            assertTrue(sumBox / (4 * n) <= 1.5 && maxBox <= 5, what);

            List<DetectedFace> fa = f.find(frame);
            List<DetectedFace> fb = q.find(frame);
            assertEquals(1, fa.size(), fa.toString());
            assertEquals(1, fb.size(), fb.toString());
            assertTrue(FaceDetectorTest.isAstronautFace(fb.get(0).box()), fb.toString());
            double iou = fa.get(0).box().iou(fb.get(0).box());
            System.out.printf(java.util.Locale.ROOT, "face: fp32 %s %.4f, int8 %s %.4f, IoU %.4f%n", fa.get(0).box(),
                    fa.get(0).score(), fb.get(0).box(), fb.get(0).score(), iou);
            assertTrue(iou >= 0.9, "IoU " + iou + ": " + fa + " vs " + fb);
            assertTrue(Math.abs(fa.get(0).score() - fb.get(0).score()) <= 0.05, fa + " vs " + fb);
        } finally {
            frame.release();
        }
    }

    /** The ranges belong to the bundled graph's tensors: a model file with other tensor names is refused in int8. */
    @Test
    void anotherGraphIsRefusedInInt8ButStillOpensInFp32() throws Exception {
        ModelProto m = OnnxModelFiles.parse(bundled());
        GraphProto.Builder g = m.getGraph().toBuilder();
        String old = "StatefulPartitionedCall/functional_1/conv2d/Relu:0";
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto.Builder n = g.getNode(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) {
                if (n.getInput(k).equals(old)) {
                    n.setInput(k, "renamed:0");
                }
            }
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (n.getOutput(k).equals(old)) {
                    n.setOutput(k, "renamed:0");
                }
            }
            g.setNode(i, n);
        }
        Path file = dir.resolve("renamed.onnx");
        Files.write(file, m.toBuilder().setGraph(g).build().toByteArray());
        BlazeFaceDetector.Settings s = BlazeFaceDetector.Settings.defaults().withModelFile(file);
        BlazeFaceDetector.UnavailableException e = assertThrows(BlazeFaceDetector.UnavailableException.class,
                () -> BlazeFaceDetector.open(s.withInt8(true)));
        assertTrue(e.getMessage().contains("no calibrated range"), e.getMessage());
        try (BlazeFaceDetector d = BlazeFaceDetector.open(s)) {
            assertEquals(1, d.find(TestFrames.astronautFrame()).size());
        }
    }

    @Test
    void fp32StaysTheDefault() {
        assertTrue(!BlazeFaceDetector.Settings.defaults().int8());
        assertTrue(BlazeFaceDetector.Settings.defaults().withInt8(true).int8());
    }
}
