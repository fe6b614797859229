package dev.vitlens.engine;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;

import java.util.List;

/**
 * Everything one run of a model on one image produced: the result type shared by the CLI and the workbench.
 * Explanations are computed from it by {@link ModelSession#explain}.
 *
 * @param model              the model as the user chose it (not the derived copy with attention outputs)
 * @param classification     top-k, probabilities and timings
 * @param pixels             the preprocessed input, {@code [3 * height * width]}, what perturbation methods start from
 * @param attentions         post-softmax attentions {@code [layer][head][T][T]}, or null when not kept or not available
 * @param region             the part of the image the model saw (centre crops see less than the whole image)
 * @param device             device that ran it ("CUDA" or "CPU")
 * @param deviceNote         why that device (CUDA fallback reason), or empty
 * @param attentionsAdded    whether the attentions came from a derived copy of a logits-only model
 * @param noAttentionsReason why the model can give no attentions, or empty when it can
 */
public record Analysis(ModelInfo model, Classification classification, float[] pixels, float[][][][] attentions,
                       ImageRegion region, String device, String deviceNote, boolean attentionsAdded,
                       String noAttentionsReason) {

    public Analysis {
        region = region == null ? ImageRegion.WHOLE : region;
        deviceNote = deviceNote == null ? "" : deviceNote;
        noAttentionsReason = noAttentionsReason == null ? "" : noAttentionsReason;
    }

    /** The same run, seen as covering {@code seen} of the image shown (a face crop's run, drawn over its photo). */
    public Analysis withRegion(ImageRegion seen) {
        return new Analysis(model, classification, pixels, attentions, seen, device, deviceNote, attentionsAdded,
                noAttentionsReason);
    }

    public String modelId() {
        return model.id();
    }

    public List<Prediction> top() {
        return classification.top();
    }

    public TokenLayout layout() {
        return model.layout();
    }

    public Family family() {
        return model.family();
    }

    public double preprocessMillis() {
        return classification.timings().preprocessMs();
    }

    public double inferenceMillis() {
        return classification.timings().inferenceMs();
    }

    public boolean hasAttentions() {
        return attentions != null;
    }
}
