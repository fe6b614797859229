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

    /** Token index of patch (row, col). */
    public int tokenOfPatch(int row, int col) {
        return prefixTokens + row * gridWidth + col;
    }
}
