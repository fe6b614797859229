package dev.vitlens.inference;

/** Running the model failed (bad input shape, runtime error); the message is meant for the user. */
public class InferenceException extends Exception {
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
