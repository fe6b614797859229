package dev.vitlens.teach;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vitlens.internals.SpecialTokens;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The special tokens: what the model's head reads ([CLS]; DeiT's [CLS] and [DIST]; BEiT's mean of the patches), and
 * for DeiT how similar [CLS] and [DIST] are layer by layer and what each of its two classifier heads predicts.
 */
public final class TokensView extends TeachingView {

    /** Bars per prediction. */
    static final int TOP = 5;

    /**
     * @param pooling           what the head reads: CLS_TOKEN, CLS_AND_DISTILLATION_TOKENS or MEAN_OF_PATCHES
     * @param description       what applies to this family, in plain words
     * @param clsDistSimilarity DeiT: cosine similarity of [CLS] and [DIST] per hidden state {@code [L + 1]} (0 the
     *                          embeddings, i the output of layer i - 1); null when the model has no [DIST]
     * @param heads             each classifier head's own probabilities (DeiT: cls, distillation); empty otherwise
     * @param probabilities     the model's output probabilities
     */
    public record Data(String family, String pooling, String description,
                       @JsonProperty("cls_dist_similarity") float[] clsDistSimilarity, List<Head> heads,
                       float[] probabilities, List<String> labels, @JsonIgnore int layer,
                       @JsonIgnore String subtitle) implements ViewData {

        /** One classifier head's own prediction. */
        public record Head(String head, float[] probabilities) {
        }

        @Override
        public Sketch sketch() {
            int width = 720;
            int left = Figures.MARGIN;
            List<String> textLines = Sketch.wrap(description, Figures.LABEL, width - 2 * left);
            double y0 = Figures.HEADER + 14;
            double chartTop = y0 + textLines.size() * Figures.LABEL * 1.35 + 16;
            boolean chart = clsDistSimilarity != null;
            double chartH = chart ? 220 : 0;
            double barsTop = chartTop + (chart ? chartH + 70 : 0);
            int[] top = topClasses(probabilities, Math.min(TOP, probabilities.length));
            int groups = heads.size() + 1;
            double groupH = 24 + top.length * 20 + 12;
            int height = (int) Math.ceil(barsTop + groups * groupH + 20);
            Sketch s = Figures.sketch(width, height, "Special tokens: what the classifier reads", subtitle);
            s.paragraph(left, y0, width - 2 * left, description, Figures.LABEL, Sketch.TEXT);
            if (chart) {
                int states = clsDistSimilarity.length;
                double lo = 0;
                for (float v : clsDistSimilarity) {
                    lo = Math.min(lo, Math.floor(v * 10) / 10);
                }
                Figures.Axes axes = new Figures.Axes(74, chartTop + 20, 560, chartH - 20, -0.3, states - 0.7, lo, 1);
                int sel = layer + 1;
                axes.band(s, sel, 0.4, Figures.BAND);
                List<Double> xt = new ArrayList<>();
                List<String> xl = new ArrayList<>();
                int step = Math.max(1, (int) Math.ceil(states / 13.0));
                for (int i = 0; i < states; i += step) {
                    xt.add((double) i);
                    xl.add(i == 0 ? "emb" : Integer.toString(i - 1));
                }
                s.text(axes.left(), chartTop + 8, "cosine similarity of [CLS] and [DIST], layer by layer",
                        Figures.LABEL, Sketch.TEXT, Sketch.Anchor.START, true);
                axes.draw(s, xt, xl, Figures.ticks(lo, 1, 4), "after layer (emb = the embeddings)", "cosine");
                double[] xs = new double[states];
                double[] ys = new double[states];
                for (int i = 0; i < states; i++) {
                    xs[i] = axes.x(i);
                    ys[i] = axes.y(clsDistSimilarity[i]);
                }
                s.polyline(xs, ys, Figures.category(0), 2);
                for (int i = 0; i < states; i++) {
                    s.circle(xs[i], ys[i], i == sel ? 5 : 3.5, Figures.category(0), i == sel ? Sketch.BLACK
                            : Sketch.WHITE, i == sel ? 2 : 0.8);
                }
            }
            double y = barsTop;
            List<String> names = new ArrayList<>();
            List<float[]> values = new ArrayList<>();
            for (Head h : heads) {
                names.add(h.head() + " head alone");
                values.add(h.probabilities());
            }
            names.add(heads.isEmpty() ? "the model's prediction" : "the model (heads combined)");
            values.add(probabilities);
            double labelW = 170;
            double barW = width - left - labelW - 80;
            for (int g = 0; g < names.size(); g++) {
                s.text(left, y + 14, names.get(g), Figures.LABEL, Sketch.TEXT, Sketch.Anchor.START, true);
                float[] pr = values.get(g);
                for (int i = 0; i < top.length; i++) {
                    double by = y + 24 + i * 20;
                    s.text(left + labelW - 8, by + 12, shorten(labels.get(top[i]), 24), Figures.SMALL, Sketch.TEXT,
                            Sketch.Anchor.END, false);
                    s.rect(left + labelW, by + 2, barW, 13, 0xF0F0F0, Sketch.NONE, 0);
                    s.rect(left + labelW, by + 2, barW * Math.max(0, Math.min(1, pr[top[i]])), 13,
                            Figures.category(g), Sketch.NONE, 0);
                    s.text(left + labelW + barW + 6, by + 12, String.format(Locale.ROOT, "%.3f", pr[top[i]]),
                            Figures.SMALL, Sketch.TEXT, Sketch.Anchor.START, false);
                }
                y += groupH;
            }
            return s;
        }

        @Override
        public Optional<String> svg() {
            return Optional.of(sketch().toSvg());
        }

        @Override
        public String summary() {
            StringBuilder b = new StringBuilder(description).append('\n');
            if (clsDistSimilarity != null) {
                b.append("cos([CLS], [DIST]) by layer (emb, 0..L-1):");
                for (float v : clsDistSimilarity) {
                    b.append(String.format(Locale.ROOT, " %.3f", v));
                }
                b.append('\n');
            }
            int[] top = topClasses(probabilities, Math.min(3, probabilities.length));
            for (Head h : heads) {
                b.append(h.head()).append(" head:").append(top(h.probabilities(), top)).append('\n');
            }
            b.append("model:").append(top(probabilities, top));
            return b.toString();
        }

        private String top(float[] pr, int[] classes) {
            StringBuilder b = new StringBuilder();
            for (int c : classes) {
                b.append(String.format(Locale.ROOT, " %s %.3f", labels.get(c), pr[c]));
            }
            return b.toString();
        }
    }

    public TokensView() {
        super("tokens", "[CLS], DeiT's [CLS]/[DIST] and each head's prediction",
                "Besides the patches, the sequence can hold special tokens that belong to no place in the image."
                        + " ViT puts a learned [CLS] (class) token in front; it collects information from the"
                        + " patches through attention, and the classifier reads only this token at the end. DeiT adds"
                        + " a second one, [DIST] (distillation), trained to copy a teacher network's answer: each of"
                        + " the two tokens has its own classifier head, and the model's answer averages them. We"
                        + " show how alike the two tokens are after every layer (cosine similarity: 1 = pointing the"
                        + " same way) and what each head predicts on its own. BEiT keeps [CLS] in the sequence but"
                        + " its classifier reads the mean of all patch tokens instead (mean pooling).",
                Set.of(TeachNeed.HIDDEN_STATES), true);
    }

    @Override
    protected Optional<String> missing(TeachInput input) {
        return input.tokens() == null ? Optional.of(name() + ": the special-token analysis was not computed for"
                + " model \"" + input.model().id() + "\"") : Optional.empty();
    }

    @Override
    protected ViewData build(TeachInput input) {
        SpecialTokens.Result t = input.tokens();
        List<Data.Head> heads = new ArrayList<>();
        t.headProbabilities().entrySet().stream().sorted(Comparator.comparingInt(
                        (Map.Entry<String, float[]> e) -> headOrder(e.getKey())).thenComparing(Map.Entry::getKey))
                .forEach(e -> heads.add(new Data.Head(e.getKey(), e.getValue())));
        return new Data(t.family().displayName(), t.pooling().name(), t.description(), t.clsDistSimilarity(),
                List.copyOf(heads), input.internals().probabilities(), input.model().labels(),
                input.selection().layer(), input.describeModel());
    }

    /** cls before distillation, like the model's own head order. */
    private static int headOrder(String name) {
        return name.equals("cls") ? 0 : name.startsWith("dist") ? 1 : 2;
    }

    /** The indices of the {@code k} largest values, largest first. */
    static int[] topClasses(float[] values, int k) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(values[b], values[a]));
        int[] top = new int[Math.min(k, values.length)];
        for (int i = 0; i < top.length; i++) {
            top[i] = order[i];
        }
        return top;
    }

    static String shorten(String label, int max) {
        return label.length() <= max ? label : label.substring(0, max - 1) + "…";
    }
}
