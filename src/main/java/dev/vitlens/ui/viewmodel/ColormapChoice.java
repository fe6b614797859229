package dev.vitlens.ui.viewmodel;

/** Colormaps the heatmap overlay offers. */
public enum ColormapChoice {
    VIRIDIS("Viridis"), INFERNO("Inferno"), DIVERGING("Diverging");

    private final String label;

    ColormapChoice(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
