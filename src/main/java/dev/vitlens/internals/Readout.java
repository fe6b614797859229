package dev.vitlens.internals;

import dev.vitlens.inference.InferenceException;

import java.util.Map;

/**
 * The model's own read-out, from a hidden state to logits (final norm, pooling or [CLS]/[DIST], classifier), cut
 * out of its graph so it can be applied to any layer's hidden state: the logit lens. Applied to the last layer's
 * state it reproduces the model's logits.
 */
public interface Readout extends AutoCloseable {

    /**
     * @param hidden {@code [batch][tokens][D]} hidden states (tokens may be fewer than the model's sequence when the
     *               read-out allows it, e.g. 2 equal rows to read one token as if it were every token)
     */
    Result apply(float[][][] hidden) throws InferenceException;

    /**
     * Whether a state of 2 equal rows is read exactly like a full-length state of that row, so one token can be read
     * as if it were every token with 2 rows instead of T (checked when the read-out is opened).
     */
    default boolean readsTwoTokenStates() {
        return false;
    }

    /**
     * @param logits {@code [batch][classes]}
     * @param heads  per classifier head, its own logits before they are combined (DeiT: "cls" and "distillation");
     *               empty for single-head models
     */
    record Result(float[][] logits, Map<String, float[][]> heads) {
        public Result {
            // keep the producer's order ("cls" before "distillation"): JSON and charts list heads in it
            heads = heads == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(heads));
        }
    }

    @Override
    void close();
}
