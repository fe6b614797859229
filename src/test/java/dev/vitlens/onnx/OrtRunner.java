package dev.vitlens.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Runs a serialized model on ONNX Runtime (CPU) in tests and returns the requested outputs as flat float arrays. */
final class OrtRunner {
    private OrtRunner() {
    }

    static Map<String, float[]> run(byte[] model, String inputName, float[] input, long[] shape, Set<String> outputs)
            throws OrtException {
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model, options);
             OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result result = session.run(Map.of(inputName, tensor), outputs)) {
            Map<String, float[]> out = new HashMap<>();
            for (String name : outputs) {
                OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow();
                FloatBuffer fb = t.getFloatBuffer();
                float[] flat = new float[fb.remaining()];
                fb.get(flat);
                out.put(name, flat);
            }
            return out;
        }
    }

    /** Through the engine, which must be the first to create the process-wide environment. */
    private static OrtEnvironment environment() {
        try {
            return dev.vitlens.inference.ModelRunner.sharedEnvironment();
        } catch (dev.vitlens.inference.ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> outputNames(byte[] model) throws OrtException {
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model, options)) {
            return session.getOutputNames();
        }
    }

    /**
     * Runs two models on the same input and fails unless each named output agrees within {@code tolerance} (by
     * {@link #maxRelativeDifference}): for graph rewrites that must not change what a model computes.
     */
    static void assertSameOutputs(byte[] a, byte[] b, String inputName, float[] input, long[] shape,
                                  java.util.List<String> outputs, double tolerance) throws OrtException {
        Map<String, float[]> x = run(a, inputName, input, shape, Set.copyOf(outputs));
        Map<String, float[]> y = run(b, inputName, input, shape, Set.copyOf(outputs));
        for (String o : outputs) {
            double max = maxRelativeDifference(x.get(o), y.get(o));
            if (!(max < tolerance)) {
                throw new AssertionError(o + " differs by " + max + " (tolerance " + tolerance + ")");
            }
        }
    }

    /** The largest |a - b| / max(1, |a|) over two outputs of the same shape. */
    static double maxRelativeDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("outputs differ in length: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
        }
        return max;
    }
}
