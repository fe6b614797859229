package dev.vitlens.teach;

/** What a teaching view reads; {@link TeachInput} supplies it or says why it cannot. */
public enum TeachNeed {
    /** Post-softmax attentions of every layer, {@code [L][H][T][T]}. */
    ATTENTIONS("attentions"),
    /** The residual stream of every layer, {@code [L + 1][T][D]}. */
    HIDDEN_STATES("hidden states"),
    /** The model's own read-out applied to the hidden states (logit lens, the classifier heads' own predictions). */
    READOUT("the model's read-out"),
    /** Learned parameters read from the graph (patch-embedding filters, position embeddings or bias tables). */
    WEIGHTS("weights");

    private final String label;

    TeachNeed(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
