package dev.vitlens.metrics;

import dev.vitlens.explain.BatchScorer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Deletion and insertion curves (Petsiuk et al. 2018, RISE) of patch rankings on one image.
 *
 * <p>With P patches and N steps, step i covers the first k_i = round(i·P/N) patches of a ranking (N is capped at P
 * so no step is empty). Deletion: the image with those patches replaced by the {@link Baseline}'s pixels; a faithful
 * ranking makes the target's probability fall fast (low area). Insertion: the baseline with those patches taken from
 * the image; a faithful ranking makes it rise fast (high area). The x axis is the fraction k_i/P of patches.
 *
 * <p>The unperturbed image and the baseline are scored once and shared by every ranking (they are deletion's first
 * and last points and insertion's last and first). All other perturbed images are built lazily, one batch at a
 * time, and each batch is one {@link BatchScorer} call, so memory stays at one batch however many rankings there are.
 */
public final class PerturbationCurves {

    /**
     * @param steps     N, the number of steps from 0 to all patches (capped at the patch count)
     * @param baseline  what removed patches become / what insertion starts from
     * @param blurSigma Gaussian sigma in input pixels, for {@link Baseline#BLUR}
     * @param batchSize perturbed images per scorer call
     */
    public record Options(int steps, Baseline baseline, double blurSigma, int batchSize) {
        public Options {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            if (baseline == null) {
                throw new IllegalArgumentException("baseline is required");
            }
            if (baseline == Baseline.BLUR && !(blurSigma > 0 && Double.isFinite(blurSigma))) {
                throw new IllegalArgumentException("blur sigma must be a positive number of pixels, got " + blurSigma);
            }
        }
    }

    /** Both curves of one ranking. */
    public record Curves(Curve deletion, Curve insertion) {
        public double deletionAuc() {
            return deletion.auc();
        }

        public double insertionAuc() {
            return insertion.auc();
        }

        /** The point-wise mean of several rankings' curves. */
        public static Curves mean(List<Curves> all) {
            return new Curves(Curve.mean(all.stream().map(Curves::deletion).toList()),
                    Curve.mean(all.stream().map(Curves::insertion).toList()));
        }
    }

    /**
     * @param curves                one per ranking, in the order given
     * @param originalProbability   the target's probability on the unperturbed image
     * @param baselineProbability   the target's probability on the baseline image
     * @param forwardPasses         images scored
     * @param batches               scorer calls
     */
    public record Result(List<Curves> curves, double originalProbability, double baselineProbability,
                         int forwardPasses, int batches) {
    }

    /** The image and how it is cut into patches. */
    public record Image(float[] chw, int channels, int height, int width, int gridHeight, int gridWidth, int patch) {
        public Image {
            if (chw.length != channels * height * width) {
                throw new IllegalArgumentException("image has " + chw.length + " floats, expected " + channels + "x"
                        + height + "x" + width);
            }
            if (gridHeight * patch != height || gridWidth * patch != width) {
                throw new IllegalArgumentException("a " + gridHeight + "x" + gridWidth + " grid of " + patch
                        + "-pixel patches does not cover a " + height + "x" + width + " input");
            }
        }

        public int patches() {
            return gridHeight * gridWidth;
        }
    }

    private PerturbationCurves() {
    }

    /** The patch counts k_0 = 0 .. k_N = P of each step (N capped at P). */
    public static int[] stepCounts(int patches, int steps) {
        int n = Math.min(steps, patches);
        int[] k = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            k[i] = (int) Math.round((double) i * patches / n);
        }
        return k;
    }

    /**
     * @param target    the class whose probability is tracked (the class predicted on the unperturbed image)
     * @param rankings  patch orders, most relevant first (see {@link PatchRanking})
     * @param cancelled checked between batches; true throws {@link CancellationException}
     */
    public static Result compute(Image image, BatchScorer scorer, int target, List<int[]> rankings, Options options,
                                 BooleanSupplier cancelled) {
        int patches = image.patches();
        for (int[] r : rankings) {
            PatchRanking.check(r, patches);
        }
        float[] baseline = options.baseline().image(image.chw(), image.channels(), image.height(), image.width(),
                options.blurSigma());
        int[] counts = stepCounts(patches, options.steps());
        int n = counts.length - 1;
        double[] fractions = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            fractions[i] = (double) counts[i] / patches;
        }

        // Job 0: the image, job 1: the baseline, then per ranking the inner steps of deletion and insertion.
        int inner = n - 1;
        int total = 2 + rankings.size() * 2 * inner;
        double[] probability = new double[total];
        int batches = 0;
        for (int first = 0; first < total; first += options.batchSize()) {
            if (cancelled != null && cancelled.getAsBoolean()) {
                throw new CancellationException("faithfulness cancelled after " + first + " of " + total + " passes");
            }
            int size = Math.min(options.batchSize(), total - first);
            float[][] batch = new float[size][];
            for (int b = 0; b < size; b++) {
                int job = first + b;
                if (job == 0) {
                    batch[b] = image.chw().clone();
                } else if (job == 1) {
                    batch[b] = baseline.clone();
                } else {
                    int j = job - 2;
                    int ranking = j / (2 * inner);
                    int rest = j % (2 * inner);
                    boolean deletion = rest < inner;
                    int step = 1 + (deletion ? rest : rest - inner);
                    batch[b] = deletion
                            ? paste(image.chw(), baseline, image, rankings.get(ranking), counts[step])
                            : paste(baseline, image.chw(), image, rankings.get(ranking), counts[step]);
                }
            }
            float[][] scores = scorer.scoreBatch(batch);
            batches++;
            if (scores == null || scores.length != size) {
                throw new IllegalStateException("scorer returned " + (scores == null ? "null" : scores.length
                        + " results") + " for a batch of " + size);
            }
            for (int b = 0; b < size; b++) {
                probability[first + b] = softmaxAt(scores[b], target);
            }
        }

        List<Curves> curves = new ArrayList<>(rankings.size());
        for (int r = 0; r < rankings.size(); r++) {
            double[] del = new double[n + 1];
            double[] ins = new double[n + 1];
            del[0] = probability[0];
            del[n] = probability[1];
            ins[0] = probability[1];
            ins[n] = probability[0];
            int base = 2 + r * 2 * inner;
            for (int s = 1; s < n; s++) {
                del[s] = probability[base + s - 1];
                ins[s] = probability[base + inner + s - 1];
            }
            curves.add(new Curves(new Curve(fractions, del), new Curve(fractions, ins)));
        }
        return new Result(curves, probability[0], probability[1], total, batches);
    }

    /** {@code onto} with the first {@code k} patches of {@code ranking} copied from {@code from}. */
    static float[] paste(float[] onto, float[] from, Image image, int[] ranking, int k) {
        float[] out = onto.clone();
        int p = image.patch();
        int plane = image.height() * image.width();
        for (int i = 0; i < k; i++) {
            int y0 = ranking[i] / image.gridWidth() * p;
            int x0 = ranking[i] % image.gridWidth() * p;
            for (int c = 0; c < image.channels(); c++) {
                for (int y = y0; y < y0 + p; y++) {
                    int at = c * plane + y * image.width() + x0;
                    System.arraycopy(from, at, out, at, p);
                }
            }
        }
        return out;
    }

    /** Softmax probability of {@code target}, stable (max subtracted, double sums). */
    static double softmaxAt(float[] logits, int target) {
        if (target < 0 || target >= logits.length) {
            throw new IllegalArgumentException("target class " + target + " outside the model's " + logits.length
                    + " classes");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return Math.exp(logits[target] - max) / sum;
    }
}
