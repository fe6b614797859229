package dev.vitlens.engine.method;

import dev.vitlens.explain.HeatGrid;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An explanation method: the base pipeline that every method shares (needs check, parameter checks, timing, shape
 * and finiteness checks of the map) around one hook, {@link #compute}. Like pytorch-grad-cam's {@code BaseCAM}:
 * a new method is one subclass plus one line in {@link ExplanationMethods}.
 */
public abstract class ExplanationMethod {

    /** What {@link #compute} returns: the map, a sentence for people, and the settings actually used. */
    public record Result(HeatGrid grid, String description, Map<String, Object> settings) {
    }

    private final String name;
    private final String title;
    private final String summary;
    private final Set<Need> needs;
    private final boolean signed;
    private final List<Parameter> parameters;

    /**
     * @param name       registry name: the CLI's {@code --method} value, lower case
     * @param title      what the workbench's method list shows
     * @param summary    one sentence for the docs' method table
     * @param needs      what the engine must supply
     * @param signed     true when the map is signed around 0 (shown with a diverging colormap centred on 0)
     * @param parameters the settings it reads, in the order help lists them
     */
    protected ExplanationMethod(String name, String title, String summary, Set<Need> needs, boolean signed,
                                List<Parameter> parameters) {
        this.name = name;
        this.title = title;
        this.summary = summary;
        this.needs = Set.copyOf(needs);
        this.signed = signed;
        this.parameters = List.copyOf(parameters);
    }

    public final String name() {
        return name;
    }

    public final String title() {
        return title;
    }

    public final String summary() {
        return summary;
    }

    public final Set<Need> needs() {
        return needs;
    }

    public final boolean needs(Need need) {
        return needs.contains(need);
    }

    public final boolean signed() {
        return signed;
    }

    public final List<Parameter> parameters() {
        return parameters;
    }

    public final Optional<Parameter> parameter(String parameterName) {
        return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
    }

    /**
     * Checks what can be checked without a model (syntax, ranges), so the CLI fails before loading anything.
     *
     * @throws InvalidParameterException naming the first bad value
     */
    public final void validate(ParameterValues values) {
        for (Parameter p : parameters) {
            String value = values.text(p);
            if (value != null) {
                p.check(value);
            }
        }
        checkValues(values);
    }

    /** Hook: range checks of this method's values; the default accepts everything of the right kind. */
    protected void checkValues(ParameterValues values) {
    }

    /** Hook: the method itself. Inputs are checked against {@link #needs()} before this is called. */
    protected abstract Result compute(MethodInput input, ParameterValues values);

    /**
     * Runs the method.
     *
     * @throws IllegalArgumentException when the input lacks a need (the message says which and why) or a value is bad
     */
    public final Explanation explain(MethodInput input, ParameterValues values) {
        for (Need need : needs) {
            if (!input.has(need)) {
                throw new IllegalArgumentException(title + " needs " + need.label() + ", which this model does not"
                        + " provide");
            }
        }
        validate(values);
        long start = System.nanoTime();
        Result result = compute(input, values);
        double millis = (System.nanoTime() - start) / 1e6;
        HeatGrid grid = result.grid();
        if (grid.height() != input.layout().gridHeight() || grid.width() != input.layout().gridWidth()) {
            throw new IllegalStateException(name + " returned a " + grid.height() + "x" + grid.width() + " map for a "
                    + input.layout().gridHeight() + "x" + input.layout().gridWidth() + " patch grid");
        }
        for (float v : grid.values()) {
            if (!Float.isFinite(v)) {
                throw new IllegalStateException(name + " produced NaN or infinite values (the model's outputs are not"
                        + " finite for this image)");
            }
        }
        return new Explanation(name, grid, signed, millis, result.description(), result.settings());
    }

    /** The workbench's lists show the title. */
    @Override
    public String toString() {
        return title;
    }
}
