// Runs an ONNX model with ONNX Runtime (Java API) on a raw float32 input and writes every output as raw
// little-endian float32 to OUT_DIR/<output-name>.f32 — used by verify_onnx.py to check the exports against
// the PyTorch fixtures (there is no Python onnxruntime on the build machine).
//
//   java -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar \
//        models/recipes/tools/OrtRun.java model.onnx input.f32 1,3,28,28 OUT_DIR
import ai.onnxruntime.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.*;
import java.util.*;

public class OrtRun {
    public static void main(String[] a) throws Exception {
        Path model = Path.of(a[0]);
        byte[] raw = Files.readAllBytes(Path.of(a[1]));
        long[] shape = Arrays.stream(a[2].split(",")).mapToLong(Long::parseLong).toArray();
        Path out = Path.of(a[3]);
        Files.createDirectories(out);
        FloatBuffer fb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model.toString(), so);
                 OnnxTensor x = OnnxTensor.createTensor(env, fb, shape);
                 OrtSession.Result r = s.run(Map.of("pixel_values", x))) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer f = t.getFloatBuffer();
                    ByteBuffer bb = ByteBuffer.allocate(f.remaining() * 4).order(ByteOrder.LITTLE_ENDIAN);
                    bb.asFloatBuffer().put(f);
                    Files.write(out.resolve(e.getKey() + ".f32"), bb.array());
                    System.out.println(e.getKey() + " " + Arrays.toString(t.getInfo().getShape()));
                }
            }
        }
    }
}
