package dev.vitlens.internals;

import dev.vitlens.inference.InferenceException;

/**
 * The logit lens: the model's own read-out applied to every layer's hidden state, and to every patch token of it
 * read as if it were what the read-out pools.
 */
public final class LogitLens {

    private LogitLens() {
    }

    /**
     * @param layerProbabilities {@code [L + 1][classes]}: softmax of the read-out of hidden state i (index 0 the
     *                           embeddings, index L the last layer: the model's own probabilities)
     * @param patchProbabilities {@code [L + 1][patches][classes]}: softmax of the read-out of one patch token of
     *                           hidden state i, fed as if it were the pooled token(s)
     */
    public record Result(float[][] layerProbabilities, float[][][] patchProbabilities) {
    }

    /**
     * @throws InferenceException    when the read-out fails to run
     * @throws IllegalArgumentException when {@code internals} carry no hidden states
     */
    public static Result compute(ModelInternals internals, Readout readout) throws InferenceException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
