package dev.vitlens.engine.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The registry: name to method. The CLI's {@code --method} values and options, the workbench's method list and the
 * method table in docs/explanations.md all come from here; a new method is one file plus one line in {@link #ALL}.
 */
public final class ExplanationMethods {

    private static final List<ExplanationMethod> ALL = List.of(
            new RolloutMethod(),
            new RawAttentionMethod(),
            new OcclusionMethod(),
            new AttentionFlowMethod());

    /** The default method: rollout. */
    public static final String DEFAULT = "rollout";

    private ExplanationMethods() {
    }

    /** Every method, in the order lists show them. */
    public static List<ExplanationMethod> all() {
        return ALL;
    }

    public static Optional<ExplanationMethod> find(String name) {
        return ALL.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The method called {@code name}; an unknown name is an error listing the known ones. */
    public static ExplanationMethod get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown explanation method '" + name
                + "': expected " + names(ALL)));
    }

    public static ExplanationMethod defaultMethod() {
        return get(DEFAULT);
    }

    /** "rollout, attention, occlusion". */
    public static String names(List<ExplanationMethod> methods) {
        return methods.stream().map(ExplanationMethod::name).collect(Collectors.joining(", "));
    }

    /**
     * Every parameter of every method, once by name, in first-use order. Methods that share a name share the
     * declaration, so a name means the same thing everywhere.
     *
     * @throws IllegalStateException when two methods declare the same name differently
     */
    public static List<Parameter> allParameters() {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (ExplanationMethod m : ALL) {
            for (Parameter p : m.parameters()) {
                Parameter known = byName.putIfAbsent(p.name(), p);
                if (known != null && !known.equals(p)) {
                    throw new IllegalStateException("parameter '" + p.name() + "' is declared twice, differently");
                }
            }
        }
        return new ArrayList<>(byName.values());
    }

    /** The methods that read {@code parameter}. */
    public static List<ExplanationMethod> using(Parameter parameter) {
        return ALL.stream().filter(m -> m.parameters().contains(parameter)).toList();
    }
}
