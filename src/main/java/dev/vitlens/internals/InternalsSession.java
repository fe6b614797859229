package dev.vitlens.internals;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.engine.Scores;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.onnx.AttentionSurgery;
import dev.vitlens.onnx.EncoderWeights;
import dev.vitlens.onnx.HiddenStateSurgery;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.onnx.ReadoutGraph;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One opened model for the teaching views: a derived copy of its graph that also outputs {@code attentions.i} and
 * {@code hidden_states.i} (found by structure), the model's own read-out cut out of its graph, and the weights the
 * views show. Open once per model; {@link #analyse} runs one forward pass per image. Thread-safe: analyses may run
 * concurrently (each preprocesses into its own buffer; ONNX Runtime sessions allow concurrent runs).
 */
public final class InternalsSession implements AutoCloseable {
    /** The read-out's file in the derived folder ({@code readout.onnx}). */
    static final String READOUT = "readout";
    /** Why there is no read-out, written instead of it. */
    static final String NO_READOUT = "readout-unavailable.txt";

    /** The derived copy: attentions and hidden states as outputs, the read-out next to it. */
    static final AttentionModelCache.Variant INTERNALS = new AttentionModelCache.Variant() {
        @Override
        public String version() {
            return "internals-v1";
        }

        @Override
        public String adds() {
            return "hidden-state outputs";
        }

        @Override
        public String copyName() {
            return "copy with hidden-state outputs";
        }

        @Override
        public boolean runsAsIs(ModelInfo info) {
            return false; // the read-out is always cut out and stored, even for exports with every output
        }

        @Override
        public Map<String, byte[]> derive(ModelInfo info, ModelProto original) throws OnnxModelException {
            ModelProto withAttentions = AttentionSurgery.addAttentionOutputs(original, false).model();
            HiddenStateSurgery.Result hidden = HiddenStateSurgery.addHiddenStateOutputs(withAttentions);
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(ModelInfo.MODEL_FILE, hidden.bytes());
            try {
                files.put(READOUT + ".onnx", ReadoutGraph.cut(hidden.model(), hidden.last()).bytes());
            } catch (OnnxModelException e) {
                files.put(NO_READOUT, e.getMessage().getBytes(StandardCharsets.UTF_8));
            }
            return files;
        }
    };

    private final ModelInfo model;
    private final ModelRunner runner;
    private final List<String> attentionOutputs;
    private final List<String> hiddenOutputs;
    private final String noAttentionsReason;
    private final String noHiddenStatesReason;
    private final Readout readout;
    private final String noReadoutReason;
    private ModelWeights weights;

    private InternalsSession(ModelInfo model, ModelRunner runner, String noAttentionsReason,
                             String noHiddenStatesReason, Readout readout, String noReadoutReason) {
        this.model = model;
        this.runner = runner;
        this.attentionOutputs = runner.attentionOutputs();
        List<String> hidden = new ArrayList<>();
        for (int i = 0; runner.outputNames().contains(HiddenStateSurgery.PREFIX + i); i++) {
            hidden.add(HiddenStateSurgery.PREFIX + i);
        }
        this.hiddenOutputs = List.copyOf(hidden);
        this.noAttentionsReason = attentionOutputs.isEmpty() && noAttentionsReason.isEmpty()
                ? "model " + model.id() + " exports no attentions" : noAttentionsReason;
        this.noHiddenStatesReason = hiddenOutputs.isEmpty() && noHiddenStatesReason.isEmpty()
                ? "model " + model.id() + " exports no hidden states" : noHiddenStatesReason;
        this.readout = readout;
        this.noReadoutReason = readout == null ? noReadoutReason : "";
    }

    /**
     * Derives (or finds in the cache) the model with hidden-state and attention outputs, opens it and its read-out.
     *
     * @throws ModelLoadException when the model cannot be loaded; a graph whose hidden states cannot be found by
     *                            structure still opens (the internals then say why there are none)
     */
    public static InternalsSession open(ModelInfo info, RunnerOptions options) throws ModelLoadException {
        return open(info, options, AttentionModelCache.standard());
    }

    /** Like {@link #open(ModelInfo, RunnerOptions)} with derived copies kept in {@code cache}. */
    public static InternalsSession open(ModelInfo info, RunnerOptions options, AttentionModelCache cache)
            throws ModelLoadException {
        AttentionModelCache.Resolved derived;
        try {
            derived = cache.resolve(info, INTERNALS);
        } catch (ModelLoadException e) {
            return openWithoutHiddenStates(info, options, cache, e.getMessage());
        }
        ModelRunner runner = ModelRunner.open(derived.model(), options);
        Path dir = derived.model().dir();
        Readout readout = null;
        String noReadout = "";
        try {
            if (Files.isRegularFile(dir.resolve(READOUT + ".onnx"))) {
                TokenLayout layout = info.layout();
                readout = GraphReadout.open(dir, READOUT, options, layout.tokens(), info.config().hiddenSize());
            } else {
                noReadout = Files.isRegularFile(dir.resolve(NO_READOUT))
                        ? Files.readString(dir.resolve(NO_READOUT), StandardCharsets.UTF_8).strip()
                        : "the derived copy of " + info.id() + " has no read-out";
            }
        } catch (ModelLoadException e) {
            noReadout = "the read-out cut out of " + info.id() + " cannot be run: " + e.getMessage();
        } catch (IOException e) {
            noReadout = "cannot read " + dir.resolve(NO_READOUT) + ": " + e.getMessage();
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        return new InternalsSession(info, runner, "", "", readout, noReadout);
    }

    /** The hidden states cannot be found: run the model with attentions if possible, and say why. */
    private static InternalsSession openWithoutHiddenStates(ModelInfo info, RunnerOptions options,
                                                            AttentionModelCache cache, String reason)
            throws ModelLoadException {
        ModelInfo runnable = info;
        String noAttentions = "";
        try {
            runnable = cache.withAttentions(info).model();
        } catch (ModelLoadException e) {
            noAttentions = e.getMessage();
        }
        return new InternalsSession(info, ModelRunner.open(runnable, options), noAttentions, reason, null,
                "the read-out starts at the last hidden state, which was not found: " + reason);
    }

    /** One forward pass: preprocessing, probabilities, attentions and hidden states of {@code image}. */
    public ModelInternals analyse(RgbImage image) throws InferenceException {
        float[] pixels = Preprocessor.forModel(model).toArray(image);
        List<String> names = new ArrayList<>();
        if (model.hasClassifier()) {
            names.add(ModelRunner.LOGITS);
        }
        names.addAll(attentionOutputs);
        names.addAll(hiddenOutputs);
        if (names.isEmpty()) {
            throw new InferenceException("model " + model.id() + " gives no logits, attentions or hidden states: "
                    + "nothing to show", null);
        }
        Map<String, ModelRunner.Tensor> out = runner.run(FloatBuffer.wrap(pixels), 1, names);
        float[] probabilities = model.hasClassifier() ? Scores.softmax(out.get(ModelRunner.LOGITS).data())
                : new float[0];
        float[][][][] attentions = null;
        if (!attentionOutputs.isEmpty()) {
            attentions = new float[attentionOutputs.size()][][][];
            for (int l = 0; l < attentions.length; l++) {
                ModelRunner.Tensor t = out.get(attentionOutputs.get(l));
                attentions[l] = split3(t, attentionOutputs.get(l));
            }
        }
        float[][][] hidden = null;
        if (!hiddenOutputs.isEmpty()) {
            hidden = new float[hiddenOutputs.size()][][];
            int tokens = model.layout().tokens();
            for (int i = 0; i < hidden.length; i++) {
                ModelRunner.Tensor t = out.get(hiddenOutputs.get(i));
                long[] s = t.shape();
                if (s.length != 3 || s[0] != 1 || s[1] != tokens) {
                    throw new InferenceException(hiddenOutputs.get(i) + " has shape " + java.util.Arrays.toString(s)
                            + ", expected [1, " + tokens + ", hidden] for " + model.id() + "'s token layout"
                            + (s.length == 3 ? model.layout().tokenMismatchHint(s[1]) : ""), null);
                }
                hidden[i] = rows(t.data(), tokens, (int) s[2]);
            }
        }
        return new ModelInternals(model, pixels, probabilities, attentions, hidden,
                attentions == null ? noAttentionsReason : "", hidden == null ? noHiddenStatesReason : "");
    }

    private static float[][][] split3(ModelRunner.Tensor t, String name) throws InferenceException {
        long[] s = t.shape();
        if (s.length != 4 || s[0] != 1 || s[2] != s[3]) {
            throw new InferenceException(name + " has shape " + java.util.Arrays.toString(s)
                    + ", expected [1, heads, T, T]", null);
        }
        int heads = (int) s[1];
        int tokens = (int) s[2];
        float[][][] a = new float[heads][][];
        for (int h = 0; h < heads; h++) {
            a[h] = rows(java.util.Arrays.copyOfRange(t.data(), h * tokens * tokens, (h + 1) * tokens * tokens),
                    tokens, tokens);
        }
        return a;
    }

    private static float[][] rows(float[] flat, int count, int width) {
        float[][] r = new float[count][width];
        for (int i = 0; i < count; i++) {
            System.arraycopy(flat, i * width, r[i], 0, width);
        }
        return r;
    }

    /**
     * The learned parameters the views show, read from the model's graph by structure on first use (reading a
     * ViT-B's graph takes a moment); notes say what is missing.
     */
    public synchronized ModelWeights weights() {
        if (weights == null) {
            weights = readWeights(model);
        }
        return weights;
    }

    static ModelWeights readWeights(ModelInfo model) {
        TokenLayout layout = model.layout();
        EncoderWeights.Result found;
        try {
            found = EncoderWeights.read(OnnxModelFiles.read(model.modelFile()), layout.prefixTokens(),
                    layout.gridHeight(), layout.gridWidth());
        } catch (OnnxModelException e) {
            return new ModelWeights(null, null, List.of(), List.of("weights not read: " + e.getMessage()));
        }
        List<String> notes = new ArrayList<>(found.notes());
        if (model.family() == Family.BEIT && found.positionEmbeddings() == null) {
            notes.add("BEiT has no absolute position embeddings: each layer adds a learned relative position bias "
                    + "to its attention scores instead");
        }
        if (model.family() == Family.BEIT && found.relativePositionBias().isEmpty()) {
            notes.add("no relative position bias was found in the attention scores of this BEiT");
        }
        float[][][][] filters = null;
        EncoderWeights.Tensor f = found.patchFilters();
        if (f != null) {
            int d = f.dim(0);
            int c = f.dim(1);
            int kh = f.dim(2);
            int kw = f.dim(3);
            filters = new float[d][c][kh][kw];
            for (int o = 0; o < d; o++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < kh; y++) {
                        System.arraycopy(f.values(), ((o * c + ch) * kh + y) * kw, filters[o][ch][y], 0, kw);
                    }
                }
            }
        }
        float[][] positions = null;
        EncoderWeights.Tensor p = found.positionEmbeddings();
        if (p != null) {
            positions = rows(p.values(), p.dim(0), p.dim(1));
        }
        List<float[][]> tables = new ArrayList<>();
        for (EncoderWeights.Tensor t : found.relativePositionBias()) {
            tables.add(rows(t.values(), t.dim(0), t.dim(1)));
        }
        return new ModelWeights(filters, positions, tables, notes);
    }

    /** The model's own read-out (hidden state to logits), or empty when it cannot be cut out (see the reason). */
    public Optional<Readout> readout() {
        return Optional.ofNullable(readout);
    }

    /** Why {@link #readout()} is empty, or empty when there is one. */
    public String noReadoutReason() {
        return noReadoutReason;
    }

    /** Why {@link #analyse} gives no hidden states, or empty when it does. */
    public String noHiddenStatesReason() {
        return hiddenOutputs.isEmpty() ? noHiddenStatesReason : "";
    }

    /** The model as the user chose it. */
    public ModelInfo model() {
        return model;
    }

    @Override
    public void close() {
        try {
            if (readout != null) {
                readout.close();
            }
        } finally {
            runner.close();
        }
    }
}
