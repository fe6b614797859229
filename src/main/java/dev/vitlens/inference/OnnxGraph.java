package dev.vitlens.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small ONNX graph that is not a catalogue model (no {@code pixel_values}/{@code logits} contract), such as the face
 * detector shipped as a class-path resource, run on the CPU with named float inputs and outputs.
 * <p>
 * It uses the raw ONNX Runtime API rather than DJL's Criteria/Predictor: the graph comes as bytes from the jar and ORT
 * builds a session from bytes, whereas Criteria needs a file on disk (an extracted copy to keep in sync); and a
 * detector runs 30 times a second with one named NHWC input, where a Predictor would allocate an NDManager and wrap
 * every output per call. The environment is still the one DJL created ({@link ModelRunner#sharedEnvironment()}), and
 * every tensor and result is closed and counted in the {@link TensorLedger}. Thread-safe (ORT sessions are), and
 * {@link #close} may come from any thread at any time ({@link SessionGate}).
 */
public final class OnnxGraph implements AutoCloseable {

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final SessionOptions options;
    private final SessionGate gate;

    private OnnxGraph(String name, OrtEnvironment env, OrtSession session, SessionOptions options) {
        this.name = name;
        this.env = env;
        this.session = session;
        this.options = options;
        this.gate = new SessionGate(name, this::release);
    }

    /**
     * Builds a CPU session from the graph's bytes, on a large-stack thread (ORT's first use overflows a 1 MB stack).
     *
     * @param name           for messages, e.g. the resource name
     * @param intraOpThreads threads inside one operator
     * @throws ModelLoadException when ONNX Runtime cannot start or the bytes are not a valid graph
     */
    public static OnnxGraph load(String name, byte[] onnx, int intraOpThreads) throws ModelLoadException {
        OrtEnvironment env = ModelRunner.sharedEnvironment();
        return BigStack.call("vitlens-graph-load", ModelLoadException.class, () -> {
            SessionOptions so = new SessionOptions();
            try {
                so.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
                so.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
                so.setIntraOpNumThreads(intraOpThreads);
                so.setInterOpNumThreads(1);
                // Converted graphs carry unused initializers; ORT warns about each one at session creation.
                so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                return new OnnxGraph(name, env, env.createSession(onnx, so), so);
            } catch (OrtException | RuntimeException e) {
                so.close();
                throw new ModelLoadException("cannot load " + name + ": " + ModelRunner.rootMessage(e), e);
            }
        });
    }

    public String name() {
        return name;
    }

    /** Shape of a float input or output tensor as the graph declares it (-1 for a dynamic axis). */
    public long[] shape(String tensorName) throws ModelLoadException {
        try {
            gate.enter();
        } catch (InferenceException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
        try {
            NodeInfo info = session.getInputInfo().get(tensorName);
            if (info == null) {
                info = session.getOutputInfo().get(tensorName);
            }
            if (info == null || !(info.getInfo() instanceof TensorInfo t)) {
                throw new ModelLoadException(name + " has no tensor \"" + tensorName + "\" (inputs "
                        + session.getInputNames() + ", outputs " + session.getOutputNames() + ")");
            }
            if (t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                throw new ModelLoadException(name + ": tensor \"" + tensorName + "\" is " + t.type + ", not float");
            }
            return t.getShape();
        } catch (OrtException e) {
            throw new ModelLoadException("cannot inspect " + name + ": " + ModelRunner.rootMessage(e), e);
        } finally {
            gate.leave();
        }
    }

    /**
     * Runs the graph on one float input and copies the requested outputs out.
     *
     * @param data from position to limit; a direct buffer is used in place
     * @return the outputs' data in C order, by name, in the order requested
     */
    public Map<String, float[]> run(String input, FloatBuffer data, long[] shape, List<String> outputs)
            throws InferenceException {
        gate.enter();
        try {
            return runInside(input, data, shape, outputs);
        } finally {
            gate.leave();
        }
    }

    private Map<String, float[]> runInside(String input, FloatBuffer data, long[] shape, List<String> outputs)
            throws InferenceException {
        OnnxTensor tensor = null;
        OrtSession.Result result = null;
        try {
            tensor = OnnxTensor.createTensor(env, data.duplicate(), shape);
            TensorLedger.created(1);
            result = session.run(Map.of(input, tensor), new java.util.LinkedHashSet<>(outputs));
            TensorLedger.created(result.size());
            Map<String, float[]> out = new LinkedHashMap<>();
            for (String o : outputs) {
                OnnxValue v = result.get(o).orElseThrow(() -> new IllegalStateException("no output " + o));
                if (!(v instanceof OnnxTensor t) || t.getFloatBuffer() == null) {
                    throw new InferenceException(name + ": output \"" + o + "\" is not a float tensor", null);
                }
                FloatBuffer fb = t.getFloatBuffer();
                float[] copy = new float[fb.remaining()];
                fb.get(copy);
                out.put(o, copy);
            }
            return out;
        } catch (OrtException | RuntimeException e) {
            throw new InferenceException(name + " failed on input " + Arrays.toString(shape) + ": "
                    + ModelRunner.rootMessage(e), e);
        } finally {
            if (result != null) {
                TensorLedger.closed(result.size());
                result.close();
            }
            if (tensor != null) {
                TensorLedger.closed(1);
                tensor.close();
            }
        }
    }

    /** At once when no run is inside, else when the last one finishes; never waits. Idempotent. */
    @Override
    public void close() {
        gate.close();
    }

    private void release() {
        try {
            session.close();
        } catch (OrtException | RuntimeException ignored) {
            // closing anyway
        } finally {
            options.close();
        }
    }
}
