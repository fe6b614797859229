package dev.vitlens.ui.viewmodel;

/** What the heatmap shows. */
public enum ExplainMethod {
    ROLLOUT("Attention rollout"), RAW_ATTENTION("Raw attention"), OCCLUSION("Occlusion");

    private final String label;

    ExplainMethod(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
