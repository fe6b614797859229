package dev.vitlens.teach;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.Colormap;
import dev.vitlens.internals.ModelWeights;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where the model learned positions. ViT and DeiT add a learned position embedding to every token: the view shows
 * each patch's cosine similarity with every other patch's embedding (ViT Fig. 7 centre). BEiT has no absolute
 * position embeddings; it adds a learned relative position bias to the attention scores instead, per layer and head,
 * which the view shows as maps of the bias by offset between query and key patch.
 */
public final class PositionSimilarityView extends TeachingView {

    /** The names of the three extra rows of a BEiT bias table, in table order. */
    static final List<String> PREFIX_BIAS_ORDER = List.of("cls_to_patch", "patch_to_cls", "cls_to_cls");

    /**
     * Absolute position embeddings.
     *
     * @param similarity {@code [P][P]} cosine similarity of patch i's and patch j's position embeddings (prefix
     *                   tokens excluded)
     * @param selected   the selected patch's row of {@code similarity}
     */
    public record Similarity(String shows, int[] grid, int patch, float[][] similarity, float[] selected,
                             @JsonIgnore String subtitle) implements ViewData {

        @Override
        public Sketch sketch() {
            int gh = grid[0];
            int gw = grid[1];
            int cell = Math.max(2, Math.min(8, (720 / gw - 3) / gw));
            int map = cell * gw;
            int mapH = cell * gh;
            int gap = 3;
            int left = Figures.MARGIN;
            int top = Figures.HEADER + 22;
            int overviewW = gw * (map + gap);
            int overviewH = gh * (mapH + gap);
            int bigCell = Math.max(4, 260 / Math.max(gw, gh));
            int bigX = left + overviewW + 36;
            int barX = bigX + bigCell * gw + 14;
            int width = barX + Figures.colourBarWidth(-1, 1, "cosine") + Figures.MARGIN;
            String note = "Bright = the two patches' position embeddings point the same way. Nearby patches, and"
                    + " patches in the same row or column, usually come out similar: the model learned the 2-D layout.";
            int foot = Math.max(top + overviewH, top + bigCell * gh + 40) + 16;
            int height = (int) (foot + Sketch.paragraphHeight(note, Figures.SMALL, width - 2 * left)) + Figures.MARGIN;
            Sketch s = Figures.sketch(width, height, "Position embeddings: cosine similarity between patches", subtitle);
            s.text(left, top - 8, "each small map: one patch's similarity with every patch", Figures.SMALL,
                    Sketch.MUTED, Sketch.Anchor.START, false);
            for (int i = 0; i < gh * gw; i++) {
                int x = left + (i % gw) * (map + gap);
                int y = top + (i / gw) * (mapH + gap);
                s.cells(x, y, cell, cell, gh, gw, Figures.colours(similarity[i], Colormap.VIRIDIS, -1, 1));
            }
            int sx = left + (patch % gw) * (map + gap);
            int sy = top + (patch / gw) * (mapH + gap);
            s.rect(sx - 1.5, sy - 1.5, map + 3, mapH + 3, Sketch.NONE, Sketch.SELECTION, 2);
            s.text(bigX, top - 8, "patch (" + patch / gw + ", " + patch % gw + ") with every patch", Figures.LABEL,
                    Sketch.TEXT, Sketch.Anchor.START, true);
            s.cells(bigX, top, bigCell, bigCell, gh, gw, Figures.colours(selected, Colormap.VIRIDIS, -1, 1));
            s.rect(bigX + (patch % gw) * bigCell, top + (patch / gw) * bigCell, bigCell, bigCell, Sketch.NONE,
                    Sketch.SELECTION, 2);
            Figures.colourBar(s, barX, top, 14, bigCell * gh, Colormap.VIRIDIS, -1, 1, "cosine");
            s.paragraph(left, foot, width - 2 * left, note, Figures.SMALL, Sketch.MUTED);
            return s;
        }

        @Override
        public String summary() {
            int gw = grid[1];
            int n = selected.length;
            double mean = 0;
            int best = -1;
            for (int j = 0; j < n; j++) {
                mean += selected[j] / n;
                if (j != patch && (best < 0 || selected[j] > selected[best])) {
                    best = j;
                }
            }
            return String.format(Locale.ROOT, "position-embedding cosine similarity, %d x %d patches (prefix tokens"
                            + " excluded)%npatch %d (%d, %d): mean similarity %.3f, most similar other patch %s",
                    grid[0], gw, patch, patch / gw, patch % gw, mean,
                    best < 0 ? "none" : String.format(Locale.ROOT, "%d (%d, %d) %.3f", best, best / gw, best % gw,
                            selected[best]));
        }
    }

    /**
     * BEiT's relative position bias.
     *
     * @param bias         {@code [layer][head][2h-1][2w-1]}: the bias added to the attention score of a query patch
     *                     and the key patch at offset (dy, dx) from it, at {@code [dy + h - 1][dx + w - 1]} (the
     *                     centre is the query itself; down and right are positive)
     * @param prefixBias   {@code [layer][head][3]}: the bias of [CLS] attending to a patch, a patch attending to
     *                     [CLS], and [CLS] attending to itself ({@link #PREFIX_BIAS_ORDER})
     * @param shared       true when one table is shared by every layer (then {@code bias} has one layer)
     */
    public record RelativeBias(String shows, @JsonProperty("absolute_positions") boolean absolutePositions,
                               String note, int[] window, float[][][][] bias,
                               @JsonProperty("prefix_bias") float[][][] prefixBias,
                               @JsonProperty("prefix_bias_order") List<String> prefixBiasOrder, boolean shared,
                               @JsonIgnore int layer, @JsonIgnore int head, @JsonIgnore String subtitle)
            implements ViewData {

        @Override
        public Sketch sketch() {
            int layers = bias.length;
            int heads = bias[0].length;
            int mh = window[0] * 2 - 1;
            int mw = window[1] * 2 - 1;
            int cell = Math.max(1, Math.min(8, 60 / mw));
            int map = cell * mw;
            int mapH = cell * mh;
            int gap = 6;
            int left = Figures.MARGIN + 54;
            int top = Figures.HEADER + 40;
            float m = 0;
            for (float[][][] l : bias) {
                for (float[][] h : l) {
                    for (float[] row : h) {
                        for (float v : row) {
                            m = Math.max(m, Math.abs(v));
                        }
                    }
                }
            }
            double range = m > 0 ? m : 1;
            int overviewW = heads * (map + gap);
            int overviewH = layers * (mapH + gap);
            int bigCell = Math.max(3, 240 / Math.max(mw, mh));
            int bigX = left + overviewW + 36;
            int barX = bigX + bigCell * mw + 14;
            int width = barX + Figures.colourBarWidth(-range, range, "bias") + Figures.MARGIN;
            String note = "Each map is the learned number added to the attention score of a query patch (centre)"
                    + " and a key patch at that offset from it: red = the head prefers keys there, blue = avoids them."
                    + " Maps are (2h-1) x (2w-1) for an h x w patch grid.";
            int foot = Math.max(top + overviewH, top + bigCell * mh + 84) + 16;
            int height = (int) (foot + Sketch.paragraphHeight(note, Figures.SMALL, width - 2 * Figures.MARGIN))
                    + Figures.MARGIN;
            Sketch s = Figures.sketch(width, height, "BEiT has no absolute position embeddings: its relative position bias instead", subtitle);
            for (int h = 0; h < heads; h++) {
                s.text(left + h * (map + gap) + map / 2.0, top - 8, "head " + h, Figures.SMALL, Sketch.TEXT,
                        Sketch.Anchor.MIDDLE, false);
            }
            int selLayer = shared ? 0 : layer;
            for (int l = 0; l < layers; l++) {
                int y = top + l * (mapH + gap);
                s.text(left - 8, y + mapH / 2.0 + 4, shared ? "all layers" : "layer " + l, Figures.SMALL, Sketch.TEXT,
                        Sketch.Anchor.END, false);
                for (int h = 0; h < heads; h++) {
                    int x = left + h * (map + gap);
                    s.cells(x, y, cell, cell, mh, mw, colours(bias[l][h], range));
                    if (l == selLayer && h == head) {
                        s.rect(x - 1.5, y - 1.5, map + 3, mapH + 3, Sketch.NONE, Sketch.SELECTION, 2);
                    }
                }
            }
            s.text(bigX, top - 8, (shared ? "shared table" : "layer " + layer) + ", head " + head, Figures.LABEL,
                    Sketch.TEXT, Sketch.Anchor.START, true);
            s.cells(bigX, top, bigCell, bigCell, mh, mw, colours(bias[selLayer][head], range));
            s.rect(bigX + (window[1] - 1) * bigCell, top + (window[0] - 1) * bigCell, bigCell, bigCell, Sketch.NONE,
                    Sketch.BLACK, 1.5);
            Figures.colourBar(s, barX, top, 14, bigCell * mh, Colormap.DIVERGING, -range, range, "bias");
            float[] pb = prefixBias[selLayer][head];
            double ty = top + bigCell * mh + 20;
            s.text(bigX, ty, "centre square: the query patch itself", Figures.SMALL, Sketch.MUTED,
                    Sketch.Anchor.START, false);
            String[] prefixLines = {"[CLS] to a patch: %.3f", "a patch to [CLS]: %.3f", "[CLS] to itself: %.3f"};
            for (int k = 0; k < 3; k++) {
                s.text(bigX, ty + 16 * (k + 1), String.format(Locale.ROOT, prefixLines[k], pb[k]), Figures.SMALL,
                        Sketch.TEXT, Sketch.Anchor.START, false);
            }
            s.paragraph(Figures.MARGIN, foot, width - 2 * Figures.MARGIN, note, Figures.SMALL, Sketch.MUTED);
            return s;
        }

        private static int[] colours(float[][] map, double range) {
            int rows = map.length;
            int cols = map[0].length;
            float[] flat = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(map[r], 0, flat, r * cols, cols);
            }
            return Figures.colours(flat, Colormap.DIVERGING, -range, range);
        }

        @Override
        public String summary() {
            int selLayer = shared ? 0 : layer;
            float[][] map = bias[selLayer][head];
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float[] row : map) {
                for (float v : row) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            return note + String.format(Locale.ROOT, "%nrelative position bias, %d x %d offsets, %d %s x %d heads;"
                            + " %s head %d: min %.4g, max %.4g, at offset 0 %.4g", 2 * window[0] - 1,
                    2 * window[1] - 1, bias.length, shared ? "shared table" : "layers", bias[0].length,
                    shared ? "shared table" : "layer " + layer, head, lo, hi, map[window[0] - 1][window[1] - 1]);
        }
    }

    /** Neither absolute embeddings nor a bias table was found; says why. */
    public record NoPositions(String shows, String note, @JsonIgnore String subtitle) implements ViewData {
        @Override
        public Sketch sketch() {
            Sketch s = Figures.sketch(640, 140, "Position: nothing to show", subtitle);
            s.paragraph(Figures.MARGIN, Figures.HEADER + 20, 600, note, Figures.LABEL, Sketch.TEXT);
            return s;
        }

        @Override
        public String summary() {
            return note;
        }
    }

    public PositionSimilarityView() {
        super("position-similarity", "Position-embedding similarity; BEiT: relative bias",
                "Attention by itself does not know where a patch came from: shuffle the patches and it computes"
                        + " the same thing. ViT and DeiT therefore add a learned position embedding, one vector per"
                        + " patch position, to each patch token. To see what was learned we compare every position's"
                        + " vector with every other's by cosine similarity (the cosine of the angle between them: 1 ="
                        + " same direction, 0 = unrelated, -1 = opposite), over the patch positions only ([CLS] and"
                        + " [DIST] have their own vectors and are left out). Each small map is one patch's"
                        + " similarity with all patches. BEiT has no absolute position embeddings: each layer and head"
                        + " instead adds a learned bias to the attention score that depends only on the offset between"
                        + " the two patches (relative position bias), shown here as one map per layer and head.",
                Set.of(TeachNeed.WEIGHTS), false);
    }

    @Override
    protected ViewData build(TeachInput input) {
        ModelWeights weights = input.weights();
        TokenLayout layout = input.layout();
        TeachSelection sel = input.selection();
        if (weights.hasAbsolutePositions()) {
            float[][] sim = input.memo(TeachInput.Scope.MODEL, "position-similarity",
                    () -> similarity(weights.positionEmbeddings(), layout));
            return new Similarity("position_embedding_similarity", new int[] {layout.gridHeight(), layout.gridWidth()},
                    sel.patch(), sim, sim[sel.patch()], input.describeModel());
        }
        if (!weights.relativePositionBias().isEmpty()) {
            float[][][][] maps = input.memo(TeachInput.Scope.MODEL, "relative-bias-maps",
                    () -> biasMaps(weights.relativePositionBias(), layout));
            float[][][] prefix = input.memo(TeachInput.Scope.MODEL, "relative-bias-prefix",
                    () -> prefixBias(weights.relativePositionBias(), layout));
            boolean shared = maps.length == 1 && layout.layers() > 1;
            String note = input.family().displayName() + " model \"" + input.model().id() + "\" has no absolute"
                    + " position embeddings, so there is no position-embedding similarity; this shows its relative"
                    + " position bias instead" + (shared ? " (one table shared by every layer)" : ", per layer and"
                    + " head") + ".";
            return new RelativeBias("relative_position_bias", false, note,
                    new int[] {layout.gridHeight(), layout.gridWidth()}, maps, prefix, PREFIX_BIAS_ORDER, shared,
                    sel.layer(), sel.head(), input.describeModel());
        }
        String why = weights.notes().isEmpty() ? "" : " (" + String.join("; ", weights.notes()) + ")";
        return new NoPositions("none", "No position embeddings and no relative position bias were found in model \""
                + input.model().id() + "\"" + why + ".", input.describeModel());
    }

    /**
     * Cosine similarity of the patch rows of {@code embeddings} ({@code [T][D]}, prefix rows first, or {@code [P][D]}).
     *
     * @throws IllegalArgumentException when the row count fits neither
     */
    static float[][] similarity(float[][] embeddings, TokenLayout layout) {
        int n = layout.patches();
        int skip;
        if (embeddings.length == layout.tokens()) {
            skip = layout.prefixTokens();
        } else if (embeddings.length == n) {
            skip = 0;
        } else {
            throw new IllegalArgumentException("position embeddings have " + embeddings.length + " rows; expected "
                    + layout.tokens() + " tokens or " + n + " patches");
        }
        int d = embeddings[skip].length;
        double[][] unit = new double[n][d];
        for (int i = 0; i < n; i++) {
            float[] e = embeddings[skip + i];
            double norm = 0;
            for (float v : e) {
                norm += (double) v * v;
            }
            norm = Math.sqrt(norm);
            for (int k = 0; k < d; k++) {
                unit[i][k] = norm > 0 ? e[k] / norm : 0;
            }
        }
        float[][] sim = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                double[] a = unit[i];
                double[] b = unit[j];
                for (int k = 0; k < d; k++) {
                    s += a[k] * b[k];
                }
                sim[i][j] = (float) s;
                sim[j][i] = (float) s;
            }
        }
        return sim;
    }

    /** Rows of a bias table: (2h-1)(2w-1) offsets, then the three prefix entries. */
    static int tableRows(TokenLayout layout) {
        return (2 * layout.gridHeight() - 1) * (2 * layout.gridWidth() - 1) + 3;
    }

    /**
     * The bias tables as maps by key offset from the query: {@code [layer][head][dy + h - 1][dx + w - 1]}. Hugging
     * Face indexes the table by query minus key, {@code (qy - ky + h - 1)(2w - 1) + (qx - kx + w - 1)}, so an offset
     * (dy, dx) = key - query reads row {@code (h - 1 - dy)(2w - 1) + (w - 1 - dx)}.
     */
    static float[][][][] biasMaps(List<float[][]> tables, TokenLayout layout) {
        int h = layout.gridHeight();
        int w = layout.gridWidth();
        float[][][][] maps = new float[tables.size()][][][];
        for (int l = 0; l < tables.size(); l++) {
            float[][] table = checkTable(tables.get(l), l, layout);
            int heads = table[0].length;
            maps[l] = new float[heads][2 * h - 1][2 * w - 1];
            for (int dy = -(h - 1); dy <= h - 1; dy++) {
                for (int dx = -(w - 1); dx <= w - 1; dx++) {
                    float[] row = table[(h - 1 - dy) * (2 * w - 1) + (w - 1 - dx)];
                    for (int head = 0; head < heads; head++) {
                        maps[l][head][dy + h - 1][dx + w - 1] = row[head];
                    }
                }
            }
        }
        return maps;
    }

    /** {@code [layer][head][3]}: the three prefix entries, in {@link #PREFIX_BIAS_ORDER}. */
    static float[][][] prefixBias(List<float[][]> tables, TokenLayout layout) {
        float[][][] out = new float[tables.size()][][];
        int rows = tableRows(layout);
        for (int l = 0; l < tables.size(); l++) {
            float[][] table = checkTable(tables.get(l), l, layout);
            int heads = table[0].length;
            out[l] = new float[heads][3];
            for (int head = 0; head < heads; head++) {
                for (int k = 0; k < 3; k++) {
                    out[l][head][k] = table[rows - 3 + k][head];
                }
            }
        }
        return out;
    }

    private static float[][] checkTable(float[][] table, int layer, TokenLayout layout) {
        if (table.length != tableRows(layout)) {
            throw new IllegalArgumentException("relative position bias of layer " + layer + " has " + table.length
                    + " rows; a " + layout.gridHeight() + "x" + layout.gridWidth() + " grid needs " + tableRows(layout));
        }
        return table;
    }
}
