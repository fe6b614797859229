package dev.vitlens.metrics;

import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ParameterValues;
import dev.vitlens.explain.BatchScorer;
import dev.vitlens.inference.InferenceException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Faithfulness of explanation methods on one analysed image: each method's map becomes a patch ranking, and the
 * rankings' deletion and insertion curves ({@link PerturbationCurves}) are scored on the session's model for the
 * class it predicted on the unperturbed image. The {@code random} candidate ranks patches uniformly at random and
 * averages its curves over several seeds: a method is only informative if it beats it (SaCo, CVPR 2024).
 */
public final class Faithfulness {

    /** The name of the random baseline; no registered method may take it. */
    public static final String RANDOM = "random";

    /** What is measured: a registered method with its values, or the random ranking. */
    public sealed interface Candidate permits MethodCandidate, RandomCandidate {
        String name();
    }

    public record MethodCandidate(ExplanationMethod method, ParameterValues values) implements Candidate {
        public MethodCandidate {
            Objects.requireNonNull(method);
            values = values == null ? ParameterValues.none() : values;
        }

        @Override
        public String name() {
            return method.name();
        }
    }

    /** Uniformly random rankings, {@code seeds} of them per image, curves averaged point-wise. */
    public record RandomCandidate(int seeds) implements Candidate {
        public RandomCandidate {
            if (seeds < 1) {
                throw new IllegalArgumentException("the random baseline needs at least 1 seed, got " + seeds);
            }
        }

        @Override
        public String name() {
            return RANDOM;
        }
    }

    /** One candidate on one image: its curves, or why it could not run ({@code curves} null). */
    public record Outcome(String name, PerturbationCurves.Curves curves, String unavailable, double explainMillis) {
        public boolean available() {
            return curves != null;
        }
    }

    /**
     * @param targetClass         the class predicted on the unperturbed image, whose probability the curves track
     * @param probability         its probability there
     * @param baselineProbability its probability on the baseline image
     * @param outcomes            by candidate name, in the order given
     */
    public record ImageResult(int targetClass, String targetLabel, double probability, double baselineProbability,
                              Map<String, Outcome> outcomes, int forwardPasses, int batches, double millis) {
    }

    private Faithfulness() {
    }

    /**
     * @param imageKey  makes the random rankings of this image distinct from other images' (its index in a run)
     * @param cancelled checked between batches
     * @throws InferenceException when a forward pass fails
     */
    public static ImageResult evaluate(ModelSession session, Analysis analysis, List<Candidate> candidates,
                                       PerturbationCurves.Options options, long imageKey, BooleanSupplier cancelled)
            throws InferenceException {
        long start = System.nanoTime();
        if (analysis.top().isEmpty()) {
            throw new IllegalArgumentException("model " + analysis.modelId() + " gives no class scores to perturb");
        }
        int target = analysis.top().get(0).index();
        int patches = analysis.layout().patches();

        // Rankings in candidate order; the random candidate contributes `seeds` consecutive rankings.
        List<int[]> rankings = new ArrayList<>();
        Map<String, Outcome> unavailable = new LinkedHashMap<>();
        Map<String, double[]> explainMillis = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            if (c instanceof RandomCandidate random) {
                for (int s = 0; s < random.seeds(); s++) {
                    rankings.add(PatchRanking.random(patches, PatchRanking.seed(imageKey, s)));
                }
                explainMillis.put(c.name(), new double[] {0});
            } else {
                MethodCandidate m = (MethodCandidate) c;
                try {
                    Explanation e = session.explain(analysis, m.method(), m.values(), cancelled);
                    rankings.add(PatchRanking.byRelevance(e.grid()));
                    explainMillis.put(c.name(), new double[] {e.millis()});
                } catch (IllegalArgumentException e) {
                    // The model cannot give what the method needs (no attentions, a query it lacks): say why.
                    unavailable.put(c.name(), new Outcome(c.name(), null, e.getMessage(), 0));
                }
            }
        }

        PerturbationCurves.Result result;
        try {
            result = PerturbationCurves.compute(image(analysis), scorer(session), target, rankings, options,
                    cancelled);
        } catch (ScoringFailed e) {
            throw e.getCause();
        }

        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        int next = 0;
        for (Candidate c : candidates) {
            if (unavailable.containsKey(c.name())) {
                outcomes.put(c.name(), unavailable.get(c.name()));
                continue;
            }
            int count = c instanceof RandomCandidate random ? random.seeds() : 1;
            PerturbationCurves.Curves curves = PerturbationCurves.Curves.mean(result.curves().subList(next,
                    next + count));
            next += count;
            outcomes.put(c.name(), new Outcome(c.name(), curves, null, explainMillis.get(c.name())[0]));
        }
        String label = target < analysis.model().labels().size() ? analysis.model().labels().get(target) : "";
        return new ImageResult(target, label, result.originalProbability(), result.baselineProbability(), outcomes,
                result.forwardPasses(), result.batches(), (System.nanoTime() - start) / 1e6);
    }

    /** The preprocessed image and its patch grid, as the model sees it. */
    public static PerturbationCurves.Image image(Analysis analysis) {
        return new PerturbationCurves.Image(analysis.pixels(), 3, analysis.model().inputHeight(),
                analysis.model().inputWidth(), analysis.layout().gridHeight(), analysis.layout().gridWidth(),
                analysis.layout().patchSize());
    }

    /** The default blur: one patch side, so the detail inside a patch is gone but the layout of colours stays. */
    public static double defaultSigma(Analysis analysis) {
        return analysis.layout().patchSize();
    }

    /** One inference call per batch, logits only. */
    private static BatchScorer scorer(ModelSession session) {
        return inputs -> {
            try {
                return session.runner().logits(inputs);
            } catch (InferenceException e) {
                throw new ScoringFailed(e);
            }
        };
    }

    /** Carries an inference failure out of a {@link BatchScorer}, which cannot throw checked exceptions. */
    private static final class ScoringFailed extends RuntimeException {
        ScoringFailed(InferenceException cause) {
            super(cause);
        }

        @Override
        public synchronized InferenceException getCause() {
            return (InferenceException) super.getCause();
        }
    }
}
