package dev.vitlens.explain;

/** How raw grid values are mapped to [0, 1] before colouring. */
public enum Scaling {
    /** Smallest value to 0, largest to 1: attention maps, whose absolute level carries little meaning. */
    MIN_MAX,
    /** [-m, m] to [0, 1] with m = max |v|, so 0 lands on the middle colour: signed maps with a diverging colormap. */
    ZERO_CENTERED,
    /** Values are already in [0, 1]; anything outside is clamped. */
    NONE;

    /** Scaled copy of {@code grid}'s values, row-major. */
    float[] apply(HeatGrid grid) {
        float[] v = grid.values();
        switch (this) {
            case MIN_MAX:
                return grid.normalized().values();
            case ZERO_CENTERED: {
                float m = 0;
                for (float x : v) {
                    m = Math.max(m, Math.abs(x));
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] = m > 0 && Float.isFinite(m) ? 0.5f + 0.5f * v[i] / m : 0.5f;
                }
                return v;
            }
            case NONE:
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.max(0f, Math.min(1f, v[i]));
                }
                return v;
            default:
                throw new AssertionError(this);
        }
    }
}
