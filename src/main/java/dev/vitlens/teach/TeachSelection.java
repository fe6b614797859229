package dev.vitlens.teach;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

/**
 * The linked selection every teaching view reads: picking a patch or a layer in one view sets it in all.
 *
 * @param layer encoder layer, 0-based (views over hidden states show that layer's output)
 * @param head  attention head, 0-based
 * @param query the query token whose attention the views show, 0-based over the whole sequence (prefix tokens
 *              first: 0 is [CLS], 1 is [DIST] in DeiT, then the patches row-major)
 * @param patch the picked patch, 0-based row-major over the patch grid (prefix tokens not counted)
 */
public record TeachSelection(int layer, int head, int query, int patch) {

    public TeachSelection {
        if (layer < 0 || head < 0 || query < 0 || patch < 0) {
            throw new IllegalArgumentException("selection indices must be 0 or more, got layer " + layer + ", head "
                    + head + ", query " + query + ", patch " + patch);
        }
    }

    /** The last layer, head 0, the first token ([CLS]) as query, and the centre patch. */
    public static TeachSelection defaults(TokenLayout layout) {
        int centre = (layout.gridHeight() / 2) * layout.gridWidth() + layout.gridWidth() / 2;
        return new TeachSelection(Math.max(0, layout.layers() - 1), 0, 0, centre);
    }

    public TeachSelection withLayer(int l) {
        return new TeachSelection(l, head, query, patch);
    }

    public TeachSelection withHead(int h) {
        return new TeachSelection(layer, h, query, patch);
    }

    public TeachSelection withQuery(int q) {
        return new TeachSelection(layer, head, q, patch);
    }

    public TeachSelection withPatch(int p) {
        return new TeachSelection(layer, head, query, p);
    }

    /** The picked patch as the query token (a student clicks a patch to see what it attends to). */
    public TeachSelection queryingPatch(TokenLayout layout) {
        return withQuery(layout.prefixTokens() + patch);
    }

    public int patchRow(TokenLayout layout) {
        return patch / layout.gridWidth();
    }

    public int patchColumn(TokenLayout layout) {
        return patch % layout.gridWidth();
    }

    /**
     * This selection if it fits the model.
     *
     * @throws IllegalArgumentException naming the first index outside the model's range
     */
    public TeachSelection checked(TokenLayout layout) {
        if (layer >= layout.layers()) {
            throw new IllegalArgumentException("layer " + layer + " is outside 0.." + (layout.layers() - 1));
        }
        if (head >= layout.heads()) {
            throw new IllegalArgumentException("head " + head + " is outside 0.." + (layout.heads() - 1));
        }
        if (query >= layout.tokens()) {
            throw new IllegalArgumentException("query token " + query + " is outside 0.." + (layout.tokens() - 1));
        }
        if (patch >= layout.patches()) {
            throw new IllegalArgumentException("patch " + patch + " is outside 0.." + (layout.patches() - 1)
                    + " (a " + layout.gridHeight() + "x" + layout.gridWidth() + " grid)");
        }
        return this;
    }

    /** "[CLS]", "[DIST]", "patch (2, 3)". */
    public static String tokenLabel(int token, TokenLayout layout, Family family) {
        if (token < layout.prefixTokens()) {
            return token == 0 ? "[CLS]" : family == Family.DEIT && token == 1 ? "[DIST]" : "prefix " + token;
        }
        int p = token - layout.prefixTokens();
        return "patch (" + p / layout.gridWidth() + ", " + p % layout.gridWidth() + ")";
    }
}
