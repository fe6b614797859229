package dev.vitlens.ui.viewmodel;

import java.util.concurrent.atomic.AtomicBoolean;

/** A running {@link BackgroundTask}: cancel it, or ask whether it ended. Cancelled tasks publish nothing. */
public final class TaskHandle {

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    public boolean isDone() {
        return done.get();
    }

    void markDone() {
        done.set(true);
    }
}
