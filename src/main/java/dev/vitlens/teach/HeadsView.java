package dev.vitlens.teach;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.Colormap;

import java.util.Locale;
import java.util.Set;

/** The head x layer overview: one small raw-attention map per head and layer, for the selected query token. */
public final class HeadsView extends TeachingView {

    /**
     * @param query           the query token (0-based over the sequence)
     * @param queryLabel      "[CLS]", "[DIST]" or "patch (row, col)"
     * @param maps            {@code [layer][head][P]}: the query's raw attention to each patch token, row-major
     * @param prefixAttention {@code [layer][head]}: the attention the query pays to the prefix tokens (not drawn)
     */
    public record Data(int query, @JsonProperty("query_label") String queryLabel, int[] grid, float[][][] maps,
                       @JsonProperty("prefix_attention") float[][] prefixAttention, @JsonIgnore int layer,
                       @JsonIgnore int head, @JsonIgnore int queryPatch, @JsonIgnore int[] picture,
                       @JsonIgnore int inputHeight, @JsonIgnore int inputWidth, @JsonIgnore String subtitle)
            implements ViewData {

        @Override
        public Sketch sketch() {
            int layers = maps.length;
            int heads = maps[0].length;
            int gh = grid[0];
            int gw = grid[1];
            int cell = Math.max(2, Math.min(8, (600 / heads - 5) / gw));
            int map = cell * gw;
            int mapH = cell * gh;
            int gap = 5;
            int left = Figures.MARGIN + 52;
            int top = Figures.HEADER + 26;
            int overviewW = heads * (map + gap);
            int overviewH = layers * (mapH + gap);
            int bigCell = Math.max(4, 220 / Math.max(gw, gh));
            int bigX = left + overviewW + 30;
            float[] selected = maps[layer][head];
            float max = 0;
            for (float v : selected) {
                max = Math.max(max, v);
            }
            int barX = bigX + bigCell * gw + 12;
            int width = Math.max(barX + Figures.colourBarWidth(0, max, "attention") + Figures.MARGIN, bigX + 250);
            int thumbScale = Math.max(1, 120 / Math.max(inputHeight, inputWidth));
            int thumbY = top + bigCell * gh + 70;
            String note = "Each small map is one head's attention weights from the query to every patch, before any"
                    + " rollout; each map is coloured from 0 to its own maximum, so compare shapes, not brightness,"
                    + " between maps.";
            int foot = Math.max(top + overviewH + 10, thumbY + inputHeight * thumbScale + 20) + 10;
            int height = (int) (foot + Sketch.paragraphHeight(note, Figures.SMALL, width - 2 * Figures.MARGIN))
                    + Figures.MARGIN;
            Sketch s = Figures.sketch(width, height, "Attention heads x layers: where " + queryLabel + " looks (raw attention)", subtitle);
            for (int h = 0; h < heads; h++) {
                s.text(left + h * (map + gap) + map / 2.0, top - 8, heads > 16 ? Integer.toString(h) : "head " + h,
                        Figures.SMALL, h == head ? Sketch.SELECTION : Sketch.TEXT, Sketch.Anchor.MIDDLE, h == head);
            }
            for (int l = 0; l < layers; l++) {
                int y = top + l * (mapH + gap);
                s.text(left - 8, y + mapH / 2.0 + 4, "layer " + l, Figures.SMALL,
                        l == layer ? Sketch.SELECTION : Sketch.TEXT, Sketch.Anchor.END, l == layer);
                for (int h = 0; h < heads; h++) {
                    int x = left + h * (map + gap);
                    float[] m = maps[l][h];
                    float mx = 0;
                    for (float v : m) {
                        mx = Math.max(mx, v);
                    }
                    s.cells(x, y, cell, cell, gh, gw, Figures.colours(m, Colormap.VIRIDIS, 0, mx));
                    if (l == layer && h == head) {
                        s.rect(x - 1.5, y - 1.5, map + 3, mapH + 3, Sketch.NONE, Sketch.SELECTION, 2);
                    }
                }
            }
            s.text(bigX, top - 8, "layer " + layer + ", head " + head, Figures.LABEL, Sketch.TEXT, Sketch.Anchor.START,
                    true);
            s.cells(bigX, top, bigCell, bigCell, gh, gw, Figures.colours(selected, Colormap.VIRIDIS, 0, max));
            if (queryPatch >= 0) {
                s.rect(bigX + (queryPatch % gw) * bigCell, top + (queryPatch / gw) * bigCell, bigCell, bigCell,
                        Sketch.NONE, Sketch.SELECTION, 2);
            }
            Figures.colourBar(s, barX, top, 14, bigCell * gh, Colormap.VIRIDIS, 0, max, "attention");
            s.text(bigX, top + bigCell * gh + 18, String.format(Locale.ROOT, "to prefix tokens (not drawn): %.1f%%",
                    100 * prefixAttention[layer][head]), Figures.SMALL, Sketch.TEXT, Sketch.Anchor.START, false);
            s.text(bigX, thumbY - 10, "query: " + queryLabel, Figures.SMALL, Sketch.TEXT, Sketch.Anchor.START, true);
            s.cells(bigX, thumbY, thumbScale, thumbScale, inputHeight, inputWidth, picture);
            if (queryPatch >= 0) {
                int p = inputWidth / gw;
                s.rect(bigX + (queryPatch % gw) * p * thumbScale, thumbY + (queryPatch / gw) * p * thumbScale,
                        p * thumbScale, p * thumbScale, Sketch.NONE, Sketch.SELECTION, 2);
            }
            s.paragraph(Figures.MARGIN, foot, width - 2 * Figures.MARGIN, note, Figures.SMALL, Sketch.MUTED);
            return s;
        }

        @Override
        public String summary() {
            float[] m = maps[layer][head];
            int best = 0;
            for (int i = 1; i < m.length; i++) {
                if (m[i] > m[best]) {
                    best = i;
                }
            }
            return String.format(Locale.ROOT, "raw attention of %s (token %d), %d layers x %d heads, %d x %d patches%n"
                            + "layer %d head %d: strongest patch %d (%d, %d) %.4f; prefix tokens %.4f",
                    queryLabel, query, maps.length, maps[0].length, grid[0], grid[1], layer, head, best,
                    best / grid[1], best % grid[1], m[best], prefixAttention[layer][head]);
        }
    }

    public HeadsView() {
        super("heads", "Head x layer grid of raw attention maps for one query",
                "Each layer has several attention heads that work side by side, and each head decides on its own"
                        + " where to look. Attention is a set of weights: for the query token (here [CLS] or a patch"
                        + " you pick) every token gets a share, and the shares add up to 1. This overview shows, for"
                        + " every layer (rows) and head (columns), the raw attention weights from the query to each"
                        + " patch as a small map, before any rollout or averaging. Weight given to [CLS] or [DIST]"
                        + " is not drawn; its amount is printed. Pick one map to see it large.",
                Set.of(TeachNeed.ATTENTIONS), false);
    }

    @Override
    protected ViewData build(TeachInput input) {
        TokenLayout layout = input.layout();
        TeachSelection sel = input.selection();
        float[][][][] att = input.internals().attentions();
        int q = sel.query();
        int pre = layout.prefixTokens();
        int n = layout.patches();
        float[][][] maps = new float[att.length][][];
        float[][] prefix = new float[att.length][];
        for (int l = 0; l < att.length; l++) {
            maps[l] = new float[att[l].length][n];
            prefix[l] = new float[att[l].length];
            for (int h = 0; h < att[l].length; h++) {
                float[] row = att[l][h][q];
                System.arraycopy(row, pre, maps[l][h], 0, n);
                float s = 0;
                for (int k = 0; k < pre; k++) {
                    s += row[k];
                }
                prefix[l][h] = s;
            }
        }
        int[] picture = input.memo(TeachInput.Scope.IMAGE, "input-picture",
                () -> InputPicture.rgb(input.internals()));
        return new Data(q, TeachSelection.tokenLabel(q, layout, input.family()),
                new int[] {layout.gridHeight(), layout.gridWidth()}, maps, prefix, sel.layer(), sel.head(),
                q >= pre ? q - pre : -1, picture, input.model().inputHeight(), input.model().inputWidth(),
                input.describeModel());
    }
}
