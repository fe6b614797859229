package dev.vitlens.catalog;

import java.util.Locale;
import java.util.Optional;

/** The Vision Transformer families ViTLens understands, and what differs between them for explanations. */
public enum Family {
    /** [CLS] token, absolute position embeddings, head on the CLS token. */
    VIT("ViT", 1),
    /** [CLS] and distillation tokens; logits are the mean of the two heads. */
    DEIT("DeiT", 2),
    /** [CLS] in the sequence, relative position bias, head on the mean of the patch tokens. */
    BEIT("BEiT", 1);

    private final String displayName;
    private final int prefixTokens;

    Family(String displayName, int prefixTokens) {
        this.displayName = displayName;
        this.prefixTokens = prefixTokens;
    }

    public String displayName() {
        return displayName;
    }

    /** Tokens before the patch tokens in the sequence (CLS, and DIST for DeiT). */
    public int prefixTokens() {
        return prefixTokens;
    }

    /** Maps a Hugging Face {@code model_type} to a family. */
    public static Optional<Family> fromModelType(String modelType) {
        if (modelType == null) {
            return Optional.empty();
        }
        return switch (modelType.toLowerCase(Locale.ROOT)) {
            case "vit" -> Optional.of(VIT);
            case "deit" -> Optional.of(DEIT);
            case "beit", "data2vec-vision" -> Optional.of(BEIT);
            default -> Optional.empty();
        };
    }
}
