package dev.vitlens.metrics;

/**
 * The mean of per-image values with a two-sided 95% confidence interval from the t-distribution:
 * mean ± t(0.975, n−1) · s / √n, with s the sample standard deviation. It assumes the images are an independent
 * sample; with fewer than two values there is no interval ({@code lo} and {@code hi} are NaN).
 */
public record MeanInterval(int n, double mean, double lo, double hi) {

    public static MeanInterval of(double[] values) {
        int n = values.length;
        if (n == 0) {
            return new MeanInterval(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = 0;
        for (double v : values) {
            mean += v / n;
        }
        if (n < 2) {
            return new MeanInterval(n, mean, Double.NaN, Double.NaN);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double half = StudentT.quantile(0.975, n - 1) * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        return new MeanInterval(n, mean, mean - half, mean + half);
    }

    public boolean hasInterval() {
        return !Double.isNaN(lo);
    }
}
