package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Times attention rollout on ViT-B/16-shaped data (12 layers, 12 heads, 197 tokens, random softmax rows):
 * {@link AttentionRollout} (row vector pushed through the layers, O(L·H·T²)) against the textbook full-matrix product
 * R = Â_L ··· Â_1 (O(L·T³)), and the overlay rendering of the result. Prints medians in microseconds.
 *
 * <p>Run: {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.explain.RolloutBenchmark [iterations]}
 */
public final class RolloutBenchmark {
    private RolloutBenchmark() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        TokenLayout layout = new TokenLayout(1, 14, 14, 16, 12, 12);
        float[][][][] att = randomAttentions(new Random(1), layout.layers(), layout.heads(), layout.tokens());
        AttentionRollout rollout = AttentionRollout.standard();

        double[] fastRow = rollout.rolloutRow(att, layout, Family.VIT, Query.CLS);
        double[] naiveRow = naiveClsRow(att);
        double maxDiff = 0;
        for (int j = 0; j < fastRow.length; j++) {
            maxDiff = Math.max(maxDiff, Math.abs(fastRow[j] - naiveRow[j]));
        }

        long[] fast = time(iterations, () -> rollout.compute(att, layout, Family.VIT, Query.CLS));
        long[] fastDiscard = time(iterations,
                () -> new AttentionRollout(HeadFusion.MAX, 0.9).compute(att, layout, Family.VIT, Query.CLS));
        long[] naive = time(Math.max(3, iterations / 3), () -> naiveClsRow(att));
        HeatGrid grid = rollout.compute(att, layout, Family.VIT, Query.CLS);
        BufferedImage small = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        BufferedImage hd = new BufferedImage(1280, 720, BufferedImage.TYPE_INT_RGB);
        RenderOptions options = RenderOptions.defaults().withGridLines(true);
        long[] overlaySmall = time(iterations, () -> HeatmapRenderer.overlay(small, grid, options));
        long[] overlayHd = time(iterations, () -> HeatmapRenderer.overlay(hd, grid, options));

        System.out.println("ViT-B/16 shape: " + layout.layers() + " layers, " + layout.heads() + " heads, "
                + layout.tokens() + " tokens; " + Runtime.getRuntime().availableProcessors() + " CPUs, Java "
                + System.getProperty("java.version") + ", load average "
                + String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage()));
        print("rollout fast (row vector, mean fusion)", fast);
        print("rollout fast (max fusion, discard 0.9)", fastDiscard);
        print("rollout naive (full T^3 products)", naive);
        System.out.printf(Locale.ROOT, "speed-up naive/fast: %.1fx on medians, %.1fx on minima; max |fast - naive| = %.2e%n",
                (double) median(naive) / median(fast), (double) min(naive) / min(fast), maxDiff);
        print("overlay 14x14 -> 224x224 with grid", overlaySmall);
        print("overlay 14x14 -> 1280x720 with grid", overlayHd);
    }

    private static void print(String what, long[] nanos) {
        System.out.printf(Locale.ROOT, "%-42s median %9.1f us  (min %9.1f, n=%d)%n", what, median(nanos) / 1e3,
                Arrays.stream(nanos).min().orElse(0) / 1e3, nanos.length);
    }

    private static long min(long[] nanos) {
        return Arrays.stream(nanos).min().orElse(1);
    }

    private static long median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Warms up, then times each run separately. */
    private static long[] time(int iterations, Runnable task) {
        for (int i = 0; i < Math.max(3, iterations / 3); i++) {
            task.run();
        }
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            task.run();
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    /** Baseline: mean-fuse heads, Â = rownorm(F + I), R = Â_l · R for every layer (T³ each), read R's CLS row. */
    static double[] naiveClsRow(float[][][][] att) {
        int t = att[0][0].length;
        double[][] r = new double[t][t];
        for (int i = 0; i < t; i++) {
            r[i][i] = 1;
        }
        double[][] a = new double[t][t];
        for (float[][][] layer : att) {
            for (int i = 0; i < t; i++) {
                double rowSum = 0;
                for (int j = 0; j < t; j++) {
                    double s = 0;
                    for (float[][] head : layer) {
                        s += head[i][j];
                    }
                    a[i][j] = s / layer.length + (i == j ? 1 : 0);
                    rowSum += a[i][j];
                }
                for (int j = 0; j < t; j++) {
                    a[i][j] /= rowSum;
                }
            }
            double[][] next = new double[t][t];
            for (int i = 0; i < t; i++) {
                double[] out = next[i];
                for (int k = 0; k < t; k++) {
                    double aik = a[i][k];
                    double[] rk = r[k];
                    for (int j = 0; j < t; j++) {
                        out[j] += aik * rk[j];
                    }
                }
            }
            r = next;
        }
        return r[0].clone();
    }

    static float[][][][] randomAttentions(Random random, int layers, int heads, int tokens) {
        float[][][][] att = new float[layers][heads][tokens][tokens];
        double[] e = new double[tokens];
        for (float[][][] layer : att) {
            for (float[][] head : layer) {
                for (float[] row : head) {
                    double sum = 0;
                    for (int j = 0; j < tokens; j++) {
                        e[j] = Math.exp(random.nextGaussian() * 2);
                        sum += e[j];
                    }
                    for (int j = 0; j < tokens; j++) {
                        row[j] = (float) (e[j] / sum);
                    }
                }
            }
        }
        return att;
    }
}
