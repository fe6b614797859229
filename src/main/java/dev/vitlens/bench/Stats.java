package dev.vitlens.bench;

import java.util.Arrays;

/**
 * Summary of repeated timings in milliseconds.
 * <p>
 * Median: the middle sample (mean of the two middle ones for an even count). p95: nearest-rank percentile, the
 * smallest sample with at least 95% of the samples at or below it ({@code sorted[ceil(0.95 n) - 1]}), so it is
 * always an observed time and never an interpolation.
 *
 * @param n        number of timed samples (warm-up runs excluded)
 * @param medianMs median
 * @param p95Ms    95th percentile, nearest rank
 * @param minMs    fastest sample
 * @param meanMs   arithmetic mean
 */
public record Stats(int n, double medianMs, double p95Ms, double minMs, double meanMs) {

    /** Statistics of durations in nanoseconds. */
    public static Stats ofNanos(long[] nanos) {
        double[] ms = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            ms[i] = nanos[i] / 1e6;
        }
        return ofMillis(ms);
    }

    /** Statistics of durations in milliseconds. */
    public static Stats ofMillis(double[] ms) {
        if (ms.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return new Stats(sorted.length, median(sorted), percentile(sorted, 95), sorted[0], sum / sorted.length);
    }

    /** Median of sorted values. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Nearest-rank percentile of sorted values, {@code 0 < p <= 100}. */
    static double percentile(double[] sorted, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }
}
