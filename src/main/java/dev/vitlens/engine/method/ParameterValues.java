package dev.vitlens.engine.method;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Values given for a method's parameters, as text (what the CLI receives; the workbench formats its choices). */
public final class ParameterValues {
    private final Map<String, String> given;

    private ParameterValues(Map<String, String> given) {
        this.given = given;
    }

    public static ParameterValues none() {
        return new ParameterValues(Map.of());
    }

    /** Null values are left out (= use the default). */
    public static ParameterValues of(Map<String, String> values) {
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                copy.put(Objects.requireNonNull(k), v);
            }
        });
        return new ParameterValues(Map.copyOf(copy));
    }

    /** A copy with one more value (null removes it). */
    public ParameterValues with(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(given);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new ParameterValues(Map.copyOf(copy));
    }

    public boolean isGiven(String name) {
        return given.containsKey(name);
    }

    public Map<String, String> given() {
        return given;
    }

    /** The given value, else the parameter's default (null when the default depends on the model). */
    public String text(Parameter p) {
        String value = given.get(p.name());
        return value != null ? value.trim() : p.defaultValue();
    }

    /** As an integer, or null when neither given nor defaulted. */
    public Integer integer(Parameter p) {
        String value = text(p);
        if (value == null) {
            return null;
        }
        p.check(value);
        return Integer.parseInt(value);
    }

    /** As a number, or null when neither given nor defaulted. */
    public Double decimal(Parameter p) {
        String value = text(p);
        if (value == null) {
            return null;
        }
        p.check(value);
        return Double.parseDouble(value);
    }

    @Override
    public String toString() {
        return given.toString();
    }
}
