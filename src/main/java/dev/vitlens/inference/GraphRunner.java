package dev.vitlens.inference;

import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A small float graph that is not a model folder (e.g. a model's read-out cut out of its graph), loaded like
 * {@link ModelRunner} loads models (DJL Criteria on the "OnnxRuntime" engine, our session options) and run through
 * the ORT session DJL created, for the same reason: DJL cannot request a subset of named outputs. It always runs on
 * the CPU: such graphs are a norm and a matrix product or two, where copying each input to a GPU would cost more
 * than it saves, and the model's own session already made the device choice the user sees. Thread-safe, and
 * {@link #close} may come from any thread at any time ({@link SessionGate}).
 */
public final class GraphRunner implements AutoCloseable {
    private final String name;
    private final OrtEnvironment env;
    private final ZooModel<NDList, NDList> djlModel;
    private final OrtSession session;
    private final SessionOptions options;
    private final SessionGate gate;

    private GraphRunner(String name, OrtEnvironment env, ModelRunner.Loaded loaded, SessionOptions options) {
        this.name = name;
        this.env = env;
        this.djlModel = loaded.djlModel();
        this.session = loaded.session();
        this.options = options;
        this.gate = new SessionGate(name, this::release);
    }

    /**
     * Loads {@code dir/<name>.onnx} on the CPU with {@code options}' thread counts.
     *
     * @throws ModelLoadException when the graph cannot be loaded
     */
    public static GraphRunner open(Path dir, String name, RunnerOptions options) throws ModelLoadException {
        return BigStack.call("vitlens-graph-load", ModelLoadException.class, () -> {
            OrtEnvironment env = ModelRunner.environmentOnThisThread();
            SessionOptions so = null;
            try {
                so = ModelRunner.baseOptions(options);
                return new GraphRunner(name, env, ModelRunner.loadGraph(dir, name, env, so), so);
            } catch (OrtException e) {
                ModelRunner.close(so);
                throw new ModelLoadException("cannot configure ONNX Runtime: " + e.getMessage(), e);
            } catch (ModelLoadException | RuntimeException e) {
                ModelRunner.close(so);
                throw e;
            }
        });
    }

    public Set<String> outputNames() {
        return session.getOutputNames();
    }

    public Set<String> inputNames() {
        return session.getInputNames();
    }

    /**
     * Runs the graph on one float input and returns the requested outputs.
     *
     * @param data  {@code shape}'s elements in C order
     */
    public Map<String, ModelRunner.Tensor> run(String input, float[] data, long[] shape, Collection<String> outputs)
            throws InferenceException {
        gate.enter();
        try {
            return runInside(input, data, shape, outputs);
        } finally {
            gate.leave();
        }
    }

    private Map<String, ModelRunner.Tensor> runInside(String input, float[] data, long[] shape,
                                                      Collection<String> outputs) throws InferenceException {
        Set<String> requested = new LinkedHashSet<>(outputs);
        for (String out : requested) {
            if (!session.getOutputNames().contains(out)) {
                throw new InferenceException(name + " has no output \"" + out + "\"", null);
            }
        }
        try (ModelRunner.CountedValue<OnnxTensor> in = ModelRunner.CountedValue.of(
                OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape), 1);
             ModelRunner.CountedValue<OrtSession.Result> run = ModelRunner.CountedValue.of(
                     session.run(Map.of(input, in.value()), requested))) {
            Map<String, ModelRunner.Tensor> out = new LinkedHashMap<>();
            for (String o : requested) {
                OnnxValue value = run.value().get(o).orElseThrow();
                if (!(value instanceof OnnxTensor tensor) || tensor.getFloatBuffer() == null) {
                    throw new InferenceException(name + " output \"" + o + "\" is not a float32 tensor", null);
                }
                FloatBuffer fb = tensor.getFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                out.put(o, new ModelRunner.Tensor(tensor.getInfo().getShape(), values));
            }
            return out;
        } catch (OrtException e) {
            throw new InferenceException(name + " failed: " + ModelRunner.rootMessage(e), e);
        }
    }

    /** At once when no run is inside, else when the last one finishes; never waits. Idempotent. */
    @Override
    public void close() {
        gate.close();
    }

    private void release() {
        try {
            if (djlModel != null) {
                djlModel.close();
            } else {
                session.close();
            }
        } catch (OrtException | RuntimeException ignored) {
            // closing anyway
        } finally {
            ModelRunner.close(options);
        }
    }
}
