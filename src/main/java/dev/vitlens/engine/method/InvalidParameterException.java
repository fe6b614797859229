package dev.vitlens.engine.method;

/**
 * A parameter value a method cannot use; the message starts with the parameter's name (e.g. "layer 7 is outside
 * 0..5"), so the CLI can prefix it with "--" and the workbench can show it as it is.
 */
public final class InvalidParameterException extends IllegalArgumentException {
    private final String parameter;

    public InvalidParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
