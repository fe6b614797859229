package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionRolloutTest {

    static TokenLayout layoutOf(Family family) {
        return switch (family) {
            case VIT -> new TokenLayout(1, 3, 4, 16, 4, 3);
            case DEIT -> new TokenLayout(2, 4, 3, 16, 4, 3);
            case BEIT -> new TokenLayout(1, 4, 4, 16, 4, 3);
        };
    }

    /** Query weights written out by hand per family, independent of {@link Query#weights}. */
    static double[] expectedWeights(String query, Family family, TokenLayout layout) {
        double[] w = new double[layout.tokens()];
        int p = layout.prefixTokens();
        String q = query.equals("auto") ? switch (family) {
            case VIT -> "cls";
            case DEIT -> "cls+dist";
            case BEIT -> "mean";
        } : query;
        switch (q) {
            case "cls" -> w[0] = 1;
            case "dist" -> w[1] = 1;
            case "cls+dist" -> {
                w[0] = 0.5;
                w[1] = 0.5;
            }
            case "mean" -> {
                for (int i = p; i < w.length; i++) {
                    w[i] = 1.0 / layout.patches();
                }
            }
            default -> w[p + Integer.parseInt(q.substring("patch:".length()))] = 1;
        }
        return w;
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Family family : Family.values()) {
            List<String> queries = new ArrayList<>(List.of("auto", "cls", "mean", "patch:5"));
            if (family == Family.DEIT) {
                queries.add("dist");
                queries.add("cls+dist");
            }
            for (String query : queries) {
                for (String fusion : List.of("mean", "max", "min")) {
                    for (double discard : new double[] {0, 0.3, 0.9}) {
                        all.add(Arguments.of(family, query, fusion, discard));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} query={1} fusion={2} discard={3}")
    @MethodSource("cases")
    void matchesNaiveFullMatrixProduct(Family family, String query, String fusion, double discard) {
        TokenLayout layout = layoutOf(family);
        Random random = new Random(family.ordinal() * 1000L + query.hashCode() + fusion.hashCode() + (long) (discard * 10));
        float[][][][] att = RandomAttentions.softmaxRows(random, layout.layers(), layout.heads(), layout.tokens(), 2.0);

        AttentionRollout rollout = new AttentionRollout(HeadFusion.parse(fusion), discard);
        double[] fast = rollout.rolloutRow(att, layout, family, Query.parse(query));

        double[][] r = NaiveRollout.fullRollout(att, fusion, discard, layout.prefixTokens(), NaiveRollout.Axis.ROWS);
        double[] naive = NaiveRollout.combineRows(r, expectedWeights(query, family, layout));
        assertArrayEquals(naive, fast, 1e-6);

        HeatGrid grid = rollout.compute(att, layout, family, Query.parse(query));
        assertEquals(layout.gridHeight(), grid.height());
        assertEquals(layout.gridWidth(), grid.width());
        for (int row = 0; row < layout.gridHeight(); row++) {
            for (int col = 0; col < layout.gridWidth(); col++) {
                assertEquals(naive[layout.tokenOfPatch(row, col)], grid.at(row, col), 1e-6);
            }
        }
    }

    @ParameterizedTest(name = "{0} query={1} fusion={2} discard={3}")
    @MethodSource("cases")
    void rolloutRowSumsToOne(Family family, String query, String fusion, double discard) {
        TokenLayout layout = layoutOf(family);
        float[][][][] att = RandomAttentions.softmaxRows(new Random(7), layout.layers(), layout.heads(), layout.tokens(), 3.0);
        double[] row = new AttentionRollout(HeadFusion.parse(fusion), discard)
                .rolloutRow(att, layout, family, Query.parse(query));
        double sum = 0;
        for (double x : row) {
            assertTrue(x >= 0, "rollout entries are non-negative");
            sum += x;
        }
        assertEquals(1.0, sum, 1e-9);
    }

    @Test
    void normalisesRowsNotColumns() {
        // With max fusion and discarding, rows of F + I have different sums, so the vit-explain #16 bug
        // (dividing by the row sums broadcast over columns) gives a clearly different map.
        Family family = Family.VIT;
        TokenLayout layout = layoutOf(family);
        float[][][][] att = RandomAttentions.softmaxRows(new Random(11), layout.layers(), layout.heads(), layout.tokens(), 3.0);
        double[] fast = new AttentionRollout(HeadFusion.MAX, 0.5).rolloutRow(att, layout, family, Query.CLS);

        double[] right = NaiveRollout.fullRollout(att, "max", 0.5, 1, NaiveRollout.Axis.ROWS)[0];
        double[] wrong = NaiveRollout.fullRollout(att, "max", 0.5, 1, NaiveRollout.Axis.COLUMNS_BUG)[0];
        assertArrayEquals(right, fast, 1e-6);
        double maxDiff = 0;
        for (int j = 0; j < right.length; j++) {
            maxDiff = Math.max(maxDiff, Math.abs(wrong[j] - fast[j]));
        }
        assertTrue(maxDiff > 1e-3, "column-normalised rollout should differ, max diff " + maxDiff);
    }

    @Test
    void chainsLastLayerOnTheLeft() {
        // R = Â_L ··· Â_1: the CLS row of R is e_cls · Â_L · ... · Â_1. Reversing the layer order must change it.
        Family family = Family.VIT;
        TokenLayout layout = layoutOf(family);
        float[][][][] att = RandomAttentions.softmaxRows(new Random(5), layout.layers(), layout.heads(), layout.tokens(), 3.0);
        float[][][][] reversed = new float[att.length][][][];
        for (int l = 0; l < att.length; l++) {
            reversed[l] = att[att.length - 1 - l];
        }
        AttentionRollout rollout = AttentionRollout.standard();
        double[] forward = rollout.rolloutRow(att, layout, family, Query.CLS);
        double[] backward = rollout.rolloutRow(reversed, layout, family, Query.CLS);
        assertArrayEquals(NaiveRollout.fullRollout(att, "mean", 0, 1, NaiveRollout.Axis.ROWS)[0], forward, 1e-6);
        double maxDiff = 0;
        for (int j = 0; j < forward.length; j++) {
            maxDiff = Math.max(maxDiff, Math.abs(forward[j] - backward[j]));
        }
        assertTrue(maxDiff > 1e-3, "layer order matters, max diff " + maxDiff);
    }

    @Test
    void rolloutOfInGraphHeadMeansEqualsMeanFusion() {
        // live use fetches attention_mean.i ([T,T] per layer) instead of all heads
        Family family = Family.BEIT;
        TokenLayout layout = layoutOf(family);
        float[][][][] att = RandomAttentions.softmaxRows(new Random(21), layout.layers(), layout.heads(), layout.tokens(), 2.0);
        float[][][][] means = new float[att.length][1][][];
        for (int l = 0; l < att.length; l++) {
            means[l][0] = HeadFusion.MEAN.fuse(att[l]);
        }
        for (double discard : new double[] {0, 0.5}) {
            AttentionRollout rollout = new AttentionRollout(HeadFusion.MEAN, discard);
            assertArrayEquals(rollout.rolloutRow(att, layout, family, Query.AUTO),
                    rollout.rolloutRow(means, layout, family, Query.AUTO), 1e-7);
        }
    }

    @Test
    void singleLayerByHand() {
        // T = 3 (CLS + 1x2 grid), one head. Â = rownorm(A + I); CLS row of Â is the map.
        TokenLayout layout = new TokenLayout(1, 1, 2, 16, 1, 1);
        float[][][][] att = {{{
                {0.2f, 0.5f, 0.3f},
                {0.1f, 0.1f, 0.8f},
                {0.3f, 0.3f, 0.4f}}}};
        HeatGrid grid = AttentionRollout.standard().compute(att, layout, Family.VIT, Query.CLS);
        assertEquals(0.5 / 2, grid.at(0, 0), 1e-7);
        assertEquals(0.3 / 2, grid.at(0, 1), 1e-7);
        HeatGrid patch1 = AttentionRollout.standard().compute(att, layout, Family.VIT, new Query.Patch(1));
        assertEquals(0.3 / 2, patch1.at(0, 0), 1e-7);
        assertEquals(1.4 / 2, patch1.at(0, 1), 1e-7);
    }

    @Test
    void discardKeepsPrefixRowsAndColumns() {
        int prefix = 2;
        int t = 2 + 9;
        float[][] fused = new float[t][t];
        Random random = new Random(3);
        for (float[] row : fused) {
            for (int j = 0; j < t; j++) {
                row[j] = random.nextFloat() * 1e-3f; // everything is tiny, prefix entries included
            }
        }
        float[][] before = new float[t][];
        for (int i = 0; i < t; i++) {
            before[i] = fused[i].clone();
        }
        AttentionRollout.discardWeakest(fused, prefix, 0.5);
        int zeroed = 0;
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                if (i < prefix || j < prefix) {
                    assertEquals(before[i][j], fused[i][j], "prefix entry (" + i + "," + j + ") must be kept");
                } else if (fused[i][j] == 0) {
                    zeroed++;
                }
            }
        }
        assertEquals(40, zeroed); // floor(0.5 * 81)
        // the kept patch entries are exactly the 41 largest
        float smallestKept = Float.MAX_VALUE;
        float largestDropped = 0;
        for (int i = prefix; i < t; i++) {
            for (int j = prefix; j < t; j++) {
                if (fused[i][j] == 0) {
                    largestDropped = Math.max(largestDropped, before[i][j]);
                } else {
                    smallestKept = Math.min(smallestKept, fused[i][j]);
                }
            }
        }
        assertTrue(largestDropped <= smallestKept);
    }

    @Test
    void discardBreaksTiesInRowMajorOrder() {
        float[][] fused = new float[5][5]; // prefix 1, 2x2 grid, all patch entries equal
        for (float[] row : fused) {
            java.util.Arrays.fill(row, 0.25f);
        }
        AttentionRollout.discardWeakest(fused, 1, 0.5);
        assertEquals(0f, fused[1][1]);
        assertEquals(0f, fused[1][2]);
        assertEquals(0f, fused[1][3]);
        assertEquals(0f, fused[1][4]);
        assertEquals(0f, fused[2][4]); // 8 of the 16 equal patch entries: rows 1 and 2
        assertEquals(0.25f, fused[3][1]);
        assertEquals(0.25f, fused[4][4]);
        assertEquals(0.25f, fused[0][1]);
    }

    @Test
    void rejectsBadInput() {
        TokenLayout vit = layoutOf(Family.VIT);
        float[][][][] att = RandomAttentions.softmaxRows(new Random(1), 2, 2, vit.tokens(), 1);
        AttentionRollout rollout = AttentionRollout.standard();

        IllegalArgumentException wrongTokens = assertThrows(IllegalArgumentException.class,
                () -> rollout.compute(att, new TokenLayout(1, 4, 4, 16, 2, 2), Family.VIT, Query.CLS));
        assertTrue(wrongTokens.getMessage().contains("needs 17"), wrongTokens.getMessage());

        IllegalArgumentException family = assertThrows(IllegalArgumentException.class,
                () -> rollout.compute(att, vit, Family.DEIT, Query.CLS));
        assertTrue(family.getMessage().contains("prefix token"), family.getMessage());

        IllegalArgumentException dist = assertThrows(IllegalArgumentException.class,
                () -> rollout.compute(att, vit, Family.VIT, Query.DIST));
        assertTrue(dist.getMessage().contains("distillation"), dist.getMessage());

        assertThrows(IllegalArgumentException.class, () -> rollout.compute(att, vit, Family.VIT, new Query.Patch(12)));
        assertThrows(IllegalArgumentException.class, () -> new AttentionRollout(HeadFusion.MEAN, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new AttentionRollout(HeadFusion.MEAN, -0.1));

        float[][][][] ragged = RandomAttentions.softmaxRows(new Random(1), 2, 2, vit.tokens(), 1);
        ragged[1] = new float[][][] {ragged[1][0]};
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> rollout.compute(ragged, vit, Family.VIT, Query.CLS));
        assertTrue(heads.getMessage().contains("layer 1 has 1 heads"), heads.getMessage());

        float[][][][] nan = RandomAttentions.softmaxRows(new Random(1), 2, 2, vit.tokens(), 1);
        nan[0][0][3][4] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> rollout.compute(nan, vit, Family.VIT, Query.MEAN_PATCHES));
    }

    @Test
    void parsesQueries() {
        assertEquals(Query.AUTO, Query.parse("auto"));
        assertEquals(Query.CLS, Query.parse("CLS"));
        assertEquals(Query.CLS_DIST, Query.parse("cls+dist"));
        assertEquals(Query.MEAN_PATCHES, Query.parse("mean"));
        assertEquals(new Query.Patch(17), Query.parse("patch:17"));
        assertEquals("patch:17", Query.parse("patch:17").label());
        assertThrows(IllegalArgumentException.class, () -> Query.parse("patch:x"));
        assertThrows(IllegalArgumentException.class, () -> Query.parse("patch:-1"));
        assertThrows(IllegalArgumentException.class, () -> Query.parse("everything"));
        assertEquals(Query.CLS, Query.AUTO.resolve(Family.VIT));
        assertEquals(Query.CLS_DIST, Query.AUTO.resolve(Family.DEIT));
        assertEquals(Query.MEAN_PATCHES, Query.AUTO.resolve(Family.BEIT));
    }
}
