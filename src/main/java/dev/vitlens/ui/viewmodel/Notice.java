package dev.vitlens.ui.viewmodel;

/** A message for the user, shown as a non-modal notification that dismisses itself. */
public record Notice(Severity severity, String title, String message) {

    public enum Severity { INFO, SUCCESS, WARNING, ERROR }

    public static Notice error(String title, String message) {
        return new Notice(Severity.ERROR, title, message);
    }

    public static Notice info(String title, String message) {
        return new Notice(Severity.INFO, title, message);
    }

    public static Notice success(String title, String message) {
        return new Notice(Severity.SUCCESS, title, message);
    }

    public static Notice warning(String title, String message) {
        return new Notice(Severity.WARNING, title, message);
    }
}
