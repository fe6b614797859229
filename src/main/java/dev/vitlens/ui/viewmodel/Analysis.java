package dev.vitlens.ui.viewmodel;

import javafx.scene.image.Image;

/**
 * Everything one run produces for the screen, computed off the FX thread.
 *
 * @param heatmap      the explanation, or null when the model exposes no attentions
 * @param heatmapImage the coloured heatmap, or null with {@code heatmap}
 * @param settings     the explorer settings actually used (fitted to the model)
 */
record Analysis(DecodedImage decoded, Image image, ModelEntry model, Classification classification, Heatmap heatmap,
                Image heatmapImage, ExplainSettings settings) {
}
