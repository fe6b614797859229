package dev.vitlens.engine.method;

/** What an explanation method needs from the model run; the engine supplies it or says why it cannot. */
public enum Need {
    /** Post-softmax attention maps of every layer (added to a derived copy when the export lacks them). */
    ATTENTIONS("attentions"),
    /** A batch scorer: class scores for perturbed copies of the input (needs a classification head). */
    SCORER("perturbation scorer"),
    /** Per-layer token embeddings (no bundled method uses them yet; the engine rejects the need clearly). */
    HIDDEN_STATES("hidden states");

    private final String label;

    Need(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
