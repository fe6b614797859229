package dev.vitlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddCountIsTheMiddleSample() {
        Stats s = Stats.ofMillis(new double[] {5, 1, 3});
        assertEquals(3, s.medianMs());
        assertEquals(1, s.minMs());
        assertEquals(3, s.meanMs(), 1e-12);
        assertEquals(3, s.n());
    }

    @Test
    void medianOfEvenCountAveragesTheTwoMiddleSamples() {
        assertEquals(2.5, Stats.ofMillis(new double[] {4, 1, 3, 2}).medianMs());
    }

    @Test
    void p95IsTheNearestRankSample() {
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i; // 1..100 reversed: sorting must not be assumed
        }
        assertEquals(95, Stats.ofMillis(hundred).p95Ms());
        // 20 samples: rank ceil(0.95 * 20) = 19
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = i + 1;
        }
        assertEquals(19, Stats.ofMillis(twenty).p95Ms());
        // 10 samples: rank ceil(9.5) = 10, the maximum
        assertEquals(10, Stats.ofMillis(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).p95Ms());
        assertEquals(7, Stats.ofMillis(new double[] {7}).p95Ms());
    }

    @Test
    void p95IgnoresASingleOutlierInTwentyOneSamplesButNotInTen() {
        double[] samples = new double[21];
        java.util.Arrays.fill(samples, 1.0);
        samples[7] = 1000;
        assertEquals(1.0, Stats.ofMillis(samples).p95Ms()); // rank ceil(19.95) = 20 of 21
        assertEquals(1.0, Stats.ofMillis(samples).medianMs());
    }

    @Test
    void matchesASortedReferenceOnRandomData() {
        Random random = new Random(3);
        for (int n = 1; n < 60; n++) {
            List<Double> values = new ArrayList<>();
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                raw[i] = random.nextDouble() * 100;
                values.add(raw[i]);
            }
            Collections.sort(values);
            Stats s = Stats.ofMillis(raw);
            double median = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
            assertEquals(median, s.medianMs(), 0);
            int rank = (int) Math.ceil(0.95 * n);
            assertEquals(values.get(rank - 1), s.p95Ms(), 0);
            assertEquals(values.get(0), s.minMs(), 0);
        }
    }

    @Test
    void nanosecondsAreConvertedToMilliseconds() {
        Stats s = Stats.ofNanos(new long[] {1_000_000, 3_000_000, 2_000_000});
        assertEquals(2.0, s.medianMs(), 1e-12);
    }

    @Test
    void rejectsEmptyInputAndBadPercentiles() {
        assertThrows(IllegalArgumentException.class, () -> Stats.ofMillis(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new double[] {1}, 101));
    }

    @Test
    void harnessRunsWarmupPlusIterationsAndInterleavesTasks() throws Exception {
        List<String> calls = new ArrayList<>();
        Harness h = new Harness(2, 3);
        Stats[] s = h.interleaved(() -> calls.add("a"), () -> calls.add("b"));
        assertEquals(List.of("a", "b", "a", "b", "a", "b", "a", "b", "a", "b"), calls);
        assertEquals(3, s[0].n());
        assertEquals(3, s[1].n());
        int[] count = {0};
        assertEquals(3, h.time(() -> count[0]++).n());
        assertEquals(5, count[0]);
        Harness scaled = new Harness(5, 30).scaledDown(32);
        assertEquals(1, scaled.warmup());
        assertEquals(3, scaled.iterations());
    }

    @Test
    void peerJsonIsTheLastJsonLineOfStdout() {
        assertEquals("{\"b\":2}", PeerRunner.lastJsonLine("loading...\n{\"a\":1}\nnoise\n{\"b\":2}\n\n"));
        assertEquals(null, PeerRunner.lastJsonLine("no json here\n"));
    }
}
