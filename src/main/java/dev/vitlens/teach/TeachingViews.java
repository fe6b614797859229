package dev.vitlens.teach;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The registry: name to teaching view. {@code vitlens teach VIEW}, its help and the workbench's lesson all come from
 * here; a new view is one file plus one line in {@link #ALL}, in lesson order (pixels to prediction).
 */
public final class TeachingViews {

    public static final List<TeachingView> ALL = List.of(
            new PatchifyView(),
            new FiltersView(),
            new PositionSimilarityView(),
            new TokensView(),
            new HeadsView(),
            new AttentionDistanceView(),
            new LogitLensView(),
            new PredictionView());

    private TeachingViews() {
    }

    public static Optional<TeachingView> find(String name) {
        return ALL.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** The view called {@code name}; an unknown name is an error listing the known ones. */
    public static TeachingView get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown teaching view '" + name
                + "': expected " + names()));
    }

    /** "patchify, filters, ...". */
    public static String names() {
        return ALL.stream().map(TeachingView::name).collect(Collectors.joining(", "));
    }

    /**
     * Does the heavy, per-image part of every view that can be shown (PCA, similarity, distance table) so later
     * redraws only do the cheap part; meant for a background thread after a new image.
     */
    public static void prepare(TeachInput input) {
        for (TeachingView v : ALL) {
            if (v.unavailable(input).isEmpty()) {
                v.compute(input);
            }
        }
    }
}
