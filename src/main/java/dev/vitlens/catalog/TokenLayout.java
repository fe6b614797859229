package dev.vitlens.catalog;

/**
 * How a transformer's token sequence maps onto the image: prefix tokens first, then the patch grid row-major.
 *
 * @param prefixTokens tokens before the patches (1 for ViT/BEiT, 2 for DeiT)
 * @param gridHeight   patch rows
 * @param gridWidth    patch columns
 * @param patchSize    pixels per patch side, in the model's input resolution
 * @param layers       encoder layers
 * @param heads        attention heads per layer
 */
public record TokenLayout(int prefixTokens, int gridHeight, int gridWidth, int patchSize, int layers, int heads) {

    public TokenLayout {
        if (prefixTokens < 0 || gridHeight <= 0 || gridWidth <= 0 || patchSize <= 0 || layers < 0 || heads < 0) {
            throw new IllegalArgumentException("invalid token layout: prefix=" + prefixTokens + " grid=" + gridHeight
                    + "x" + gridWidth + " patch=" + patchSize + " layers=" + layers + " heads=" + heads);
        }
    }

    public int patches() {
        return gridHeight * gridWidth;
    }

    /** Sequence length T = prefix tokens + patches. */
    public int tokens() {
        return prefixTokens + patches();
    }

    /**
     * Why a model's sequence of {@code actual} tokens does not fit this layout, for the end of an error message: a
     * sequence of the patches alone is a model without [CLS] (pure mean pooling), which the ViT, DeiT and BEiT
     * layouts cannot describe; their teaching views and maps read [CLS] as token 0.
     */
    public String tokenMismatchHint(long actual) {
        if (actual == patches() && prefixTokens > 0) {
            return ": that is the " + patches() + " patches alone, so the model has no [CLS] token (pure mean"
                    + " pooling?). ViTLens reads the Hugging Face ViT, DeiT and BEiT layouts, whose sequence starts"
                    + " with [CLS]" + (prefixTokens == 2 ? " and [DIST]" : "") + "; a model without it cannot be"
                    + " imported";
        }
        return "";
    }

    /** Token index of patch (row, col). */
    public int tokenOfPatch(int row, int col) {
        return prefixTokens + row * gridWidth + col;
    }
}
