package dev.vitlens.evaluate;

/** A labelled folder that cannot be evaluated (no class folders, no label matches, duplicates); the message says why. */
public final class EvaluationException extends Exception {
    public EvaluationException(String message) {
        super(message);
    }
}
