package dev.vitlens.inference;

/** A model could not be loaded or the requested device is unusable; the message is meant for the user. */
public class ModelLoadException extends Exception {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
