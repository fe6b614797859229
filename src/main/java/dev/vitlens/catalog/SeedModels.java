package dev.vitlens.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The seed models: the public checkpoints ViTLens targets (issue 18), which a user exports and imports themselves.
 * The workbench's model picker lists those not yet installed with their two commands.
 */
public final class SeedModels {

    private static final List<SeedModel> ALL = List.of(
            new SeedModel("vit-base-patch16-224", "ViT base", Family.VIT, "google/vit-base-patch16-224",
                    "image-classification"),
            new SeedModel("vit-base-patch16-224-in21k", "ViT base in21k (backbone)", Family.VIT,
                    "google/vit-base-patch16-224-in21k", "feature-extraction"),
            new SeedModel("beit-base-patch16-224", "BEiT base", Family.BEIT, "microsoft/beit-base-patch16-224",
                    "image-classification"),
            new SeedModel("deit-facemask", "DeiT face-mask", Family.DEIT, "AkshatSurolia/DeiT-FaceMask-Finetuned",
                    "image-classification"));

    private SeedModels() {
    }

    /** In the README's order. */
    public static List<SeedModel> all() {
        return ALL;
    }

    public static Optional<SeedModel> find(String id) {
        return ALL.stream().filter(s -> s.id().equals(id)).findFirst();
    }
}
