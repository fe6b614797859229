package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.method.Explanation;

import java.util.Objects;

/**
 * What the workbench shows right now: the image, the model that ran, its analysis and the explanation drawn over it.
 * Immutable; {@link SessionViewModel#currentProperty()} replaces it whenever any part changes, so views (and
 * {@code ui.WorkbenchPage}s) bind to one value.
 *
 * @param image       the image on screen (a photo, even while one of its faces is analysed)
 * @param explanation the explanation shown, or null when the model cannot give what the method needs
 * @param analysed    what the model ran on: {@code image} itself, or a part of it (a face crop), whose analysis's
 *                    region then says where on {@code image} the part lies
 */
public record CurrentAnalysis(DecodedImage image, ModelEntry model, Analysis analysis, Explanation explanation,
                              DecodedImage analysed) {

    public CurrentAnalysis {
        Objects.requireNonNull(image);
        Objects.requireNonNull(model);
        Objects.requireNonNull(analysis);
        analysed = analysed == null ? image : analysed;
    }

    /** The whole image analysed. */
    public CurrentAnalysis(DecodedImage image, ModelEntry model, Analysis analysis, Explanation explanation) {
        this(image, model, analysis, explanation, image);
    }

    /** Whether the analysis is of a part of the image (a face) rather than the whole of it. */
    public boolean isPart() {
        return analysed != image;
    }

    CurrentAnalysis withExplanation(Explanation replaced) {
        return new CurrentAnalysis(image, model, analysis, replaced, analysed);
    }
}
