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
 * @param region           the part of the image the model saw (centre crops see less than the whole image)
 */
public record Classification(String modelId, List<Prediction> top, TokenLayout layout, double preprocessMillis,
                             double inferenceMillis, String device, String deviceNote, Object attentions,
                             ImageRegion region) {

    public Classification {
        top = List.copyOf(top);
        deviceNote = deviceNote == null ? "" : deviceNote;
        region = region == null ? ImageRegion.WHOLE : region;
    }

    public boolean hasAttentions() {
        return attentions != null;
    }
}
