package dev.vitlens.teach;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.internals.InternalsSession;
import dev.vitlens.internals.ModelInternals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mean attention distance averaged over the model's sample images (the ViT paper averages over 128 images,
 * probing-vits over 1,000): each sample is run once and its distance table added to the mean.
 */
public final class SampleDistance {

    /** The average and the samples that could not be used, with why. */
    public record Result(AttentionDistance.Average average, List<Path> used, List<String> skipped) {
    }

    private SampleDistance() {
    }

    /**
     * The model's samples ({@code vitlens.json}), each relative to the model folder or, for bundled models, to the
     * project folder above {@code models/} (where {@code assets/samples} lives); missing files are left out.
     */
    public static List<Path> samples(ModelInfo model, Optional<Path> projectRoot) {
        List<Path> found = new ArrayList<>();
        for (String sample : model.meta().samples()) {
            Path inModel = model.dir().resolve(sample);
            Optional<Path> inProject = projectRoot.map(root -> root.resolve(sample));
            if (Files.isRegularFile(inModel)) {
                found.add(inModel);
            } else if (inProject.isPresent() && Files.isRegularFile(inProject.get())) {
                found.add(inProject.get());
            }
        }
        return found;
    }

    /**
     * Runs every image and averages the distance tables.
     *
     * @throws IllegalArgumentException when no image gives attentions (the message says why)
     * @throws InferenceException       when the model fails to run
     */
    public static Result average(InternalsSession session, List<Path> images) throws InferenceException {
        List<AttentionDistance.Table> tables = new ArrayList<>();
        List<Path> used = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        ModelInfo model = session.model();
        Preprocessor pre = Preprocessor.forModel(model);
        for (Path image : images) {
            ModelInternals internals;
            try {
                internals = session.analyse(ImageDecoder.decode(image, pre.neededShortSide()).image());
            } catch (ImageDecodeException e) {
                skipped.add(image + ": " + e.getMessage());
                continue;
            }
            if (!internals.hasAttentions()) {
                throw new IllegalArgumentException("model \"" + model.id() + "\" gives no attentions: "
                        + internals.noAttentionsReason());
            }
            tables.add(AttentionDistance.compute(internals.attentions(), internals.layout()));
            used.add(image);
        }
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("model \"" + model.id() + "\" has no usable sample images"
                    + (skipped.isEmpty() ? " (vitlens.json lists none that exist)" : ": " + String.join("; ", skipped)));
        }
        return new Result(AttentionDistance.average(tables), List.copyOf(used), List.copyOf(skipped));
    }
}
