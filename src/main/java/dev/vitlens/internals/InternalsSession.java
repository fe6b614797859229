package dev.vitlens.internals;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;

import java.util.Optional;

/**
 * One opened model for the teaching views: a derived copy of its graph that also outputs {@code attentions.i} and
 * {@code hidden_states.i} (found by structure), the model's own read-out cut out of its graph, and the weights the
 * views show. Open once per model; {@link #analyse} runs one forward pass per image.
 */
public final class InternalsSession implements AutoCloseable {

    private InternalsSession() {
    }

    /**
     * Derives (or finds in the cache) the model with hidden-state and attention outputs, opens it and its read-out.
     *
     * @throws ModelLoadException when the model cannot be loaded; a graph whose hidden states cannot be found by
     *                            structure still opens (the internals then say why there are none)
     */
    public static InternalsSession open(ModelInfo info, RunnerOptions options) throws ModelLoadException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** One forward pass: preprocessing, probabilities, attentions and hidden states of {@code image}. */
    public ModelInternals analyse(RgbImage image) throws InferenceException {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The learned parameters the views show, read from the graph by structure; notes say what is missing. */
    public ModelWeights weights() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The model's own read-out (hidden state to logits), or empty when it cannot be cut out (see the reason). */
    public Optional<Readout> readout() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Why {@link #readout()} is empty, or empty when there is one. */
    public String noReadoutReason() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The model as the user chose it. */
    public ModelInfo model() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
