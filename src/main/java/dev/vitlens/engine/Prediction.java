package dev.vitlens.engine;

/**
 * One class of a top-k list.
 *
 * @param label class name
 * @param index class index in the model's logits
 * @param score softmax probability
 */
public record Prediction(String label, int index, float score) {
}
