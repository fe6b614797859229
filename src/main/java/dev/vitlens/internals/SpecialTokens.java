package dev.vitlens.internals;

import dev.vitlens.catalog.Family;
import dev.vitlens.inference.InferenceException;

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
            headProbabilities = headProbabilities == null ? Map.of() : headProbabilities;
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
        throw new UnsupportedOperationException("not implemented yet");
    }
}
