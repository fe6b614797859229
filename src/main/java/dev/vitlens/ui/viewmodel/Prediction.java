package dev.vitlens.ui.viewmodel;

/** One of the top-k labels with its softmax probability. */
public record Prediction(int classIndex, String label, double probability) {
}
