package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

import java.util.Locale;

/**
 * Which query token(s) an explanation is taken from. A query is a weighting of rows of the attention matrices:
 * a single token's row, or the mean of several rows. Because rollout and raw attention are linear in the query,
 * the mean of rows equals the row of the mean weighting.
 */
public sealed interface Query {

    /** Picks what the family's classifier reads: CLS (ViT), mean of CLS and DIST (DeiT), mean of patches (BEiT). */
    record Auto() implements Query { }

    /** The [CLS] token row. */
    record Cls() implements Query { }

    /** The DeiT distillation token row. */
    record Dist() implements Query { }

    /** Mean of the [CLS] and [DIST] rows: DeiT's logits average its two heads. */
    record ClsDist() implements Query { }

    /** Mean of all patch rows: BEiT classifies the mean-pooled patch tokens. */
    record MeanPatches() implements Query { }

    /** A single patch token, {@code index} counted row-major among the patches (0-based). */
    record Patch(int index) implements Query {
        public Patch {
            if (index < 0) {
                throw new IllegalArgumentException("patch index must be >= 0, got " + index);
            }
        }
    }

    Query AUTO = new Auto();
    Query CLS = new Cls();
    Query DIST = new Dist();
    Query CLS_DIST = new ClsDist();
    Query MEAN_PATCHES = new MeanPatches();

    /** Parses {@code auto|cls|dist|cls+dist|mean|patch:N}. */
    static Query parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "auto": return AUTO;
            case "cls": return CLS;
            case "dist": return DIST;
            case "cls+dist": return CLS_DIST;
            case "mean": return MEAN_PATCHES;
            default: break;
        }
        if (t.startsWith("patch:")) {
            try {
                return new Patch(Integer.parseInt(t.substring("patch:".length()).trim()));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("unknown query '" + text + "': expected auto, cls, dist, cls+dist, mean or patch:N");
    }

    /** Resolves {@link Auto} to the family's own query; other queries are returned unchanged. */
    default Query resolve(Family family) {
        if (!(this instanceof Auto)) {
            return this;
        }
        return switch (family) {
            case VIT -> CLS;
            case DEIT -> CLS_DIST;
            case BEIT -> MEAN_PATCHES;
        };
    }

    /**
     * The row weighting over all T tokens (sums to 1).
     *
     * @throws IllegalArgumentException if the query needs a token the layout does not have
     */
    default double[] weights(Family family, TokenLayout layout) {
        Query q = resolve(family);
        double[] w = new double[layout.tokens()];
        if (q instanceof Cls) {
            requirePrefix(layout, 1, q, "a [CLS] token");
            w[0] = 1;
        } else if (q instanceof Dist) {
            requirePrefix(layout, 2, q, "a distillation token, which only DeiT models have");
            w[1] = 1;
        } else if (q instanceof ClsDist) {
            requirePrefix(layout, 2, q, "a distillation token, which only DeiT models have");
            w[0] = 0.5;
            w[1] = 0.5;
        } else if (q instanceof MeanPatches) {
            double each = 1.0 / layout.patches();
            for (int p = 0; p < layout.patches(); p++) {
                w[layout.prefixTokens() + p] = each;
            }
        } else if (q instanceof Patch patch) {
            if (patch.index() >= layout.patches()) {
                throw new IllegalArgumentException("patch " + patch.index() + " is outside the " + layout.gridHeight()
                        + "x" + layout.gridWidth() + " grid (" + layout.patches() + " patches)");
            }
            w[layout.prefixTokens() + patch.index()] = 1;
        } else {
            throw new AssertionError(q);
        }
        return w;
    }

    /** Short label, the same text {@link #parse} accepts. */
    default String label() {
        if (this instanceof Auto) {
            return "auto";
        } else if (this instanceof Cls) {
            return "cls";
        } else if (this instanceof Dist) {
            return "dist";
        } else if (this instanceof ClsDist) {
            return "cls+dist";
        } else if (this instanceof MeanPatches) {
            return "mean";
        } else {
            return "patch:" + ((Patch) this).index();
        }
    }

    private static void requirePrefix(TokenLayout layout, int needed, Query q, String what) {
        if (layout.prefixTokens() < needed) {
            throw new IllegalArgumentException("query '" + q.label() + "' needs " + what + " (this model has "
                    + layout.prefixTokens() + " prefix token(s))");
        }
    }
}
