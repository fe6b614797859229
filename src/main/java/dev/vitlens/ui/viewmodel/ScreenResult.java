package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.method.Explanation;

import javafx.scene.image.Image;

/**
 * Everything one run produces for the screen, computed off the FX thread.
 *
 * @param decoded      the image on screen
 * @param analysed     what the model ran on: {@code decoded}, or a part of it (a face crop)
 * @param heatmap      the explanation, or null when the model cannot give what the method needs
 * @param heatmapImage the coloured heatmap, or null with {@code heatmap}
 * @param settings     the explorer settings actually used (fitted to the model)
 */
record ScreenResult(DecodedImage decoded, DecodedImage analysed, Image image, ModelEntry model,
                    Analysis classification, Explanation heatmap, Image heatmapImage, ExplainSettings settings) {
}
