package dev.vitlens.teach;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Mean attention distance by head and depth (ViT Fig. 7 right), for this image and over the model's samples. */
public final class AttentionDistanceView extends TeachingView {

    static final String PREFIX_HANDLING = "prefix tokens are left out as queries and as keys; attention a patch pays"
            + " to them adds no distance and the rest is not renormalised (as in probing-vits)";

    /**
     * @param distance        {@code [layer][head]} mean attention distance in input pixels, this image
     * @param prefixAttention {@code [layer][head]} mean attention of a query patch to the prefix tokens (what the
     *                        distance leaves out)
     * @param sampleAverage   the same over the model's sample images, or null when not computed
     * @param maxDistance     the largest possible distance: between opposite corner patches, in pixels
     */
    public record Data(String unit, @JsonProperty("prefix_tokens") String prefixTokens, double[][] distance,
                       @JsonProperty("prefix_attention") double[][] prefixAttention,
                       @JsonProperty("sample_average") Average sampleAverage,
                       @JsonProperty("max_distance") double maxDistance, @JsonIgnore int layer, @JsonIgnore int head,
                       @JsonIgnore String subtitle) implements ViewData {

        /** The sample average as written to JSON. */
        public record Average(int images, double[][] distance) {
        }

        @Override
        public Sketch sketch() {
            int layers = distance.length;
            int heads = layers == 0 ? 0 : distance[0].length;
            double top = 0;
            for (double[] row : distance) {
                for (double v : row) {
                    top = Math.max(top, v);
                }
            }
            if (sampleAverage != null) {
                for (double[] row : sampleAverage.distance()) {
                    for (double v : row) {
                        top = Math.max(top, v);
                    }
                }
            }
            double yMax = Figures.niceCeil(Math.max(top * 1.05, 1e-9));
            boolean legend = heads <= Figures.CATEGORIES;
            int width = 720;
            String note = "Distance = for each query patch, the sum over key patches of attention x distance between"
                    + " the patch centres, averaged over query patches; " + PREFIX_HANDLING + ".";
            int height = (int) (Figures.HEADER + 20 + 300 + 76 + Sketch.paragraphHeight(note, Figures.SMALL,
                    width - 2 * Figures.MARGIN)) + Figures.MARGIN;
            Sketch s = Figures.sketch(width, height, "Mean attention distance by head and depth", subtitle);
            Figures.Axes axes = new Figures.Axes(74, Figures.HEADER + 20, legend ? 470 : 580, 300, -0.6,
                    layers - 0.4, 0, yMax);
            axes.band(s, layer, 0.45, Figures.BAND);
            List<Double> xTicks = new ArrayList<>();
            List<String> xLabels = new ArrayList<>();
            int step = Math.max(1, (int) Math.ceil(layers / 12.0));
            for (int l = 0; l < layers; l += step) {
                xTicks.add((double) l);
                xLabels.add(Integer.toString(l));
            }
            axes.draw(s, xTicks, xLabels, Figures.ticks(0, yMax, 5), "layer (depth)", "distance (input pixels)");
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    double x = axes.x(l + jitter(h, heads));
                    if (sampleAverage != null) {
                        s.circle(x, axes.y(sampleAverage.distance()[l][h]), 4.5, Sketch.NONE, 0x888888, 1.2);
                    }
                }
            }
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    double x = axes.x(l + jitter(h, heads));
                    boolean selected = l == layer && h == head;
                    s.circle(x, axes.y(distance[l][h]), selected ? 5.5 : 3.8, legend ? Figures.category(h) : 0x4E79A7,
                            selected ? Sketch.BLACK : Sketch.WHITE, selected ? 2 : 0.8);
                }
            }
            double lx = axes.right() + 18;
            double ly = axes.top() + 8;
            if (legend) {
                for (int h = 0; h < heads; h++) {
                    s.circle(lx + 5, ly + h * 17 - 4, 4, Figures.category(h), Sketch.NONE, 0);
                    s.text(lx + 16, ly + h * 17, "head " + h, Figures.SMALL, Sketch.TEXT, Sketch.Anchor.START, h == head);
                }
                ly += heads * 17 + 8;
            }
            s.circle(lx + 5, ly - 4, 4, 0x999999, Sketch.WHITE, 0.8);
            s.text(lx + 16, ly, "dot: this image", Figures.SMALL, Sketch.TEXT, Sketch.Anchor.START, false);
            if (sampleAverage != null) {
                s.circle(lx + 5, ly + 13, 4.5, Sketch.NONE, 0x888888, 1.2);
                s.text(lx + 16, ly + 17, "ring: mean of " + sampleAverage.images() + " samples", Figures.SMALL,
                        Sketch.TEXT, Sketch.Anchor.START, false);
            }
            s.text(axes.left(), axes.bottom() + 56, String.format(Locale.ROOT, "selected: layer %d, head %d: %.2f px"
                    + " (%.0f%% of its attention goes to prefix tokens)", layer, head, distance[layer][head],
                    100 * prefixAttention[layer][head]), Figures.LABEL, Sketch.TEXT, Sketch.Anchor.START, true);
            s.paragraph(Figures.MARGIN, axes.bottom() + 76, width - 2 * Figures.MARGIN, note, Figures.SMALL,
                    Sketch.MUTED);
            return s;
        }

        /** Spreads the heads of one layer a little so their dots do not hide each other. */
        private static double jitter(int h, int heads) {
            return heads <= 1 ? 0 : (h / (double) (heads - 1) - 0.5) * 0.4;
        }

        @Override
        public Optional<String> svg() {
            return Optional.of(sketch().toSvg());
        }

        @Override
        public String summary() {
            StringBuilder b = new StringBuilder("mean attention distance (input pixels), one column per head; "
                    + PREFIX_HANDLING + "\n");
            for (int l = 0; l < distance.length; l++) {
                b.append(String.format(Locale.ROOT, "layer %2d:", l));
                for (double v : distance[l]) {
                    b.append(String.format(Locale.ROOT, " %7.2f", v));
                }
                b.append('\n');
            }
            if (sampleAverage != null) {
                b.append("mean over ").append(sampleAverage.images()).append(" samples:\n");
                for (int l = 0; l < sampleAverage.distance().length; l++) {
                    b.append(String.format(Locale.ROOT, "layer %2d:", l));
                    for (double v : sampleAverage.distance()[l]) {
                        b.append(String.format(Locale.ROOT, " %7.2f", v));
                    }
                    b.append('\n');
                }
            }
            return b.toString().stripTrailing();
        }
    }

    public AttentionDistanceView() {
        super("attention-distance", "Mean attention distance by head and depth",
                "How far away are the patches a head attends to? For one head, take a query patch and add up the"
                        + " distance to every key patch, each weighted by how much attention goes there; the distance"
                        + " is measured between the patch centres, in pixels of the model's input image. Averaging"
                        + " this over all query patches gives the head's mean attention distance, the attention"
                        + " counterpart of a CNN's receptive field. [CLS] and [DIST] have no place in the image, so"
                        + " they are left out as queries and as keys (attention paid to them counts as no distance)."
                        + " In the ViT paper some heads already look far in the first layers while others stay"
                        + " local, and distances grow with depth.",
                Set.of(TeachNeed.ATTENTIONS), true);
    }

    @Override
    protected ViewData build(TeachInput input) {
        var layout = input.layout();
        AttentionDistance.Table table = input.memo(TeachInput.Scope.IMAGE, "attention-distance",
                () -> AttentionDistance.compute(input.internals().attentions(), layout,
                        input.memo(TeachInput.Scope.MODEL, "patch-distances",
                                () -> AttentionDistance.patchDistances(layout))));
        AttentionDistance.Average avg = input.sampleDistance();
        double maxDistance = layout.patchSize() * Math.hypot(layout.gridHeight() - 1, layout.gridWidth() - 1);
        TeachSelection sel = input.selection();
        return new Data("input pixels", PREFIX_HANDLING, table.distance(), table.prefixAttention(),
                avg == null ? null : new Data.Average(avg.images(), avg.distance()), maxDistance, sel.layer(),
                sel.head(), input.describeModel());
    }
}
