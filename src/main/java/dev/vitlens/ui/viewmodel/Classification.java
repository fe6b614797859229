package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.TokenLayout;

import java.util.List;

/**
 * One classification run.
 *
 * @param top              top-k predictions, best first
 * @param layout           how tokens map onto the image (patch grid, layers, heads)
 * @param preprocessMillis resize/normalise time
 * @param inferenceMillis  model run time
 * @param device           device that ran it ("CUDA" or "CPU")
 * @param deviceNote       why that device (CUDA fallback reason), or empty
 * @param attentions       backend-owned attention data for explanations (opaque to the UI), or null
 */
public record Classification(String modelId, List<Prediction> top, TokenLayout layout, double preprocessMillis,
                             double inferenceMillis, String device, String deviceNote, Object attentions) {

    public Classification {
        top = List.copyOf(top);
        deviceNote = deviceNote == null ? "" : deviceNote;
    }

    public boolean hasAttentions() {
        return attentions != null;
    }
}
