package dev.vitlens.camera;

/**
 * A per-face relevance map (e.g. attention rollout over the patch grid), row-major values in [0, 1].
 *
 * @param columns grid width
 * @param rows    grid height
 * @param values  {@code rows * columns} values
 */
public record Heatmap(int columns, int rows, float[] values) {
    public Heatmap {
        if (columns <= 0 || rows <= 0 || values.length != columns * rows) {
            throw new IllegalArgumentException("heatmap needs columns*rows values: " + columns + "x" + rows + " vs "
                    + values.length);
        }
    }

    public float at(int column, int row) {
        return values[row * columns + column];
    }
}
