package dev.vitlens.ui.viewmodel;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A unit of slow work (decoding, inference, I/O) with callbacks that a {@link TaskExecutor} runs on the UI thread.
 * The work itself never touches the scene graph; the callbacks may.
 *
 * @param <T> the work's result
 */
public final class BackgroundTask<T> {

    /** The work, run off the UI thread. */
    @FunctionalInterface
    public interface Work<T> {
        T run(TaskContext context) throws Exception;
    }

    /** Progress as published to the UI thread. */
    public record Progress(long done, long total, String message) {
        public double fraction() {
            return total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        }
    }

    private final String name;
    private final Work<T> work;
    private Consumer<? super T> onSuccess = result -> { };
    private Consumer<? super Throwable> onFailure = error -> { };
    private Consumer<? super Progress> onProgress = progress -> { };
    private Runnable onFinished = () -> { };

    private BackgroundTask(String name, Work<T> work) {
        this.name = Objects.requireNonNull(name);
        this.work = Objects.requireNonNull(work);
    }

    public static <T> BackgroundTask<T> of(String name, Work<T> work) {
        return new BackgroundTask<>(name, work);
    }

    public BackgroundTask<T> onSuccess(Consumer<? super T> callback) {
        this.onSuccess = Objects.requireNonNull(callback);
        return this;
    }

    public BackgroundTask<T> onFailure(Consumer<? super Throwable> callback) {
        this.onFailure = Objects.requireNonNull(callback);
        return this;
    }

    public BackgroundTask<T> onProgress(Consumer<? super Progress> callback) {
        this.onProgress = Objects.requireNonNull(callback);
        return this;
    }

    /** Runs on the UI thread after success or failure, but not after cancellation. */
    public BackgroundTask<T> onFinished(Runnable callback) {
        this.onFinished = Objects.requireNonNull(callback);
        return this;
    }

    public String name() {
        return name;
    }

    Work<T> work() {
        return work;
    }

    void succeeded(T result) {
        try {
            onSuccess.accept(result);
        } finally {
            onFinished.run();
        }
    }

    void failed(Throwable error) {
        try {
            onFailure.accept(error);
        } finally {
            onFinished.run();
        }
    }

    void progressed(Progress progress) {
        onProgress.accept(progress);
    }

    @Override
    public String toString() {
        return "BackgroundTask[" + name + "]";
    }
}
