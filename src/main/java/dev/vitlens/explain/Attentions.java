package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

/** Shape checks and helpers for one image's post-softmax attentions {@code float[layers][heads][T][T]}. */
public final class Attentions {
    private Attentions() {
    }

    /**
     * Checks that {@code attentions} is {@code [layers][heads][T][T]} with T matching the layout and the layout
     * matching the family's prefix tokens.
     *
     * @throws IllegalArgumentException with a message naming the first mismatch
     */
    public static void validate(float[][][][] attentions, TokenLayout layout, Family family) {
        if (family.prefixTokens() != layout.prefixTokens()) {
            throw new IllegalArgumentException(family.displayName() + " has " + family.prefixTokens()
                    + " prefix token(s) but the token layout says " + layout.prefixTokens());
        }
        if (attentions == null || attentions.length == 0) {
            throw new IllegalArgumentException("no attention layers given");
        }
        int tokens = layout.tokens();
        int heads = -1;
        for (int l = 0; l < attentions.length; l++) {
            float[][][] layer = attentions[l];
            if (layer == null || layer.length == 0) {
                throw new IllegalArgumentException("layer " + l + " has no heads");
            }
            if (heads < 0) {
                heads = layer.length;
            } else if (layer.length != heads) {
                throw new IllegalArgumentException("layer " + l + " has " + layer.length + " heads, layer 0 has " + heads);
            }
            for (int h = 0; h < layer.length; h++) {
                float[][] m = layer[h];
                if (m == null || m.length != tokens) {
                    throw new IllegalArgumentException("layer " + l + " head " + h + " has " + (m == null ? 0 : m.length)
                            + " query rows; the " + layout.gridHeight() + "x" + layout.gridWidth() + " grid with "
                            + layout.prefixTokens() + " prefix token(s) needs " + tokens);
                }
                for (int r = 0; r < tokens; r++) {
                    if (m[r] == null || m[r].length != tokens) {
                        throw new IllegalArgumentException("layer " + l + " head " + h + " row " + r + " has "
                                + (m[r] == null ? 0 : m[r].length) + " columns, expected " + tokens);
                    }
                }
            }
        }
    }

    /**
     * Reshapes per-layer flat outputs (as ONNX Runtime returns {@code attentions.i}, {@code [1, heads, T, T]} C order)
     * into {@code [layers][heads][T][T]}. Also takes {@code attention_mean.i} ({@code [1, T, T]}) with heads = 1: the
     * in-graph head mean, for which mean fusion is the identity.
     */
    public static float[][][][] fromFlat(float[][] perLayer, int heads, int tokens) {
        float[][][][] out = new float[perLayer.length][heads][tokens][tokens];
        for (int l = 0; l < perLayer.length; l++) {
            if (perLayer[l].length != heads * tokens * tokens) {
                throw new IllegalArgumentException("layer " + l + " has " + perLayer[l].length + " values, expected "
                        + heads + "x" + tokens + "x" + tokens + " (batch 1)");
            }
            int k = 0;
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tokens; i++) {
                    System.arraycopy(perLayer[l], k, out[l][h][i], 0, tokens);
                    k += tokens;
                }
            }
        }
        return out;
    }

    /** The patch columns of a token-length vector, as a grid. */
    static HeatGrid patchColumns(double[] tokenVector, TokenLayout layout) {
        float[] grid = new float[layout.patches()];
        for (int p = 0; p < grid.length; p++) {
            grid[p] = (float) tokenVector[layout.prefixTokens() + p];
        }
        return HeatGrid.of(layout.gridHeight(), layout.gridWidth(), grid);
    }
}
