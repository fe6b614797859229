package dev.vitlens.internals;

import java.util.List;

/**
 * The learned parameters the teaching views show, read from the ONNX initializers by graph structure (not by name),
 * so imported exports work without configuration.
 *
 * @param patchFilters          the patch-embedding convolution weight {@code [D][channels][p][p]}
 * @param positionEmbeddings    absolute position embeddings {@code [T][D]} including prefix tokens, or null when
 *                              the model has none (BEiT)
 * @param relativePositionBias  per layer, the relative position bias table {@code [(2h-1)(2w-1)+3][heads]} indexed
 *                              like Hugging Face's {@code BeitRelativePositionBias}; empty when the model has none
 * @param notes                 what could not be found and why, for the views to say (empty when all was found)
 */
public record ModelWeights(float[][][][] patchFilters, float[][] positionEmbeddings,
                           List<float[][]> relativePositionBias, List<String> notes) {

    public ModelWeights {
        relativePositionBias = relativePositionBias == null ? List.of() : List.copyOf(relativePositionBias);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    public boolean hasAbsolutePositions() {
        return positionEmbeddings != null;
    }
}
