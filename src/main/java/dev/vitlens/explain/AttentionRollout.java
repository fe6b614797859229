package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

/**
 * Attention rollout (Abnar &amp; Zuidema 2020, "Quantifying Attention Flow in Transformers").
 *
 * <p>Per layer l the heads are fused into F_l, optionally the weakest patch-to-patch links are discarded, the
 * residual connection is modelled by adding the identity, and each ROW is normalised to sum to 1:
 * Â_l = rownorm(F_l + I). The rollout is R = Â_L ··· Â_1 and the explanation is the query's row of R.
 *
 * <p>Only the query row is needed, so instead of forming R (O(L·T³)) a row vector is pushed from the last layer
 * down: v_L = query weights, v_{l-1} = v_l · Â_l. Each step is one vector-matrix product, O(T²), and fusing the
 * heads costs O(heads·T²), so the whole rollout is O(L·heads·T²).
 */
public final class AttentionRollout {
    private final HeadFusion fusion;
    private final double discardRatio;

    /**
     * @param fusion       how heads are combined per layer
     * @param discardRatio fraction in [0, 1) of the weakest patch-to-patch attentions set to 0 in each fused layer
     *                     (links from or to prefix tokens are never discarded)
     */
    public AttentionRollout(HeadFusion fusion, double discardRatio) {
        if (fusion == null) {
            throw new IllegalArgumentException("head fusion is required");
        }
        if (!(discardRatio >= 0 && discardRatio < 1)) {
            throw new IllegalArgumentException("discard ratio must be in [0, 1), got " + discardRatio);
        }
        this.fusion = fusion;
        this.discardRatio = discardRatio;
    }

    /** Mean fusion, no discarding: the paper's setting. */
    public static AttentionRollout standard() {
        return new AttentionRollout(HeadFusion.MEAN, 0);
    }

    public HeadFusion fusion() {
        return fusion;
    }

    public double discardRatio() {
        return discardRatio;
    }

    /** The rollout of {@code query} over the patch columns, as a grid (raw values; see {@link HeatGrid#normalized()}). */
    public HeatGrid compute(float[][][][] attentions, TokenLayout layout, Family family, Query query) {
        return Attentions.patchColumns(rolloutRow(attentions, layout, family, query), layout);
    }

    /**
     * The query's row of the rollout over all T tokens (prefix tokens included); it sums to 1 because every Â_l is
     * row-stochastic and the query weights sum to 1.
     */
    public double[] rolloutRow(float[][][][] attentions, TokenLayout layout, Family family, Query query) {
        Attentions.validate(attentions, layout, family);
        int tokens = layout.tokens();
        double[] v = query.weights(family, layout);
        double[] w = new double[tokens];
        double[] next = new double[tokens];
        float[][] fused = new float[tokens][tokens];
        for (int l = attentions.length - 1; l >= 0; l--) {
            fuseInto(attentions[l], fused);
            if (discardRatio > 0) {
                discardWeakest(fused, layout.prefixTokens(), discardRatio);
            }
            // Â = rownorm(F + I): Â[i][j] = (F[i][j] + δij) / s_i with s_i = rowsum(F_i) + 1.
            // v·Â = w·F + w with w_i = v_i / s_i.
            for (int i = 0; i < tokens; i++) {
                double rowSum = 1;
                float[] row = fused[i];
                for (int j = 0; j < tokens; j++) {
                    rowSum += row[j];
                }
                w[i] = v[i] / rowSum;
            }
            System.arraycopy(w, 0, next, 0, tokens);
            for (int i = 0; i < tokens; i++) {
                double wi = w[i];
                if (wi == 0) {
                    continue;
                }
                float[] row = fused[i];
                for (int j = 0; j < tokens; j++) {
                    next[j] += wi * row[j];
                }
            }
            double[] swap = v;
            v = next;
            next = swap;
        }
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("attentions contain NaN or infinite values");
            }
        }
        return v;
    }

    private void fuseInto(float[][][] heads, float[][] out) {
        for (int i = 0; i < out.length; i++) {
            fusion.fuseRowInto(heads, i, out[i]);
        }
    }

    /**
     * Sets to 0 the {@code floor(ratio · P²)} smallest entries among the patch-to-patch block (rows and columns
     * {@code >= prefix}); ties are broken in row-major order. Rows and columns of prefix tokens are kept: dropping
     * the CLS column would cut the path the classifier reads.
     */
    static void discardWeakest(float[][] fused, int prefix, double ratio) {
        int tokens = fused.length;
        int patches = tokens - prefix;
        int eligible = patches * patches;
        int drop = (int) Math.floor(ratio * eligible);
        if (drop <= 0) {
            return;
        }
        float[] block = new float[eligible];
        int k = 0;
        for (int i = prefix; i < tokens; i++) {
            System.arraycopy(fused[i], prefix, block, k, patches);
            k += patches;
        }
        float threshold = FloatSelect.kthSmallest(block, drop - 1);
        // Everything strictly below the threshold goes; then entries equal to it until `drop` are gone.
        int belowCount = 0;
        for (int i = prefix; i < tokens; i++) {
            float[] row = fused[i];
            for (int j = prefix; j < tokens; j++) {
                if (row[j] < threshold) {
                    belowCount++;
                }
            }
        }
        int equalToDrop = drop - belowCount;
        for (int i = prefix; i < tokens; i++) {
            float[] row = fused[i];
            for (int j = prefix; j < tokens; j++) {
                float x = row[j];
                if (x < threshold) {
                    row[j] = 0;
                } else if (x == threshold && equalToDrop > 0) {
                    row[j] = 0;
                    equalToDrop--;
                }
            }
        }
    }
}
