package dev.vitlens.engine;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;

import java.util.Objects;

/**
 * The one analysis pipeline, shared by the CLI and the workbench: model to decoded image to pixels to a run to
 * top-k to explanations. This class opens models; a {@link ModelSession} runs them. No JavaFX, no printing.
 */
public final class AnalysisEngine {

    /** Whether a session should make sure the model can give attention maps. */
    public enum AttentionOutputs {
        /** Run the model as exported (classification only, or perturbation methods). */
        AS_EXPORTED,
        /** Add attention outputs to a derived copy when missing; failing to is an error. */
        REQUIRED,
        /** Add them when missing and possible; otherwise run as exported and say why there are none. */
        IF_POSSIBLE
    }

    private final RunnerOptions options;
    private final AttentionModelCache attentionModels;

    public AnalysisEngine(RunnerOptions options, AttentionModelCache attentionModels) {
        this.options = Objects.requireNonNull(options);
        this.attentionModels = Objects.requireNonNull(attentionModels);
    }

    /** The standard cache of derived models ({@link AttentionModelCache#standard()}). */
    public static AnalysisEngine standard(RunnerOptions options) {
        return new AnalysisEngine(options, AttentionModelCache.standard());
    }

    public RunnerOptions options() {
        return options;
    }

    /**
     * Opens {@code info} for analysis; the caller closes the session.
     *
     * @throws ModelLoadException when the model cannot be loaded, or attention outputs are REQUIRED and cannot be
     *                            added (the message says why: no attention Softmax found, external data, ...)
     */
    public ModelSession open(ModelInfo info, AttentionOutputs attentions) throws ModelLoadException {
        ModelInfo runnable = info;
        boolean added = false;
        String noAttentions = "";
        double deriveMillis = 0;
        if (attentions != AttentionOutputs.AS_EXPORTED && !info.hasAttentions()) {
            long start = System.nanoTime();
            try {
                AttentionModelCache.Resolved resolved = attentionModels.withAttentions(info);
                runnable = resolved.model();
                added = resolved.derived();
            } catch (ModelLoadException e) {
                if (attentions == AttentionOutputs.REQUIRED) {
                    throw e;
                }
                noAttentions = e.getMessage();
            }
            deriveMillis = (System.nanoTime() - start) / 1e6;
        } else if (!info.hasAttentions()) {
            noAttentions = "model " + info.id() + " exports no attentions";
        }
        return ModelSession.open(info, runnable, added, noAttentions, deriveMillis, options);
    }
}
