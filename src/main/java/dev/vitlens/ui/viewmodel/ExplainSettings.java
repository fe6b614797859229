package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;

/**
 * Everything the attention explorer lets the user choose.
 *
 * @param layer        last layer included (rollout) or the layer shown (raw attention); 0-based
 * @param discardRatio fraction of the weakest attention dropped per layer in rollout, [0, 1)
 */
public record ExplainSettings(ExplanationMethod method, int layer, HeadChoice head, QueryChoice query,
                              double discardRatio) {

    public static ExplainSettings defaults(int layers) {
        return new ExplainSettings(ExplanationMethods.defaultMethod(), Math.max(0, layers - 1), HeadChoice.MEAN, QueryChoice.AUTO,
                0.9);
    }
}
