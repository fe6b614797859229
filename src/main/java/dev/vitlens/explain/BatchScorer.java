package dev.vitlens.explain;

/**
 * Scores a batch of preprocessed images: the bridge from model-agnostic explanations to whatever runs the model.
 * Implementations wrap failures in an unchecked exception, which propagates to the caller of the explanation.
 */
@FunctionalInterface
public interface BatchScorer {
    /**
     * @param inputsCHW each element one image as {@code [channels * height * width]} floats, channel-major, already
     *                  normalised as the model expects
     * @return for each input, one score per class (logits or probabilities, see {@link OcclusionSensitivity.ScoreKind})
     */
    float[][] scoreBatch(float[][] inputsCHW);
}
