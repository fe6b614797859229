package dev.vitlens.metrics;

/**
 * One deletion or insertion curve: the target class's probability after each step.
 *
 * @param fractions fraction of patches removed (deletion) or revealed (insertion), from 0 to 1, non-decreasing
 * @param scores    softmax probability of the target class at each fraction
 */
public record Curve(double[] fractions, double[] scores) {

    public Curve {
        if (fractions.length != scores.length || fractions.length < 2) {
            throw new IllegalArgumentException("a curve needs at least two points with one score each, got "
                    + fractions.length + " fractions and " + scores.length + " scores");
        }
        fractions = fractions.clone();
        scores = scores.clone();
    }

    @Override
    public double[] fractions() {
        return fractions.clone();
    }

    @Override
    public double[] scores() {
        return scores.clone();
    }

    /** Area under the curve by the trapezoid rule over the fraction axis [0, 1]. */
    public double auc() {
        return trapezoid(fractions, scores);
    }

    /** The trapezoid rule: sum of (x[i+1]-x[i]) * (y[i]+y[i+1]) / 2. */
    public static double trapezoid(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
        }
        double area = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            if (x[i + 1] < x[i]) {
                throw new IllegalArgumentException("x must not decrease (x[" + i + "]=" + x[i] + ", x[" + (i + 1)
                        + "]=" + x[i + 1] + ")");
            }
            area += (x[i + 1] - x[i]) * (y[i] + y[i + 1]) / 2;
        }
        return area;
    }

    /** The point-wise mean of curves over the same fractions (the random baseline's curve over its seeds). */
    public static Curve mean(java.util.List<Curve> curves) {
        if (curves.isEmpty()) {
            throw new IllegalArgumentException("no curves to average");
        }
        double[] x = curves.get(0).fractions;
        double[] y = new double[x.length];
        for (Curve c : curves) {
            if (!java.util.Arrays.equals(c.fractions, x)) {
                throw new IllegalArgumentException("curves to average must share their fractions");
            }
            for (int i = 0; i < y.length; i++) {
                y[i] += c.scores[i] / curves.size();
            }
        }
        return new Curve(x, y);
    }
}
