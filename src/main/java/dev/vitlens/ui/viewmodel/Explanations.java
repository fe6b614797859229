package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.AttentionRollout;
import dev.vitlens.explain.Colormap;
import dev.vitlens.explain.HeadFusion;
import dev.vitlens.explain.HeadSelection;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.HeatmapRenderer;
import dev.vitlens.explain.Query;
import dev.vitlens.explain.RawAttention;
import dev.vitlens.explain.RenderOptions;
import dev.vitlens.explain.Scaling;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;

/**
 * Translates the explorer's choices into calls on the explain package (rollout, raw attention) and its renderer.
 * Computes nothing itself beyond picking which layers and heads to hand over.
 */
final class Explanations {

    private Explanations() {
    }

    /** Attention-based maps from a classification's attentions [layer][head][T][T]. */
    static Heatmap attention(float[][][][] attentions, TokenLayout layout, Family family, ExplainSettings settings) {
        long start = System.nanoTime();
        Query query = query(settings.query(), layout);
        int layer = Math.max(0, Math.min(attentions.length - 1, settings.layer()));
        HeatGrid grid;
        String what;
        if (settings.method() == ExplainMethod.RAW_ATTENTION) {
            grid = RawAttention.compute(attentions, layout, family, layer, heads(settings.head()), query);
            what = "raw attention, layer " + (layer + 1);
        } else {
            // Rollout through layers 1..layer; one head means rolling out that head alone.
            float[][][][] upTo = Arrays.copyOf(attentions, layer + 1);
            HeadFusion fusion = HeadFusion.MEAN;
            if (settings.head().kind() == HeadChoice.Kind.SINGLE) {
                int head = settings.head().head();
                upTo = Arrays.stream(upTo).map(heads -> new float[][][] {heads[head]}).toArray(float[][][][]::new);
                layout = new TokenLayout(layout.prefixTokens(), layout.gridHeight(), layout.gridWidth(),
                        layout.patchSize(), upTo.length, 1);
            } else {
                fusion = fusion(settings.head().kind());
                layout = new TokenLayout(layout.prefixTokens(), layout.gridHeight(), layout.gridWidth(),
                        layout.patchSize(), upTo.length, layout.heads());
            }
            grid = new AttentionRollout(fusion, settings.discardRatio()).compute(upTo, layout, family, query);
            what = String.format(Locale.ROOT, "rollout through layer %d, discard %.2f", layer + 1,
                    settings.discardRatio());
        }
        double millis = (System.nanoTime() - start) / 1e6;
        return new Heatmap(grid.toRows(), false, millis,
                what + ", " + settings.head().toString().toLowerCase(Locale.ROOT) + ", query "
                        + describe(settings.query(), family));
    }

    private static String describe(QueryChoice choice, Family family) {
        if (choice.kind() == QueryChoice.Kind.AUTO) {
            Query resolved = Query.AUTO.resolve(family);
            return "auto (" + (resolved == Query.CLS ? "[CLS]" : resolved == Query.CLS_DIST ? "[CLS]+[DIST]"
                    : "mean of patches") + ")";
        }
        return choice.toString().toLowerCase(Locale.ROOT);
    }

    static Query query(QueryChoice choice, TokenLayout layout) {
        return switch (choice.kind()) {
            case AUTO -> Query.AUTO;
            case CLS -> Query.CLS;
            case DISTILLATION -> Query.DIST;
            case MEAN -> Query.MEAN_PATCHES;
            case PATCH -> new Query.Patch(choice.row() * layout.gridWidth() + choice.col());
        };
    }

    static HeadSelection heads(HeadChoice choice) {
        return choice.kind() == HeadChoice.Kind.SINGLE ? HeadSelection.head(choice.head())
                : HeadSelection.fused(fusion(choice.kind()));
    }

    private static HeadFusion fusion(HeadChoice.Kind kind) {
        return switch (kind) {
            case MAX -> HeadFusion.MAX;
            case MIN -> HeadFusion.MIN;
            default -> HeadFusion.MEAN;
        };
    }

    static HeatGrid grid(Heatmap heatmap) {
        float[] rowMajor = new float[heatmap.gridHeight() * heatmap.gridWidth()];
        for (int r = 0; r < heatmap.gridHeight(); r++) {
            System.arraycopy(heatmap.values()[r], 0, rowMajor, r * heatmap.gridWidth(), heatmap.gridWidth());
        }
        return HeatGrid.of(heatmap.gridHeight(), heatmap.gridWidth(), rowMajor);
    }

    static RenderOptions options(Heatmap heatmap, ColormapChoice colormap, double opacity) {
        Colormap colors = switch (colormap) {
            case VIRIDIS -> Colormap.VIRIDIS;
            case INFERNO -> Colormap.INFERNO;
            case DIVERGING -> Colormap.DIVERGING;
        };
        // Signed maps (occlusion) keep zero on the middle colour; attention maps stretch min..max.
        Scaling scaling = heatmap.signed() ? Scaling.ZERO_CENTERED : Scaling.MIN_MAX;
        return new RenderOptions(colors, scaling, (float) Math.max(0, Math.min(1, opacity)), false, 0x80FFFFFF);
    }

    static BufferedImage colorize(Heatmap heatmap, ColormapChoice colormap, int width, int height) {
        return HeatmapRenderer.colorize(grid(heatmap), width, height, options(heatmap, colormap, 1));
    }

    static BufferedImage overlay(BufferedImage image, java.awt.Rectangle region, Heatmap heatmap,
                                 ColormapChoice colormap, double opacity) {
        return HeatmapRenderer.overlay(image, grid(heatmap), region, options(heatmap, colormap, opacity));
    }
}
