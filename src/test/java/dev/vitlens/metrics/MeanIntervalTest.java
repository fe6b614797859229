package dev.vitlens.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The t-distribution against printed tables, and the interval against its formula. */
class MeanIntervalTest {

    @Test
    void quantilesMatchTheTables() {
        // Two-sided 95% critical values, e.g. NIST/SEMATECH e-Handbook table 1.3.6.7.2.
        double[][] table = {{1, 12.706}, {2, 4.303}, {5, 2.571}, {10, 2.228}, {19, 2.093}, {30, 2.042},
                {100, 1.984}, {499, 1.965}};
        for (double[] row : table) {
            assertEquals(row[1], StudentT.quantile(0.975, row[0]), 5e-4, "df " + row[0]);
        }
        assertEquals(0.5, StudentT.cdf(0, 7), 1e-12);
        // df = 1 is the Cauchy distribution: CDF = 1/2 + atan(t)/pi.
        assertEquals(0.5 + Math.atan(3) / Math.PI, StudentT.cdf(3, 1), 1e-10);
    }

    @Test
    void intervalIsMeanPlusMinusTTimesStandardError() {
        double[] v = {0.1, 0.4, 0.35, 0.2, 0.5};
        MeanInterval m = MeanInterval.of(v);
        double mean = 0.31;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double half = 2.7764451 * Math.sqrt(ss / 4) / Math.sqrt(5); // t(0.975, 4)
        assertEquals(mean, m.mean(), 1e-12);
        assertEquals(mean - half, m.lo(), 1e-6);
        assertEquals(mean + half, m.hi(), 1e-6);
        MeanInterval one = MeanInterval.of(new double[] {0.3});
        assertEquals(0.3, one.mean());
        assertFalse(one.hasInterval());
    }
}
