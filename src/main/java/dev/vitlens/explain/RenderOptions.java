package dev.vitlens.explain;

/**
 * How a heat grid is drawn over an image.
 *
 * @param colormap  colour table
 * @param scaling   how values map to [0, 1]
 * @param alpha     opacity of the heatmap layer, 0 (invisible) to 1 (opaque)
 * @param gridLines whether to draw the patch boundaries
 * @param gridArgb  colour of the patch lines, 0xAARRGGBB (alpha blends the line over the picture)
 */
public record RenderOptions(Colormap colormap, Scaling scaling, float alpha, boolean gridLines, int gridArgb) {

    public RenderOptions {
        if (colormap == null || scaling == null) {
            throw new IllegalArgumentException("colormap and scaling are required");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
    }

    /** Viridis, min-max scaled, half transparent, no grid. */
    public static RenderOptions defaults() {
        return new RenderOptions(Colormap.VIRIDIS, Scaling.MIN_MAX, 0.5f, false, 0x80FFFFFF);
    }

    public RenderOptions withColormap(Colormap c) {
        return new RenderOptions(c, scaling, alpha, gridLines, gridArgb);
    }

    public RenderOptions withScaling(Scaling s) {
        return new RenderOptions(colormap, s, alpha, gridLines, gridArgb);
    }

    public RenderOptions withAlpha(float a) {
        return new RenderOptions(colormap, scaling, a, gridLines, gridArgb);
    }

    public RenderOptions withGridLines(boolean on) {
        return new RenderOptions(colormap, scaling, alpha, on, gridArgb);
    }
}
