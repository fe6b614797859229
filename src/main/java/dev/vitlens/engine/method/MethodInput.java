package dev.vitlens.engine.method;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.BatchScorer;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What the engine hands a method: one image's run, plus what the method declared it {@link Need needs}.
 *
 * @param layout      tokens and patch grid
 * @param family      ViT, DeiT or BEiT (decides the automatic query)
 * @param labels      class names (empty for a backbone)
 * @param inputHeight model input height in pixels
 * @param inputWidth  model input width in pixels
 * @param pixels      the preprocessed input {@code [3 * height * width]}
 * @param attentions  {@code [layer][head][T][T]}, or null when the model gives none
 * @param topClass    the best class of the unperturbed input, or -1 for a backbone
 * @param scorer      class logits for a batch of inputs, or null when the model has no classification head
 * @param cancelled   true once the caller no longer wants the result (long methods check it between batches)
 */
public record MethodInput(TokenLayout layout, Family family, List<String> labels, int inputHeight, int inputWidth,
                          float[] pixels, float[][][][] attentions, int topClass, BatchScorer scorer,
                          BooleanSupplier cancelled) {

    public MethodInput {
        labels = List.copyOf(labels);
        cancelled = cancelled == null ? () -> false : cancelled;
    }

    /** Whether the input carries what {@code need} asks for. */
    public boolean has(Need need) {
        return switch (need) {
            case ATTENTIONS -> attentions != null;
            case SCORER -> scorer != null;
            case HIDDEN_STATES -> false;
        };
    }
}
