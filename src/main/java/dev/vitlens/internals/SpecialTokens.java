package dev.vitlens.internals;

import dev.vitlens.catalog.Family;
import dev.vitlens.engine.Scores;
import dev.vitlens.inference.InferenceException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the prefix tokens do in each family: ViT reads its head from [CLS]; DeiT has [CLS] and [DIST], each with its
 * own classifier, and the logits are their mean; BEiT keeps a [CLS] token in the sequence but its head reads the
 * mean of the patch tokens.
 */
public final class SpecialTokens {

    private SpecialTokens() {
    }

    /** What the model's head reads from the last hidden state. */
    public enum Pooling {
        /** ViT: the [CLS] token. */
        CLS_TOKEN,
        /** DeiT: [CLS] and [DIST], one classifier each, logits averaged. */
        CLS_AND_DISTILLATION_TOKENS,
        /** BEiT: the mean of the patch tokens; [CLS] is in the sequence but unused by the head. */
        MEAN_OF_PATCHES
    }

    /**
     * @param family              the model's family
     * @param pooling             what the head reads
     * @param description         one or two plain sentences for the view saying what applies to this family
     * @param clsDistSimilarity   DeiT: cosine similarity of [CLS] (token 0) and [DIST] (token 1) in each hidden state
     *                            {@code [L + 1]} (index 0 the embeddings); null for ViT and BEiT (no [DIST])
     * @param headProbabilities   per classifier head, its own softmax probabilities on the last hidden state (DeiT:
     *                            "cls" then "distillation"); empty for single-head models or without a read-out
     */
    public record Result(Family family, Pooling pooling, String description, float[] clsDistSimilarity,
                         Map<String, float[]> headProbabilities) {
        public Result {
            headProbabilities = headProbabilities == null ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(headProbabilities));
        }

        public boolean hasDistillationToken() {
            return clsDistSimilarity != null;
        }
    }

    /**
     * @param readout the model's read-out, or null when it has none (then {@code headProbabilities} is empty)
     * @throws InferenceException when the read-out fails to run
     * @throws IllegalArgumentException when {@code internals} carry no hidden states
     */
    public static Result compute(ModelInternals internals, Readout readout)
            throws InferenceException {
        if (!internals.hasHiddenStates()) {
            throw new IllegalArgumentException("the special-token view needs hidden states, and there are none: "
                    + internals.noHiddenStatesReason());
        }
        Family family = internals.model().family();
        float[][][] hidden = internals.hiddenStates();
        Map<String, float[]> heads = new LinkedHashMap<>();
        if (readout != null) {
            Readout.Result r = readout.apply(new float[][][] {hidden[hidden.length - 1]});
            r.heads().forEach((name, logits) -> heads.put(name, Scores.softmax(logits[0])));
        }
        return switch (family) {
            case VIT -> new Result(family, Pooling.CLS_TOKEN, "ViT's classifier reads only the [CLS] token (token 0) "
                    + "of the last layer, after the final layer norm; the patch tokens reach the prediction only "
                    + "through what [CLS] gathered from them by attention.", null, heads);
            case BEIT -> new Result(family, Pooling.MEAN_OF_PATCHES, "BEiT keeps a [CLS] token in the sequence, but "
                    + "its classifier reads the mean of the patch tokens of the last layer (then a layer norm); "
                    + "[CLS] is not used by the head.", null, heads);
            case DEIT -> deit(family, internals.model().config().architectures(), hidden, heads, readout != null);
        };
    }

    private static Result deit(Family family, java.util.List<String> architectures, float[][][] hidden,
                               Map<String, float[]> heads, boolean hasReadout) {
        float[] similarity = new float[hidden.length];
        for (int l = 0; l < hidden.length; l++) {
            similarity[l] = cosine(hidden[l][0], hidden[l][1]);
        }
        String tokens = "DeiT adds a distillation token [DIST] (token 1) next to [CLS] (token 0). ";
        if (!heads.isEmpty()) {
            return new Result(family, Pooling.CLS_AND_DISTILLATION_TOKENS, tokens + "Each has its own classifier: "
                    + "[CLS]'s learns the true labels, [DIST]'s learns to copy a teacher network, and the prediction "
                    + "is the mean of their logits.", similarity, heads);
        }
        if (architectures.contains("DeiTForImageClassification")) {
            // Hugging Face's DeiT without teacher: one classifier on [CLS]
            return new Result(family, Pooling.CLS_TOKEN, tokens + "This model's classifier reads only [CLS]; "
                    + "[DIST] is in the sequence but not used by the head.", similarity, heads);
        }
        return new Result(family, Pooling.CLS_AND_DISTILLATION_TOKENS, tokens + "The prediction combines a "
                + "classifier on each; " + (hasReadout ? "this export does not let the two be told apart"
                : "without the model's read-out they cannot be run separately") + ", so only the combined "
                + "prediction is shown.", similarity, heads);
    }

    /** Cosine similarity, accumulated in double; 0 when either vector is zero. */
    static float cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }
}
