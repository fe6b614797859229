package dev.vitlens.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Runs a model file on ONNX Runtime (CPU) in tests. Sessions are created from the file path so external data
 * ({@code model.onnx_data}) is found next to it.
 */
public final class OrtModels {
    private OrtModels() {
    }

    /** A tensor: flat values and shape. */
    public record Tensor(float[] values, long[] shape) { }

    public static Map<String, Tensor> run(Path modelFile, float[] pixels, long[] shape, Set<String> outputs)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(modelFile.toString(), options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
                 OrtSession.Result result = session.run(Map.of("pixel_values", input), outputs)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (String name : outputs) {
                    OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow();
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] flat = new float[fb.remaining()];
                    fb.get(flat);
                    out.put(name, new Tensor(flat, t.getInfo().getShape()));
                }
                return out;
            }
        }
    }

    public static Set<String> outputNames(Path modelFile) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(modelFile.toString(), options)) {
            return session.getOutputNames();
        }
    }

    /** A reproducible input in the normalised range, [1,3,h,w]. */
    public static float[] randomPixels(long seed, int height, int width) {
        Random r = new Random(seed);
        float[] v = new float[3 * height * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** attentions.0..L-1 of one image as [layers][heads][T][T]. */
    public static float[][][][] attentions(Map<String, Tensor> outputs, int layers) {
        float[][][][] a = new float[layers][][][];
        for (int l = 0; l < layers; l++) {
            Tensor t = outputs.get("attentions." + l);
            int heads = (int) t.shape()[1];
            int tokens = (int) t.shape()[2];
            a[l] = new float[heads][tokens][tokens];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tokens; i++) {
                    System.arraycopy(t.values(), (h * tokens + i) * tokens, a[l][h][i], 0, tokens);
                }
            }
        }
        return a;
    }
}
