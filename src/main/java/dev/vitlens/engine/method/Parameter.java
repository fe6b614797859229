package dev.vitlens.engine.method;

import java.util.Objects;

/**
 * One setting of an explanation method. The CLI turns each into a {@code --name} option and the docs list them, so
 * name, value syntax, default and help are declared once, here. Methods that share a setting (query, layer) share
 * the same constant.
 *
 * @param name         the option name without dashes, e.g. {@code discard}
 * @param type         what a value looks like, e.g. {@code 0.0-0.99}, {@code N}, {@code mean|max|min}
 * @param kind         how a value is checked before the method sees it
 * @param defaultValue the value when none is given, or null when the default depends on the model (see help)
 * @param help         one sentence, with the default when it depends on the model
 */
public record Parameter(String name, String type, Kind kind, String defaultValue, String help) {

    /** Syntax checks done when a value is given; ranges and meanings are checked by the method. */
    public enum Kind { INTEGER, DECIMAL, TEXT }

    public Parameter {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(help);
        if (defaultValue != null) {
            check(name, kind, defaultValue);
        }
    }

    /** Throws {@link InvalidParameterException} when {@code value} is not of this parameter's kind. */
    public void check(String value) {
        check(name, kind, value);
    }

    private static void check(String name, Kind kind, String value) {
        try {
            switch (kind) {
                case INTEGER -> Integer.parseInt(value.trim());
                case DECIMAL -> Double.parseDouble(value.trim());
                case TEXT -> { }
            }
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(name, name + " must be " + (kind == Kind.INTEGER ? "an integer"
                    : "a number") + ", got '" + value + "'");
        }
    }
}
