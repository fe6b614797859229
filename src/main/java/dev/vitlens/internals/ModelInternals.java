package dev.vitlens.internals;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;

/**
 * What one forward pass shows of a model's inside, for the teaching views. Computed once per image in the
 * background; every view redraws from it without running the model again.
 *
 * @param model                 the model as the user chose it
 * @param pixels                the preprocessed input {@code [3 * height * width]}
 * @param probabilities         softmax of the model's logits (empty for a backbone without head)
 * @param attentions            post-softmax attentions {@code [layer][head][T][T]}, or null (see the reason)
 * @param hiddenStates          the residual stream {@code [L + 1][T][D]}: index 0 is the embeddings entering layer
 *                              0, index i the output of layer i - 1, index L the last layer's output before the
 *                              final norm; or null (see the reason)
 * @param noAttentionsReason    why there are no attentions, or empty
 * @param noHiddenStatesReason  why there are no hidden states, or empty
 */
public record ModelInternals(ModelInfo model, float[] pixels, float[] probabilities, float[][][][] attentions,
                             float[][][] hiddenStates, String noAttentionsReason, String noHiddenStatesReason) {

    public ModelInternals {
        noAttentionsReason = noAttentionsReason == null ? "" : noAttentionsReason;
        noHiddenStatesReason = noHiddenStatesReason == null ? "" : noHiddenStatesReason;
    }

    public TokenLayout layout() {
        return model.layout();
    }

    public boolean hasAttentions() {
        return attentions != null;
    }

    public boolean hasHiddenStates() {
        return hiddenStates != null;
    }
}
