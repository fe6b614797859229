package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.ParameterValues;
import dev.vitlens.explain.Colormap;
import dev.vitlens.explain.HeatmapRenderer;
import dev.vitlens.explain.RenderOptions;
import dev.vitlens.explain.Scaling;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Translates the explorer's choices into method parameter values (the same text the CLI takes), and explanations
 * into pictures through the explain package's renderer. Computes no explanation itself.
 */
final class Explanations {

    private Explanations() {
    }

    /**
     * The explorer's choices as parameter values; each method reads the ones it declares. The head choice is
     * rollout's {@code fusion} (a head index rolls out that head alone) and raw attention's {@code head}.
     */
    static ParameterValues values(ExplainSettings settings, TokenLayout layout) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("layer", Integer.toString(settings.layer()));
        String head = head(settings.head());
        values.put("head", head);
        values.put("fusion", head);
        values.put("query", query(settings.query(), layout));
        values.put("discard", Double.toString(settings.discardRatio()));
        return ParameterValues.of(values);
    }

    static String head(HeadChoice choice) {
        return switch (choice.kind()) {
            case SINGLE -> Integer.toString(choice.head());
            case MAX -> "max";
            case MIN -> "min";
            case MEAN -> "mean";
        };
    }

    static String query(QueryChoice choice, TokenLayout layout) {
        return switch (choice.kind()) {
            case AUTO -> "auto";
            case CLS -> "cls";
            case DISTILLATION -> "dist";
            case MEAN -> "mean";
            case PATCH -> "patch:" + (choice.row() * layout.gridWidth() + choice.col());
        };
    }

    static RenderOptions options(Explanation heatmap, ColormapChoice colormap, double opacity) {
        Colormap colors = switch (colormap) {
            case VIRIDIS -> Colormap.VIRIDIS;
            case INFERNO -> Colormap.INFERNO;
            case DIVERGING -> Colormap.DIVERGING;
        };
        // Signed maps (occlusion) keep zero on the middle colour; attention maps stretch min..max.
        Scaling scaling = heatmap.signed() ? Scaling.ZERO_CENTERED : Scaling.MIN_MAX;
        return new RenderOptions(colors, scaling, (float) Math.max(0, Math.min(1, opacity)), false, 0x80FFFFFF);
    }

    static BufferedImage colorize(Explanation heatmap, ColormapChoice colormap, int width, int height) {
        return HeatmapRenderer.colorize(heatmap.grid(), width, height, options(heatmap, colormap, 1));
    }

    static BufferedImage overlay(BufferedImage image, java.awt.Rectangle region, Explanation heatmap,
                                 ColormapChoice colormap, double opacity) {
        return HeatmapRenderer.overlay(image, heatmap.grid(), region, options(heatmap, colormap, opacity));
    }
}
