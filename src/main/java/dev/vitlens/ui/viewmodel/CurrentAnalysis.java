package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.method.Explanation;

import java.util.Objects;

/**
 * What the workbench shows right now: the image, the model that ran, its analysis and the explanation drawn over it.
 * Immutable; {@link SessionViewModel#currentProperty()} replaces it whenever any part changes, so views (and
 * {@code ui.WorkbenchPage}s) bind to one value.
 *
 * @param explanation the explanation shown, or null when the model cannot give what the method needs
 */
public record CurrentAnalysis(DecodedImage image, ModelEntry model, Analysis analysis, Explanation explanation) {

    public CurrentAnalysis {
        Objects.requireNonNull(image);
        Objects.requireNonNull(model);
        Objects.requireNonNull(analysis);
    }

    CurrentAnalysis withExplanation(Explanation replaced) {
        return new CurrentAnalysis(image, model, analysis, replaced);
    }
}
