package dev.vitlens.teach;

import java.util.Optional;
import java.util.Set;

/**
 * A teaching view: one idea of the ViT papers shown on the current image, with its numbers and its picture. Like
 * {@code ExplanationMethod}, the base class holds what every view declares (name, title, explanation, needs) and the
 * shared checks around one hook, {@link #build}. A new view is one subclass plus one line in {@link TeachingViews}.
 *
 * <p>{@link #compute} is pure (no I/O, no model run) and fast: the heavy part of a view is memoised in the
 * {@link TeachInput} per image (or per model), so a redraw after a selection change only redoes the cheap part.
 */
public abstract class TeachingView {

    private final String name;
    private final String title;
    private final String explanation;
    private final Set<TeachNeed> needs;
    private final boolean chart;

    /**
     * @param name        registry name: the CLI's {@code teach VIEW} value, lower case
     * @param title       one line: the workbench's list and {@code teach --help}
     * @param explanation one paragraph for a student, definitions included
     * @param needs       what the input must carry
     * @param chart       true when the picture is a chart and has an SVG form
     */
    protected TeachingView(String name, String title, String explanation, Set<TeachNeed> needs, boolean chart) {
        this.name = name;
        this.title = title;
        this.explanation = explanation;
        this.needs = Set.copyOf(needs);
        this.chart = chart;
    }

    public final String name() {
        return name;
    }

    public final String title() {
        return title;
    }

    public final String explanation() {
        return explanation;
    }

    public final Set<TeachNeed> needs() {
        return needs;
    }

    /** True when {@link ViewData#svg()} gives an SVG (the view is a chart). */
    public final boolean chart() {
        return chart;
    }

    /** Why this view cannot be shown for {@code input}, or empty when it can. */
    public final Optional<String> unavailable(TeachInput input) {
        for (TeachNeed need : TeachNeed.values()) {
            if (needs.contains(need) && !input.has(need)) {
                return Optional.of(name + " needs " + need.label() + ", not available for model \""
                        + input.model().id() + "\": " + input.whyNot(need));
            }
        }
        return missing(input);
    }

    /** Hook: what else this view lacks in {@code input}, beyond {@link #needs()}; the default lacks nothing. */
    protected Optional<String> missing(TeachInput input) {
        return Optional.empty();
    }

    /**
     * The view's numbers and picture for {@code input} and its selection.
     *
     * @throws IllegalArgumentException when the input lacks a need (the message says which and why)
     */
    public final ViewData compute(TeachInput input) {
        Optional<String> missing = unavailable(input);
        if (missing.isPresent()) {
            throw new IllegalArgumentException(missing.get());
        }
        return build(input);
    }

    /** Hook: the view itself; the needs are there when this is called. */
    protected abstract ViewData build(TeachInput input);

    /** The workbench's lists show the title. */
    @Override
    public String toString() {
        return title;
    }
}
