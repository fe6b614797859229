package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

/** One layer's attention from a query token (or mean of query tokens) to the patches, for one head or fused heads. */
public final class RawAttention {
    private RawAttention() {
    }

    /**
     * @param layer 0-based encoder layer
     * @param head  a head index or a fusion of all heads
     * @param query whose row(s) to read; multi-row queries average the rows
     * @return attention over the patch columns as a grid (prefix-token columns are left out, so values need not sum to 1)
     */
    public static HeatGrid compute(float[][][][] attentions, TokenLayout layout, Family family,
                                   int layer, HeadSelection head, Query query) {
        return Attentions.patchColumns(row(attentions, layout, family, layer, head, query), layout);
    }

    /** One grid per head of {@code layer}, for small-multiple views. */
    public static HeatGrid[] perHead(float[][][][] attentions, TokenLayout layout, Family family, int layer, Query query) {
        Attentions.validate(attentions, layout, family);
        if (layer < 0 || layer >= attentions.length) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (attentions.length - 1));
        }
        HeatGrid[] grids = new HeatGrid[attentions[layer].length];
        for (int h = 0; h < grids.length; h++) {
            grids[h] = compute(attentions, layout, family, layer, HeadSelection.head(h), query);
        }
        return grids;
    }

    /** The query's attention row over all T tokens. */
    public static double[] row(float[][][][] attentions, TokenLayout layout, Family family,
                               int layer, HeadSelection head, Query query) {
        Attentions.validate(attentions, layout, family);
        if (layer < 0 || layer >= attentions.length) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (attentions.length - 1));
        }
        float[][][] heads = attentions[layer];
        if (head instanceof HeadSelection.Single single && single.head() >= heads.length) {
            throw new IllegalArgumentException("head " + single.head() + " outside 0.." + (heads.length - 1));
        }
        double[] weights = query.weights(family, layout);
        double[] out = new double[layout.tokens()];
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] == 0) {
                continue;
            }
            float[] src = head instanceof HeadSelection.Single single
                    ? heads[single.head()][i]
                    : ((HeadSelection.Fused) head).fusion().fuseRow(heads, i);
            for (int j = 0; j < out.length; j++) {
                out[j] += weights[i] * src[j];
            }
        }
        return out;
    }
}
