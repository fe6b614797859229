package dev.vitlens.catalog;

/** A model folder or one of its files is missing, malformed or inconsistent; the message says what and where. */
public class ModelFormatException extends Exception {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
