package dev.vitlens.inference;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import dev.vitlens.catalog.ModelInfo;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded model ready to run on the device chosen at open time.
 * <p>
 * Loading goes through DJL ({@link Criteria} -> {@link ZooModel} on the "OnnxRuntime" engine). Running uses the
 * ONNX Runtime session DJL created, through the ORT Java API, because DJL cannot express two things we need:
 * requesting a subset of outputs ({@code logits} alone skips copying attention maps; explanations ask for
 * {@code attentions.*}), and CUDA with a diagnosable CPU fallback (DJL reports only "model cannot be loaded").
 * Our {@link SessionOptions} (threads, all graph optimisations, CUDA) are handed to DJL's OrtModel through its
 * {@code sessionOptions} option. Thread-safe: ORT sessions allow concurrent {@code run} calls, and {@link #close}
 * may come from any thread at any time: a {@link SessionGate} keeps the session until the runs inside it are done.
 */
public final class ModelRunner implements AutoCloseable {
    public static final String LOGITS = ModelInfo.LOGITS_NAME;
    public static final String INPUT = ModelInfo.INPUT_NAME;

    private final ModelInfo info;
    private final OrtEnvironment env;
    private final ZooModel<NDList, NDList> djlModel;
    private final OrtSession session;
    private final boolean ownsSession;
    private final SessionOptions sessionOptions;
    private final Device device;
    private final String fallbackReason;
    private final List<String> attentionOutputs;
    private final SessionGate gate;

    /** One output tensor: its shape and data in C order. */
    public record Tensor(long[] shape, float[] data) {
    }

    /**
     * Logits and, when requested, attentions as {@code [batch][layer][head][T][T]}. {@code logits} is null for a
     * model without classification head (a backbone), whose attentions still give rollout maps.
     */
    public record Output(float[][] logits, float[][][][][] attentions) {
        public boolean hasAttentions() {
            return attentions != null;
        }
    }

    private ModelRunner(ModelInfo info, OrtEnvironment env, ZooModel<NDList, NDList> djlModel, OrtSession session,
                        boolean ownsSession, SessionOptions options, Device device, String fallbackReason) {
        this.info = info;
        this.env = env;
        this.djlModel = djlModel;
        this.session = session;
        this.ownsSession = ownsSession;
        this.sessionOptions = options;
        this.device = device;
        this.fallbackReason = fallbackReason;
        List<String> att = new ArrayList<>();
        Set<String> names = session.getOutputNames();
        for (int i = 0; names.contains("attentions." + i); i++) {
            att.add("attentions." + i);
        }
        this.attentionOutputs = List.copyOf(att);
        this.gate = new SessionGate("model " + info.id(), this::release);
    }

    /**
     * Loads a model. {@code AUTO} tries CUDA first and falls back to the CPU, keeping the reason;
     * {@code CUDA} throws a {@link ModelLoadException} with the reason instead.
     */
    public static ModelRunner open(ModelInfo info, RunnerOptions options) throws ModelLoadException {
        return BigStack.call("vitlens-model-load", ModelLoadException.class, () -> openOnThisThread(info, options));
    }

    private static ModelRunner openOnThisThread(ModelInfo info, RunnerOptions options) throws ModelLoadException {
        OrtEnvironment env = environmentOnThisThread();
        String fallback = null;
        if (options.device() != Device.CPU) {
            SessionOptions cuda = null;
            try {
                // Probe the CUDA provider's dependencies first: a missing CUDA library then gives a precise reason
                // and ORT does not log a multi-line error for a fallback that is expected on CPU-only machines.
                Optional<String> missing = CudaProbe.missingLibraries();
                if (missing.isPresent()) {
                    throw new ModelLoadException(missing.get());
                }
                cuda = baseOptions(options);
                cuda.addCUDA(0);
                return load(info, env, cuda, Device.CUDA, null);
            } catch (OrtException | LinkageError | ModelLoadException e) {
                close(cuda);
                fallback = CudaFailures.reason(e);
                if (options.device() == Device.CUDA) {
                    throw new ModelLoadException("CUDA requested but unavailable: " + fallback, e);
                }
            }
        }
        SessionOptions cpu = null;
        try {
            cpu = baseOptions(options);
            return load(info, env, cpu, Device.CPU, fallback);
        } catch (OrtException e) {
            close(cpu);
            throw new ModelLoadException("cannot configure ONNX Runtime: " + e.getMessage(), e);
        } catch (ModelLoadException e) {
            close(cpu);
            throw e;
        }
    }

    /**
     * The process-wide OrtEnvironment. DJL's OrtEngine creates it (with its threading options) and fails if one
     * exists already, so every caller, tests included, must get it here rather than from
     * {@code OrtEnvironment.getEnvironment()} directly.
     */
    public static OrtEnvironment sharedEnvironment() throws ModelLoadException {
        return BigStack.call("vitlens-ort-init", ModelLoadException.class, ModelRunner::environmentOnThisThread);
    }

    static synchronized OrtEnvironment environmentOnThisThread() throws ModelLoadException {
        // Whoever touches ORT first decides where its natives come from: without the cache ORT copies its ~580 MB
        // CUDA provider into /tmp on this start.
        OrtNatives.prepare();
        try {
            ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("OnnxRuntime");
            if (CudaProbe.missingLibraries().isPresent()) {
                presetCpuDefault(engine);
            }
            return OrtEnvironment.getEnvironment();
        } catch (RuntimeException | LinkageError e) {
            throw new ModelLoadException("cannot start ONNX Runtime: " + rootMessage(e), e);
        }
    }

    /**
     * Starts ONNX Runtime (native libraries, DJL engine, environment) on a daemon thread, so that it overlaps with
     * whatever the caller does next (reading the catalogue, starting ImageIO or a window). Errors are dropped here:
     * the next {@link #open} or {@link #sharedEnvironment()} call reports them.
     */
    public static void warmUpInBackground() {
        Thread t = new Thread(() -> {
            try {
                sharedEnvironment();
            } catch (ModelLoadException | RuntimeException | LinkageError ignored) {
                // reported by the real call
            }
        }, "vitlens-ort-warmup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * DJL computes its default device by asking ORT for CUDA, which makes ORT log a multi-line error on machines
     * without CUDA libraries. When our probe already knows CUDA is missing, preset DJL's (private, lazily set)
     * default device to the CPU so that probe never runs.
     */
    private static void presetCpuDefault(ai.djl.engine.Engine engine) {
        try {
            Field f = ai.djl.engine.Engine.class.getDeclaredField("defaultDevice");
            f.setAccessible(true);
            if (f.get(engine) == null) {
                f.set(engine, ai.djl.Device.cpu());
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // only cosmetic: DJL will probe CUDA and log ORT's error once
        }
    }

    static SessionOptions baseOptions(RunnerOptions options) throws OrtException {
        SessionOptions so = new SessionOptions();
        so.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
        so.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setIntraOpNumThreads(options.intraOpThreads());
        so.setInterOpNumThreads(options.interOpThreads());
        return so;
    }

    private static ModelRunner load(ModelInfo info, OrtEnvironment env, SessionOptions so, Device device,
                                    String fallback) throws ModelLoadException {
        Loaded loaded = loadGraph(info.dir(), "model", env, so);
        return new ModelRunner(info, env, loaded.djlModel(), loaded.session(), loaded.djlModel() == null, so, device,
                fallback);
    }

    /** A session loaded through DJL, or (when DJL's internals hide it) created directly; djlModel null then. */
    record Loaded(ZooModel<NDList, NDList> djlModel, OrtSession session) { }

    /** Loads {@code dir/<name>.onnx} through DJL's Criteria with our session options. */
    static Loaded loadGraph(java.nio.file.Path dir, String name, OrtEnvironment env, SessionOptions so)
            throws ModelLoadException {
        java.nio.file.Path file = dir.resolve(name + ".onnx");
        ZooModel<NDList, NDList> model;
        try {
            Map<String, Object> djlOptions = new HashMap<>();
            djlOptions.put("sessionOptions", so);
            model = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optEngine("OnnxRuntime")
                    // Without an explicit device DJL probes CUDA itself, logging ORT errors on CPU-only machines;
                    // the device really used is decided by the SessionOptions passed below.
                    .optDevice(ai.djl.Device.cpu())
                    .optModelPath(dir)
                    .optModelName(name)
                    .optTranslator(new NoopTranslator())
                    .optOptions(stringOptions(djlOptions))
                    .build()
                    .loadModel();
        } catch (MalformedModelException | ModelNotFoundException | IOException | RuntimeException e) {
            throw new ModelLoadException("cannot load " + file + ": " + rootMessage(e), e);
        }
        Optional<OrtSession> shared = sessionOf(model);
        if (shared.isPresent()) {
            return new Loaded(model, shared.get());
        }
        // DJL's internals changed: create the session ourselves rather than fail.
        model.close();
        try {
            return new Loaded(null, env.createSession(file.toString(), so));
        } catch (OrtException e) {
            throw new ModelLoadException("cannot load " + file + ": " + rootMessage(e), e);
        }
    }

    /**
     * DJL's OrtModel accepts a ready {@link SessionOptions} object under "sessionOptions", but Criteria's option
     * map is typed {@code Map<String,String>}; the value passes through untouched (generics are erased).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, String> stringOptions(Map<String, Object> options) {
        return (Map) options;
    }

    /** The session inside DJL's OrtSymbolBlock (private field; no public accessor in DJL 0.38). */
    private static Optional<OrtSession> sessionOf(ZooModel<NDList, NDList> model) {
        try {
            Object block = model.getBlock();
            Field f = block.getClass().getDeclaredField("session");
            f.setAccessible(true);
            return Optional.ofNullable((OrtSession) f.get(block));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public ModelInfo model() {
        return info;
    }

    /** The device actually used. */
    public Device device() {
        return device;
    }

    /** Why CUDA was not used when {@code auto} was requested (empty when CUDA works or CPU was asked for). */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    /** Names of the graph's attention outputs, {@code attentions.0..L-1} (empty if it exports none). */
    public List<String> attentionOutputs() {
        return attentionOutputs;
    }

    public Set<String> outputNames() {
        return session.getOutputNames();
    }

    /**
     * The ONNX Runtime session behind this runner, for the benchmark harness, which times a bare
     * {@code session.run} on the very same session to measure what our pipeline adds. Not for normal use: it
     * stays owned (and closed) by this runner.
     */
    public OrtSession ortSession() {
        return session;
    }

    /** The session options this runner was opened with (owned by this runner). */
    public SessionOptions sessionOptions() {
        return sessionOptions;
    }

    /**
     * Runs the graph on {@code batch} images and returns only the requested outputs.
     *
     * @param pixelValues {@code batch * 3 * H * W} floats from position to limit; direct buffers are used in place
     */
    public Map<String, Tensor> run(FloatBuffer pixelValues, int batch, Collection<String> outputs)
            throws InferenceException {
        long[] shape = {batch, 3, info.inputHeight(), info.inputWidth()};
        long expected = batch * 3L * info.inputHeight() * info.inputWidth();
        if (pixelValues.remaining() != expected) {
            throw new InferenceException("expected " + expected + " input values for " + batch + " image(s) of "
                    + info.inputWidth() + "x" + info.inputHeight() + ", got " + pixelValues.remaining(), null);
        }
        gate.enter();
        try {
            return runInside(pixelValues, shape, outputs);
        } finally {
            gate.leave();
        }
    }

    /** {@link #run(FloatBuffer, int, Collection)} once inside the gate: the session cannot be released meanwhile. */
    private Map<String, Tensor> runInside(FloatBuffer pixelValues, long[] shape, Collection<String> outputs)
            throws InferenceException {
        Set<String> requested = new LinkedHashSet<>(outputs);
        for (String name : requested) {
            if (!session.getOutputNames().contains(name)) {
                throw new InferenceException("model " + info.id() + " has no output \"" + name + "\"", null);
            }
        }
        try (CountedValue<OnnxTensor> in = CountedValue.of(OnnxTensor.createTensor(env, pixelValues.duplicate(),
                shape), 1);
             CountedValue<OrtSession.Result> run = CountedValue.of(session.run(Map.of(INPUT, in.value()), requested))) {
            OrtSession.Result result = run.value();
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : requested) {
                OnnxValue value = result.get(name).orElseThrow();
                if (!(value instanceof OnnxTensor tensor)) {
                    throw new InferenceException("output \"" + name + "\" is not a tensor", null);
                }
                FloatBuffer fb = tensor.getFloatBuffer();
                if (fb == null) {
                    throw new InferenceException("output \"" + name + "\" is not float32", null);
                }
                float[] data = new float[fb.remaining()];
                fb.get(data);
                out.put(name, new Tensor(tensor.getInfo().getShape(), data));
            }
            return out;
        } catch (OrtException e) {
            throw new InferenceException("inference failed: " + rootMessage(e), e);
        }
    }

    /**
     * An ORT value (input tensor or session result) closed by try-with-resources and counted in the
     * {@link TensorLedger}: created when wrapped, closed when this closes.
     */
    record CountedValue<T extends AutoCloseable>(T value, int count) implements AutoCloseable {
        static CountedValue<OnnxTensor> of(OnnxTensor tensor, int count) {
            TensorLedger.created(count);
            return new CountedValue<>(tensor, count);
        }

        static CountedValue<OrtSession.Result> of(OrtSession.Result result) {
            TensorLedger.created(result.size());
            return new CountedValue<>(result, result.size());
        }

        @Override
        public void close() {
            try {
                value.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot release an ONNX Runtime value: " + e.getMessage(), e);
            } finally {
                TensorLedger.closed(count);
            }
        }
    }

    /** Logits {@code [batch][labels]} only. */
    public float[][] logits(FloatBuffer pixelValues, int batch) throws InferenceException {
        return split(run(pixelValues, batch, List.of(LOGITS)).get(LOGITS), batch);
    }

    /**
     * Logits (null for a backbone) plus, if {@code withAttentions} and the graph exports them, attentions per image.
     */
    public Output run(FloatBuffer pixelValues, int batch, boolean withAttentions) throws InferenceException {
        List<String> names = new ArrayList<>();
        boolean classifier = info.hasClassifier();
        if (classifier) {
            names.add(LOGITS);
        }
        boolean attentions = withAttentions && !attentionOutputs.isEmpty();
        if (attentions) {
            names.addAll(attentionOutputs);
        }
        if (names.isEmpty()) {
            throw new InferenceException("model " + info.id() + " has no classification head and no attention"
                    + " outputs: nothing to compute (use its embedding instead)", null);
        }
        Map<String, Tensor> out = run(pixelValues, batch, names);
        float[][] logits = classifier ? split(out.get(LOGITS), batch) : null;
        if (!attentions) {
            return new Output(logits, null);
        }
        int layers = attentionOutputs.size();
        float[][][][][] att = new float[batch][layers][][][];
        for (int l = 0; l < layers; l++) {
            Tensor t = out.get(attentionOutputs.get(l));
            int heads = (int) t.shape()[1];
            int tokens = (int) t.shape()[2];
            for (int b = 0; b < batch; b++) {
                float[][][] layer = new float[heads][tokens][tokens];
                int base = b * heads * tokens * tokens;
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < tokens; i++) {
                        System.arraycopy(t.data(), base + (h * tokens + i) * tokens, layer[h][i], 0, tokens);
                    }
                }
                att[b][l] = layer;
            }
        }
        return new Output(logits, att);
    }

    /** Logits for images given as separate CHW arrays (e.g. occlusion batches). */
    public float[][] logits(float[][] inputsCHW) throws InferenceException {
        int per = 3 * info.inputHeight() * info.inputWidth();
        FloatBuffer buffer = ByteBuffer.allocateDirect(inputsCHW.length * per * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (float[] image : inputsCHW) {
            if (image.length != per) {
                throw new InferenceException("each input must have " + per + " values, got " + image.length, null);
            }
            buffer.put(image);
        }
        buffer.flip();
        return logits(buffer, inputsCHW.length);
    }

    private static float[][] split(Tensor t, int batch) {
        int per = t.data().length / Math.max(batch, 1);
        float[][] out = new float[batch][per];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(t.data(), b * per, out[b], 0, per);
        }
        return out;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message == null ? e.toString() : message.strip();
    }

    static void close(SessionOptions so) {
        if (so != null) {
            try {
                so.close();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    /**
     * Closes the model: at once when no run is inside it, else when the last one finishes (this never waits, so any
     * thread may call it). Later runs fail with "model ... was closed". Idempotent.
     */
    @Override
    public void close() {
        gate.close();
    }

    /** Frees the native session; called exactly once, by {@link SessionGate}, with no run inside. */
    private void release() {
        try {
            if (djlModel != null) {
                djlModel.close(); // closes the session DJL created
            } else if (ownsSession) {
                session.close();
            }
        } catch (OrtException | RuntimeException ignored) {
            // closing anyway; this may run at the end of someone's run, which must not fail for it
        } finally {
            close(sessionOptions);
        }
    }
}
