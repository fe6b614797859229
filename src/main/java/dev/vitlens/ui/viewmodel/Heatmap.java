package dev.vitlens.ui.viewmodel;

/**
 * A relevance map over the patch grid, as the explain package computed it.
 *
 * @param values      [gridHeight][gridWidth], any range (renderers normalise)
 * @param signed      true when values are signed around zero (diverging colormap fits)
 * @param millis      time spent computing it
 * @param description what it shows, e.g. "rollout, CLS query, discard 0.90"
 */
public record Heatmap(float[][] values, boolean signed, double millis, String description) {

    public int gridHeight() {
        return values.length;
    }

    public int gridWidth() {
        return values.length == 0 ? 0 : values[0].length;
    }
}
