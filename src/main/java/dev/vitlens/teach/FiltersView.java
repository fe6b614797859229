package dev.vitlens.teach;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The patch-embedding filters as in ViT Fig. 7 (left): the first principal components of the D filters, each
 * reshaped to C x p x p and shown as an RGB tile.
 */
public final class FiltersView extends TeachingView {

    /** ViT Fig. 7 shows the first 28 components. */
    static final int SHOWN = 28;

    /**
     * @param filters            D, how many filters (the token width)
     * @param shape              C, p, p: one filter and one component
     * @param components         the first principal components (unit vectors, C·p·p values in channel, row, column
     *                           order), at most {@value #SHOWN}
     * @param explainedVariance  each one's share of the filters' total variance
     */
    public record Data(int filters, int[] shape, float[][] components,
                       @JsonProperty("explained_variance") double[] explainedVariance,
                       @JsonIgnore String subtitle) implements ViewData {

        @Override
        public Sketch sketch() {
            int c = shape[0];
            int p = shape[1];
            int n = components.length;
            int cell = Math.max(1, 56 / p);
            int tile = cell * p;
            int cols = Math.min(7, Math.max(1, n));
            int rows = (n + cols - 1) / cols;
            int gapX = Math.max(16, 64 - tile);
            int pitchX = tile + gapX;
            int pitchY = tile + 26;
            int left = Figures.MARGIN;
            int top = Figures.HEADER + 14;
            int width = Math.max(left * 2 + cols * pitchX, 560);
            String note = "Each tile is one component of the " + filters + " filters (" + c + " x " + p + " x " + p
                    + "), scaled on its own so that grey is 0 and the strongest weight is fully bright or dark; the"
                    + " number is its share of the variance.";
            int height = (int) (top + rows * pitchY + 14 + Sketch.paragraphHeight(note, Figures.SMALL,
                    width - 2 * left)) + Figures.MARGIN;
            Sketch s = Figures.sketch(width, height, "Patch-embedding filters: the first " + n + " principal components", subtitle);
            for (int i = 0; i < n; i++) {
                int x = left + (i % cols) * pitchX;
                int y = top + (i / cols) * pitchY;
                s.cells(x, y, cell, cell, p, p, tile(components[i], c, p));
                s.rect(x, y, tile, tile, Sketch.NONE, Sketch.GRID, 1);
                s.text(x + tile / 2.0, y + tile + 13, String.format(Locale.ROOT, "%d: %.1f%%", i + 1,
                        100 * explainedVariance[i]), Figures.SMALL, Sketch.TEXT, Sketch.Anchor.MIDDLE, false);
            }
            s.paragraph(left, top + rows * pitchY + 14, width - 2 * left, note, Figures.SMALL, Sketch.MUTED);
            return s;
        }

        @Override
        public String summary() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d filters of %d x %d x %d; %d components"
                    + " shown; explained variance:", filters, shape[0], shape[1], shape[2], components.length));
            for (int i = 0; i < explainedVariance.length; i++) {
                b.append(String.format(Locale.ROOT, " %d: %.2f%%", i + 1, 100 * explainedVariance[i]));
            }
            return b.toString();
        }
    }

    public FiltersView() {
        super("filters", "Patch-embedding filters: first principal components",
                "The patch embedding is a learned filter bank: D filters, each the size of one patch (C colour"
                        + " channels x p x p pixels). A token's i-th number is how strongly its patch matches filter i."
                        + " The filters themselves are hard to read, so, as in the ViT paper, we look at their"
                        + " principal components: the few patterns that together describe most of the differences"
                        + " between the filters (principal component analysis, PCA, over the D filters after"
                        + " subtracting their mean). Each component is shown as a small colour tile; trained models"
                        + " usually show smooth blobs, edges and colour contrasts, like the first layer of a CNN.",
                Set.of(TeachNeed.WEIGHTS), false);
    }

    @Override
    protected Optional<String> missing(TeachInput input) {
        if (input.weights().patchFilters() == null) {
            return Optional.of(name() + ": no patch-embedding filters were found in model \"" + input.model().id()
                    + "\"" + (input.weights().notes().isEmpty() ? "" : ": " + String.join("; ",
                    input.weights().notes())));
        }
        return Optional.empty();
    }

    @Override
    protected ViewData build(TeachInput input) {
        FilterPca pca = pca(input);
        int n = Math.min(SHOWN, pca.components().length);
        float[][] shown = new float[n][];
        double[] explained = new double[n];
        for (int i = 0; i < n; i++) {
            shown[i] = pca.components()[i];
            explained[i] = pca.explained(i);
        }
        int d = input.weights().patchFilters().length;
        return new Data(d, new int[] {pca.channels(), pca.size(), pca.size()}, shown, explained,
                input.describeModel());
    }

    /** The full decomposition, once per model. */
    static FilterPca pca(TeachInput input) {
        return input.memo(TeachInput.Scope.MODEL, "filter-pca", () -> FilterPca.of(input.weights().patchFilters()));
    }

    /** One component as p x p colours: each channel scaled so 0 is grey and max |v| is 0 or 255. */
    static int[] tile(float[] component, int channels, int p) {
        float m = 0;
        for (float v : component) {
            m = Math.max(m, Math.abs(v));
        }
        int per = p * p;
        int[] rgb = new int[per];
        for (int i = 0; i < per; i++) {
            int[] ch = new int[3];
            for (int k = 0; k < 3; k++) {
                // grey-scale filters show the one channel in all three; a 2-channel one leaves blue at grey
                int src = channels == 1 ? 0 : k;
                double v = src < channels ? component[src * per + i] : 0;
                ch[k] = (int) Math.round(127.5 + 127.5 * (m > 0 ? v / m : 0));
            }
            rgb[i] = (ch[0] << 16) | (ch[1] << 8) | ch[2];
        }
        return rgb;
    }
}
