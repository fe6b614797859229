package dev.vitlens.fewshot;

/** Few-shot training cannot go on; the message says why and what to change, for the CLI and the workbench alike. */
public final class FewShotException extends Exception {
    public FewShotException(String message) {
        super(message);
    }

    public FewShotException(String message, Throwable cause) {
        super(message, cause);
    }
}
