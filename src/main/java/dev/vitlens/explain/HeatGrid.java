package dev.vitlens.explain;

import java.util.Arrays;

/**
 * One value per patch, row-major over a {@code height x width} patch grid. Immutable: accessors copy.
 */
public final class HeatGrid {
    private final int height;
    private final int width;
    private final float[] values;

    private HeatGrid(int height, int width, float[] values) {
        this.height = height;
        this.width = width;
        this.values = values;
    }

    /** Copies {@code rowMajor}, which must hold {@code height * width} values. */
    public static HeatGrid of(int height, int width, float[] rowMajor) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("grid must be at least 1x1, got " + height + "x" + width);
        }
        if (rowMajor.length != height * width) {
            throw new IllegalArgumentException("grid " + height + "x" + width + " needs " + height * width
                    + " values, got " + rowMajor.length);
        }
        return new HeatGrid(height, width, rowMajor.clone());
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int size() {
        return values.length;
    }

    public float at(int row, int col) {
        if (row < 0 || row >= height || col < 0 || col >= width) {
            throw new IndexOutOfBoundsException("(" + row + "," + col + ") outside " + height + "x" + width);
        }
        return values[row * width + col];
    }

    /** A copy of the values, row-major. */
    public float[] values() {
        return values.clone();
    }

    /** A copy as {@code [height][width]}. */
    public float[][] toRows() {
        float[][] rows = new float[height][];
        for (int r = 0; r < height; r++) {
            rows[r] = Arrays.copyOfRange(values, r * width, (r + 1) * width);
        }
        return rows;
    }

    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (float v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** Row-major index of the largest value (first one on ties). */
    public int argMax() {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Min-max scaled to [0, 1] for display. A constant grid maps to all zeros (nothing stands out).
     */
    public HeatGrid normalized() {
        float lo = min();
        float hi = max();
        float[] out = new float[values.length];
        float range = hi - lo;
        if (range > 0 && Float.isFinite(range)) {
            for (int i = 0; i < values.length; i++) {
                out[i] = (values[i] - lo) / range;
            }
        }
        return new HeatGrid(height, width, out);
    }

    /** Row-major indices of the {@code k} largest values, largest first. */
    public int[] topIndices(int k) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(values[b], values[a]));
        int n = Math.min(Math.max(k, 0), order.length);
        int[] top = new int[n];
        for (int i = 0; i < n; i++) {
            top[i] = order[i];
        }
        return top;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeatGrid g && g.height == height && g.width == width && Arrays.equals(g.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "HeatGrid[" + height + "x" + width + ", min=" + min() + ", max=" + max() + "]";
    }
}
