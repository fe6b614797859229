package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Times the graph tools on one model file: read, attention-Softmax discovery, surgery (attentions + head means),
 * serialisation. Nothing is written. Run:
 * {@code java -cp target/classes:target/test-classes:'target/lib/*' dev.vitlens.onnx.SurgeryBenchmark path/to/model.onnx [repetitions]}
 */
public final class SurgeryBenchmark {
    private SurgeryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SurgeryBenchmark MODEL.onnx [repetitions]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        for (int rep = 1; rep <= repetitions; rep++) {
            long t0 = System.nanoTime();
            ModelProto model = OnnxModelFiles.read(file);
            long t1 = System.nanoTime();
            List<AttentionSoftmax> found = AttentionSoftmaxFinder.find(model);
            long t2 = System.nanoTime();
            AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(model, true);
            long t3 = System.nanoTime();
            byte[] bytes = result.bytes();
            long t4 = System.nanoTime();
            System.out.printf(Locale.ROOT, "run %d: read %.0f ms, find %.1f ms (%d layers), surgery %.1f ms, "
                            + "serialise %.0f ms (%.0f MB)%n", rep, (t1 - t0) / 1e6, (t2 - t1) / 1e6, found.size(),
                    (t3 - t2) / 1e6, (t4 - t3) / 1e6, bytes.length / 1e6);
        }
    }
}
