package dev.vitlens.teach;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.internals.LogitLens;
import dev.vitlens.internals.ModelInternals;
import dev.vitlens.internals.ModelWeights;
import dev.vitlens.internals.SpecialTokens;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Everything the teaching views compute from, for one image on one model, plus the current {@link TeachSelection}.
 * Immutable; {@link #withSelection} gives a copy that shares the per-image work already done (PCA of the filters,
 * the similarity matrix, the distance table), so a redraw after a layer, head or patch change only redoes the cheap
 * part. {@link #forImage} keeps the per-model work (everything derived from the weights) for the next image.
 */
public final class TeachInput {

    /** What a memoised value depends on: the model's weights only, or this image too. */
    enum Scope { MODEL, IMAGE }

    /** The shared memo, one map per scope; views put derived values here by a key of their own. */
    private static final class Memo {
        final ConcurrentHashMap<String, Object> model;
        final ConcurrentHashMap<String, Object> image;

        Memo(ConcurrentHashMap<String, Object> model, ConcurrentHashMap<String, Object> image) {
            this.model = model;
            this.image = image;
        }
    }

    private final ModelInternals internals;
    private final ModelWeights weights;
    private final String noWeightsReason;
    private final LogitLens.Result lens;
    private final SpecialTokens.Result tokens;
    private final String noReadoutReason;
    private final AttentionDistance.Average sampleDistance;
    private final TeachSelection selection;
    private final Memo memo;

    private TeachInput(ModelInternals internals, ModelWeights weights, String noWeightsReason, LogitLens.Result lens,
                       SpecialTokens.Result tokens, String noReadoutReason, AttentionDistance.Average sampleDistance,
                       TeachSelection selection, Memo memo) {
        this.internals = Objects.requireNonNull(internals, "internals");
        this.weights = weights;
        this.noWeightsReason = noWeightsReason == null ? "" : noWeightsReason;
        this.lens = lens;
        this.tokens = tokens;
        this.noReadoutReason = noReadoutReason == null ? "" : noReadoutReason;
        this.sampleDistance = sampleDistance;
        this.selection = selection.checked(internals.layout());
        this.memo = memo;
    }

    /** The views' input for one forward pass, with the default selection and no weights or read-out yet. */
    public static TeachInput of(ModelInternals internals) {
        return new TeachInput(internals, null, "the weights were not read", null, null,
                "the read-out was not computed", null, TeachSelection.defaults(internals.layout()), freshMemo());
    }

    private static Memo freshMemo() {
        return new Memo(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /** A copy with the model's weights (per-model work starts over). */
    public TeachInput withWeights(ModelWeights w) {
        Objects.requireNonNull(w, "weights");
        return new TeachInput(internals, w, "", lens, tokens, noReadoutReason, sampleDistance, selection,
                new Memo(new ConcurrentHashMap<>(), memo.image));
    }

    /** A copy saying why there are no weights (the views that need them say so). */
    public TeachInput withoutWeights(String reason) {
        return new TeachInput(internals, null, reason, lens, tokens, noReadoutReason, sampleDistance, selection,
                new Memo(new ConcurrentHashMap<>(), memo.image));
    }

    /** A copy with this image's logit lens (the read-out applied to every layer). */
    public TeachInput withLens(LogitLens.Result l) {
        Objects.requireNonNull(l, "lens");
        return new TeachInput(internals, weights, noWeightsReason, l, tokens, "", sampleDistance, selection, memo);
    }

    /** A copy with this image's special-token analysis. */
    public TeachInput withTokens(SpecialTokens.Result t) {
        Objects.requireNonNull(t, "tokens");
        return new TeachInput(internals, weights, noWeightsReason, lens, t, noReadoutReason, sampleDistance,
                selection, memo);
    }

    /** A copy saying why there is no read-out (the logit lens says so). */
    public TeachInput withoutReadout(String reason) {
        return new TeachInput(internals, weights, noWeightsReason, null, tokens, reason, sampleDistance, selection,
                memo);
    }

    /**
     * A copy with another selection, sharing all work done so far.
     *
     * @throws IllegalArgumentException when the selection does not fit the model (the message names the index)
     */
    public TeachInput withSelection(TeachSelection s) {
        return new TeachInput(internals, weights, noWeightsReason, lens, tokens, noReadoutReason, sampleDistance, s,
                memo);
    }

    /** A copy with the mean attention distance averaged over the model's sample images. */
    public TeachInput withSampleDistance(AttentionDistance.Average average) {
        return new TeachInput(internals, weights, noWeightsReason, lens, tokens, noReadoutReason, average, selection,
                memo);
    }

    /**
     * The next image on the same model: keeps the weights, the sample average and the per-model work, drops the
     * per-image work (the lens and the special tokens too: add the new image's); the selection is kept.
     *
     * @throws IllegalArgumentException when {@code next} comes from a model of another shape
     */
    public TeachInput forImage(ModelInternals next) {
        if (!next.layout().equals(internals.layout())) {
            throw new IllegalArgumentException("the next image's internals have token layout " + next.layout()
                    + ", not this model's " + internals.layout());
        }
        return new TeachInput(next, weights, noWeightsReason, null, null, "the read-out was not computed for this"
                + " image", sampleDistance, selection, new Memo(memo.model, new ConcurrentHashMap<>()));
    }

    public ModelInternals internals() {
        return internals;
    }

    public ModelInfo model() {
        return internals.model();
    }

    public TokenLayout layout() {
        return internals.layout();
    }

    public Family family() {
        return internals.model().family();
    }

    /** The weights, or null (see {@link #whyNot}). */
    public ModelWeights weights() {
        return weights;
    }

    /** The logit lens, or null (see {@link #whyNot}). */
    public LogitLens.Result lens() {
        return lens;
    }

    /** The special-token analysis, or null when it was not computed. */
    public SpecialTokens.Result tokens() {
        return tokens;
    }

    /** The sample average, or null when it was not computed. */
    public AttentionDistance.Average sampleDistance() {
        return sampleDistance;
    }

    public TeachSelection selection() {
        return selection;
    }

    public boolean has(TeachNeed need) {
        return switch (need) {
            case ATTENTIONS -> internals.hasAttentions();
            case HIDDEN_STATES -> internals.hasHiddenStates();
            case WEIGHTS -> weights != null;
            case READOUT -> lens != null;
        };
    }

    /** Why {@code need} is missing, or empty when it is there. */
    public String whyNot(TeachNeed need) {
        if (has(need)) {
            return "";
        }
        String reason = switch (need) {
            case ATTENTIONS -> internals.noAttentionsReason();
            case HIDDEN_STATES -> internals.noHiddenStatesReason();
            case WEIGHTS -> noWeightsReason;
            case READOUT -> noReadoutReason;
        };
        return reason.isBlank() ? "it was not computed" : reason;
    }

    /** The memoised value for {@code key}, computing it once per scope. */
    @SuppressWarnings("unchecked")
    <T> T memo(Scope scope, String key, Supplier<T> compute) {
        ConcurrentHashMap<String, Object> map = scope == Scope.MODEL ? memo.model : memo.image;
        Object known = map.get(key);
        if (known == null) {
            // computeIfAbsent would hold the bin lock while computing; two threads at worst compute it twice
            known = compute.get();
            Object raced = map.putIfAbsent(key, known);
            if (raced != null) {
                known = raced;
            }
        }
        return (T) known;
    }

    /** "ViT Fashion-MNIST (tiny), 7x7 patches of 4 px". */
    String describeModel() {
        TokenLayout l = layout();
        return model().displayName() + " (" + family().displayName() + ", " + l.gridHeight() + "x" + l.gridWidth()
                + " patches of " + l.patchSize() + " px, " + l.layers() + " layers x " + l.heads() + " heads)";
    }
}
