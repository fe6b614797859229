package dev.vitlens.ui.viewmodel;

import java.util.concurrent.CancellationException;

/** What running work may ask of its task: whether it was cancelled, and a place to report progress. */
public interface TaskContext {

    boolean isCancelled();

    /** Reports {@code done} of {@code total} steps; published to the FX thread, coalesced. */
    void progress(long done, long total, String message);

    /** Ends the work early when it was cancelled, so stale work stops using the CPU. */
    /** Runs {@code update} on the UI thread unless the task was cancelled by then (per-item batch results). */
    void publish(Runnable update);

    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new CancellationException("cancelled");
        }
    }
}
