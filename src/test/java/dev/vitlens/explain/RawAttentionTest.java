package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RawAttentionTest {
    // DeiT layout: CLS, DIST, then a 2x3 grid -> T = 8
    private final TokenLayout layout = new TokenLayout(2, 2, 3, 16, 3, 4);

    /** Every entry encodes its own coordinates so a wrong index shows up as a wrong value. */
    private float[][][][] coded() {
        int t = layout.tokens();
        float[][][][] att = new float[3][4][t][t];
        for (int l = 0; l < 3; l++) {
            for (int h = 0; h < 4; h++) {
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < t; j++) {
                        att[l][h][i][j] = l * 1000 + h * 100 + i * 10 + j;
                    }
                }
            }
        }
        return att;
    }

    @Test
    void singleHeadClsRowOverPatchColumns() {
        HeatGrid grid = RawAttention.compute(coded(), layout, Family.DEIT, 2, HeadSelection.head(1), Query.CLS);
        assertEquals(2, grid.height());
        assertEquals(3, grid.width());
        // patch (r, c) is token 2 + 3r + c
        assertEquals(2100 + 0 * 10 + 2, grid.at(0, 0));
        assertEquals(2100 + 0 * 10 + 7, grid.at(1, 2));
        assertEquals(2100 + 0 * 10 + 6, grid.at(1, 1));
    }

    @Test
    void patchAndDistQueries() {
        HeatGrid patch4 = RawAttention.compute(coded(), layout, Family.DEIT, 0, HeadSelection.head(3), new Query.Patch(4));
        assertEquals(300 + 6 * 10 + 2, patch4.at(0, 0)); // query token 2 + 4 = 6
        HeatGrid dist = RawAttention.compute(coded(), layout, Family.DEIT, 1, HeadSelection.head(0), Query.DIST);
        assertEquals(1000 + 10 + 3, dist.at(0, 1));
        HeatGrid both = RawAttention.compute(coded(), layout, Family.DEIT, 1, HeadSelection.head(0), Query.AUTO);
        assertEquals(1000 + 5 + 3, both.at(0, 1)); // mean of rows 0 and 1
    }

    @Test
    void meanOfPatchRows() {
        HeatGrid grid = RawAttention.compute(coded(), layout, Family.DEIT, 0, HeadSelection.head(0), Query.MEAN_PATCHES);
        // rows 2..7 average to row index 4.5
        assertEquals(45 + 2, grid.at(0, 0), 1e-4);
    }

    @Test
    void fusedHeads() {
        float[][][][] att = coded();
        assertEquals(1000 + 150 + 2, RawAttention.compute(att, layout, Family.DEIT, 1, HeadSelection.fused(HeadFusion.MEAN), Query.CLS).at(0, 0), 1e-3);
        assertEquals(1000 + 300 + 2, RawAttention.compute(att, layout, Family.DEIT, 1, HeadSelection.fused(HeadFusion.MAX), Query.CLS).at(0, 0));
        assertEquals(1000 + 2, RawAttention.compute(att, layout, Family.DEIT, 1, HeadSelection.fused(HeadFusion.MIN), Query.CLS).at(0, 0));
    }

    @Test
    void perHeadGridsAndFlatReshape() {
        float[][][][] att = coded();
        HeatGrid[] grids = RawAttention.perHead(att, layout, Family.DEIT, 2, Query.CLS);
        assertEquals(4, grids.length);
        assertEquals(2300 + 2, grids[3].at(0, 0));

        int t = layout.tokens();
        float[][] flat = new float[3][4 * t * t];
        for (int l = 0; l < 3; l++) {
            int k = 0;
            for (int h = 0; h < 4; h++) {
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < t; j++) {
                        flat[l][k++] = att[l][h][i][j];
                    }
                }
            }
        }
        float[][][][] back = Attentions.fromFlat(flat, 4, t);
        for (int l = 0; l < 3; l++) {
            for (int h = 0; h < 4; h++) {
                for (int i = 0; i < t; i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(att[l][h][i], back[l][h][i]);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Attentions.fromFlat(flat, 3, t));
    }

    @Test
    void rejectsOutOfRange() {
        float[][][][] att = coded();
        assertThrows(IllegalArgumentException.class, () -> RawAttention.compute(att, layout, Family.DEIT, 3, HeadSelection.head(0), Query.CLS));
        assertThrows(IllegalArgumentException.class, () -> RawAttention.compute(att, layout, Family.DEIT, 0, HeadSelection.head(4), Query.CLS));
        assertThrows(IllegalArgumentException.class, () -> RawAttention.compute(att, layout, Family.DEIT, 0, HeadSelection.head(0), new Query.Patch(6)));
    }

    @Test
    void parsesHeads() {
        assertEquals(HeadSelection.head(3), HeadSelection.parse("3"));
        assertEquals(HeadSelection.fused(HeadFusion.MAX), HeadSelection.parse("max"));
        assertThrows(IllegalArgumentException.class, () -> HeadSelection.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> HeadSelection.parse("all"));
        assertThrows(IllegalArgumentException.class, () -> HeadSelection.parse("99999999999"));
    }
}
