package dev.vitlens.teach;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/** The last step of the lesson: the model's final top-k, as bars. */
public final class PredictionView extends TeachingView {

    static final int TOP = 5;

    /**
     * @param top the most probable classes, best first
     */
    public record Data(List<Entry> top, @com.fasterxml.jackson.annotation.JsonIgnore String subtitle)
            implements ViewData {

        public record Entry(int index, String label, float probability) {
        }

        @Override
        public Sketch sketch() {
            int barMax = 360;
            int labelW = 150;
            int rowH = 30;
            int width = Figures.MARGIN * 2 + labelW + barMax + 70;
            int height = Figures.HEADER + 20 + rowH * top.size() + 20;
            Sketch s = new Sketch(width, height);
            Figures.header(s, "Prediction: the model's final answer", subtitle);
            int y = Figures.HEADER + 20;
            for (int i = 0; i < top.size(); i++) {
                Entry e = top.get(i);
                double w = Math.max(1, barMax * e.probability());
                int x = Figures.MARGIN + labelW;
                s.text(x - 8, y + 19, e.label(), Figures.LABEL, Sketch.TEXT, Sketch.Anchor.END, i == 0);
                s.rect(x, y + 5, barMax, rowH - 10, 0xF0F0F0, Sketch.NONE, 0);
                s.rect(x, y + 5, w, rowH - 10, i == 0 ? 0x4E79A7 : 0xA0B8D0, Sketch.NONE, 0);
                s.text(x + barMax + 8, y + 19, String.format(Locale.ROOT, "%.1f%%", 100 * e.probability()),
                        Figures.LABEL, Sketch.TEXT, Sketch.Anchor.START, i == 0);
                y += rowH;
            }
            return s;
        }

        @Override
        public Optional<String> svg() {
            return Optional.of(sketch().toSvg());
        }

        @Override
        public String summary() {
            Entry best = top.get(0);
            return String.format(Locale.ROOT, "prediction: %s %.1f%%", best.label(), 100 * best.probability());
        }
    }

    public PredictionView() {
        super("prediction", "Prediction: the final top classes",
                "The model's answer: the read-out of the last layer gives one score (a logit) per class, and a"
                        + " softmax turns the scores into probabilities that add up to 100%. The bars show the most"
                        + " probable classes. A confident model puts almost everything on one class; when two bars are"
                        + " close, the image looks like both to the model.",
                Set.of(), true);
    }

    @Override
    protected Optional<String> missing(TeachInput input) {
        if (input.internals().probabilities().length == 0) {
            return Optional.of("model \"" + input.model().id() + "\" has no classification head, so it makes no"
                    + " prediction (it is a backbone: see `vitlens embed`)");
        }
        return Optional.empty();
    }

    @Override
    protected ViewData build(TeachInput input) {
        float[] p = input.internals().probabilities();
        List<String> labels = LogitLensView.labels(input, p.length);
        List<Data.Entry> top = new ArrayList<>();
        IntStream.range(0, p.length).boxed().sorted(Comparator.comparingDouble(i -> -p[i])).limit(TOP)
                .forEach(i -> top.add(new Data.Entry(i, labels.get(i), p[i])));
        return new Data(top, input.describeModel());
    }
}
