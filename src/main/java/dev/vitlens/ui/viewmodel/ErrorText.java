package dev.vitlens.ui.viewmodel;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;

/** Turns an exception chain into the reason a notice shows. */
final class ErrorText {

    private ErrorText() {
    }

    /** A specific, readable reason from an exception chain (never just a class name when a message exists). */
    static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof UncheckedIOException
                || (cause instanceof RuntimeException && cause.getMessage() == null)) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof NoSuchFileException missing) {
            return "file not found: " + missing.getFile();
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
