package dev.vitlens.teach;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vitlens.explain.Colormap;
import dev.vitlens.internals.LogitLens;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The logit lens: the model's own read-out (final norm, pooling or [CLS]/[DIST], classifier) applied to every
 * layer's hidden state. Class probabilities by layer as a chart, and per patch as a map for the selected layer.
 */
public final class LogitLensView extends TeachingView {

    static final String LAYER_INDEX = "layer 0 is the embeddings (before any encoder layer), layer i the output of"
            + " encoder layer i - 1 (0-based); the last equals the model's output";

    /** Most lines the chart draws (classes ranked by their highest probability at any layer). */
    static final int LINES = 8;

    /**
     * @param layers         one entry per hidden state, in layer order
     * @param predictedClass the model's answer (argmax of the last entry)
     * @param patchMap       the selected layer's per-patch read-out
     */
    public record Data(List<Layer> layers, List<String> labels, @JsonProperty("layer_index") String layerIndex,
                       @JsonProperty("predicted_class") int predictedClass, @JsonProperty("patch_map") PatchMap patchMap,
                       @JsonIgnore int[] grid, @JsonIgnore int patch, @JsonIgnore String subtitle) implements ViewData {

        /** The read-out of hidden state {@code layer}: softmax over the classes. */
        public record Layer(int layer, float[] probabilities) {
        }

        /**
         * @param layer         the hidden state (same numbering as {@link Layer#layer})
         * @param classIndex    the class mapped (the model's prediction)
         * @param probabilities each patch's probability of that class, read out alone, row-major
         * @param topClass      each patch's most probable class
         * @param topProbability that class's probability
         */
        public record PatchMap(int layer, @JsonProperty("class") int classIndex, String label, float[] probabilities,
                               @JsonProperty("top_class") int[] topClass,
                               @JsonProperty("top_probability") float[] topProbability) {
        }

        @Override
        public Sketch sketch() {
            int states = layers.size();
            int classes = labels.size();
            int[] shown = strongest();
            int gh = grid[0];
            int gw = grid[1];
            int cell = Math.max(3, 220 / Math.max(gh, gw));
            int chartW = 420;
            int left = 74;
            int top = Figures.HEADER + 30;
            int legendX = left + chartW + 14;
            int legendW = 150;
            int mapX = legendX + legendW + 20;
            int barX = mapX + cell * gw + 12;
            int width = barX + Figures.colourBarWidth(0, 1, "probability") + Figures.MARGIN;
            int chartH = 280;
            String note = "Each point reads the hidden state after that layer with the model's own final norm,"
                    + " pooling and classifier, so the last point is the model's answer. The map reads each patch"
                    + " token alone as if it were what the classifier pools.";
            int foot = top + Math.max(chartH + 60, cell * gh + 40) + 4;
            int height = (int) (foot + Sketch.paragraphHeight(note, Figures.SMALL, width - 2 * Figures.MARGIN))
                    + Figures.MARGIN;
            Sketch s = Figures.sketch(width, height, "Logit lens: the model's read-out applied after every layer", subtitle);
            Figures.Axes axes = new Figures.Axes(left, top, chartW, chartH, -0.3, states - 0.7, 0, 1);
            axes.band(s, patchMap.layer(), 0.4, Figures.BAND);
            List<Double> xt = new ArrayList<>();
            List<String> xl = new ArrayList<>();
            int step = Math.max(1, (int) Math.ceil(states / 13.0));
            for (int i = 0; i < states; i += step) {
                xt.add((double) i);
                xl.add(i == 0 ? "emb" : Integer.toString(i - 1));
            }
            s.text(left, top - 10, "class probabilities, layer by layer", Figures.LABEL, Sketch.TEXT,
                    Sketch.Anchor.START, true);
            axes.draw(s, xt, xl, Figures.ticks(0, 1, 5), "after layer (emb = the embeddings)", "probability");
            for (int k = 0; k < shown.length; k++) {
                int c = shown[k];
                double[] xs = new double[states];
                double[] ys = new double[states];
                for (int i = 0; i < states; i++) {
                    xs[i] = axes.x(i);
                    ys[i] = axes.y(layers.get(i).probabilities()[c]);
                }
                s.polyline(xs, ys, Figures.category(k), c == predictedClass ? 3 : 1.6);
                for (int i = 0; i < states; i++) {
                    s.circle(xs[i], ys[i], 2.6, Figures.category(k), Sketch.NONE, 0);
                }
                double ly = top + 8 + k * 18;
                s.rect(legendX, ly - 8, 12, 3, Figures.category(k), Sketch.NONE, 0);
                s.text(legendX + 18, ly - 2, TokensView.shorten(labels.get(c), 20), Figures.SMALL, Sketch.TEXT,
                        Sketch.Anchor.START, c == predictedClass);
            }
            if (shown.length < classes) {
                s.text(legendX, top + 8 + shown.length * 18, "(" + (classes - shown.length) + " more classes not"
                        + " drawn)", Figures.SMALL, Sketch.MUTED, Sketch.Anchor.START, false);
            }
            int stateShown = patchMap.layer();
            s.text(mapX, top - 10, "P(" + TokensView.shorten(patchMap.label(), 18) + ") per patch, "
                    + (stateShown == 0 ? "embeddings" : "after layer " + (stateShown - 1)), Figures.LABEL,
                    Sketch.TEXT, Sketch.Anchor.START, true);
            s.cells(mapX, top, cell, cell, gh, gw, Figures.colours(patchMap.probabilities(), Colormap.VIRIDIS, 0, 1));
            s.rect(mapX + (patch % gw) * cell, top + (patch / gw) * cell, cell, cell, Sketch.NONE, Sketch.SELECTION, 2);
            Figures.colourBar(s, barX, top, 14, cell * gh, Colormap.VIRIDIS, 0, 1, "probability");
            int topClass = patchMap.topClass()[patch];
            s.text(mapX, top + cell * gh + 20, String.format(Locale.ROOT, "patch (%d, %d) alone: %s %.3f", patch / gw,
                    patch % gw, TokensView.shorten(labels.get(topClass), 20), patchMap.topProbability()[patch]),
                    Figures.SMALL, Sketch.TEXT, Sketch.Anchor.START, false);
            s.paragraph(Figures.MARGIN, foot, width - 2 * Figures.MARGIN, note, Figures.SMALL, Sketch.MUTED);
            return s;
        }

        /** Classes ranked by their highest probability over the layers, at most {@link #LINES}, prediction first. */
        int[] strongest() {
            int classes = labels.size();
            float[] peak = new float[classes];
            for (Layer l : layers) {
                for (int c = 0; c < classes; c++) {
                    peak[c] = Math.max(peak[c], l.probabilities()[c]);
                }
            }
            peak[predictedClass] = Float.POSITIVE_INFINITY;
            return TokensView.topClasses(peak, Math.min(LINES, classes));
        }

        @Override
        public Optional<String> svg() {
            return Optional.of(sketch().toSvg());
        }

        @Override
        public String summary() {
            StringBuilder b = new StringBuilder("logit lens (" + LAYER_INDEX + ")\n");
            for (Layer l : layers) {
                int best = TokensView.topClasses(l.probabilities(), 1)[0];
                b.append(String.format(Locale.ROOT, "layer %2d (%s): %s %.3f; %s %.3f%n", l.layer(),
                        l.layer() == 0 ? "embeddings" : "after layer " + (l.layer() - 1), labels.get(best),
                        l.probabilities()[best], labels.get(predictedClass), l.probabilities()[predictedClass]));
            }
            b.append(String.format(Locale.ROOT, "patch map at layer %d: P(%s) from %.3f to %.3f", patchMap.layer(),
                    patchMap.label(), min(patchMap.probabilities()), max(patchMap.probabilities())));
            return b.toString();
        }
    }

    public LogitLensView() {
        super("logit-lens", "Class probabilities after every layer, and per patch",
                "The model only answers at the very end, but we can ask it early. The logit lens takes the hidden"
                        + " state after each layer (the list of token vectors flowing through the model) and feeds"
                        + " it straight to the model's own read-out: its final normalisation, the same pooling"
                        + " ([CLS], [CLS] and [DIST], or the mean of the patches) and its classifier. The chart shows"
                        + " the class probabilities this gives after every layer; the last point is exactly the"
                        + " model's prediction. The map reads each patch token on its own as if it were what the"
                        + " classifier pools, showing which patches already 'know' the answer at the chosen layer.",
                Set.of(TeachNeed.HIDDEN_STATES, TeachNeed.READOUT), true);
    }

    @Override
    protected ViewData build(TeachInput input) {
        LogitLens.Result lens = input.lens();
        float[][] layerProbabilities = lens.layerProbabilities();
        List<Data.Layer> layers = new ArrayList<>(layerProbabilities.length);
        for (int i = 0; i < layerProbabilities.length; i++) {
            layers.add(new Data.Layer(i, layerProbabilities[i]));
        }
        float[] last = layerProbabilities[layerProbabilities.length - 1];
        int predicted = argmax(last);
        TeachSelection sel = input.selection();
        int state = Math.min(sel.layer() + 1, layerProbabilities.length - 1);
        float[][] patches = lens.patchProbabilities()[state];
        float[] map = new float[patches.length];
        int[] top = new int[patches.length];
        float[] topP = new float[patches.length];
        for (int p = 0; p < patches.length; p++) {
            map[p] = patches[p][predicted];
            top[p] = argmax(patches[p]);
            topP[p] = patches[p][top[p]];
        }
        List<String> labels = labels(input, last.length);
        var layout = input.layout();
        return new Data(layers, labels, LAYER_INDEX, predicted,
                new Data.PatchMap(state, predicted, labels.get(predicted), map, top, topP),
                new int[] {layout.gridHeight(), layout.gridWidth()}, sel.patch(), input.describeModel());
    }

    /** The model's labels, or "class i" when the config has fewer names than the read-out has classes. */
    static List<String> labels(TeachInput input, int classes) {
        List<String> known = input.model().labels();
        if (known.size() == classes) {
            return known;
        }
        List<String> out = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            out.add(i < known.size() ? known.get(i) : "class " + i);
        }
        return out;
    }

    /** Index of the largest value (the first on ties); sorting all classes per patch would be wasted work. */
    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
