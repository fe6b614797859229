package dev.vitlens.catalog;

import java.util.Objects;

/**
 * A public Hugging Face checkpoint that ViTLens is made for but does not ship (too large): how to export it with
 * Optimum and import it. README's "Use the real seed models" gives the same commands ({@code SeedModelsDocsTest}).
 *
 * @param id          the id {@code vitlens import} gives it: the export folder's name
 * @param displayName what the model picker calls it before it is installed
 * @param family      the family its name says; once imported, the family comes from its {@code config.json}
 * @param repoId      the Hugging Face repository, e.g. {@code google/vit-base-patch16-224}
 * @param task        Optimum's export task: {@code image-classification}, or {@code feature-extraction} for a
 *                    backbone without a head
 */
public record SeedModel(String id, String displayName, Family family, String repoId, String task) {

    public SeedModel {
        Objects.requireNonNull(id);
        Objects.requireNonNull(displayName);
        Objects.requireNonNull(family);
        Objects.requireNonNull(repoId);
        Objects.requireNonNull(task);
    }

    /** Writes the ONNX export into the folder {@code id/} (needs {@code pip install "optimum[exporters]"}). */
    public String exportCommand() {
        return "optimum-cli export onnx --model " + repoId + " --task " + task + " " + id + "/";
    }

    /** Imports that folder into the user's models under {@link #id()}. */
    public String importCommand() {
        return "vitlens import " + id + "/";
    }

    /** Both commands, one a line, to run in order. */
    public String commands() {
        return exportCommand() + "\n" + importCommand();
    }

    /** Whether this checkpoint has no classification head (classify refuses it; embed and few-shot use it). */
    public boolean backbone() {
        return task.equals("feature-extraction");
    }
}
