package dev.vitlens.ui.viewmodel;

import dev.vitlens.inference.BigStack;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@link BackgroundTask}s on a worker executor and publishes their callbacks through a UI-thread executor
 * ({@code Platform::runLater} in the app; {@code Runnable::run} with a direct worker in unit tests).
 */
public final class TaskExecutor implements AutoCloseable {

    private final Executor worker;
    private final Executor uiThread;

    public TaskExecutor(Executor worker, Executor uiThread) {
        this.worker = Objects.requireNonNull(worker);
        this.uiThread = Objects.requireNonNull(uiThread);
    }

    /**
     * Stack for worker threads. ONNX Runtime 1.29's environment set-up overflows the JVM's default 1 MB thread stack
     * (the process dies with SIGSEGV and no hs_err file; 2 MB suffices on x86_64 Linux).
     */
    static final long WORKER_STACK_BYTES = BigStack.STACK_BYTES;

    /** One daemon worker thread, so interactive requests run in order and never pile up in parallel. */
    public static TaskExecutor singleThread(String threadName, Executor uiThread) {
        ExecutorService service = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(null, runnable, threadName, WORKER_STACK_BYTES);
            thread.setDaemon(true);
            return thread;
        });
        return new TaskExecutor(service, uiThread);
    }

    /**
     * Another single worker publishing through the same UI-thread executor, for work that must not queue behind
     * this one's (a teaching view's redraw behind an occlusion run). A direct executor gives a direct one.
     */
    public TaskExecutor sibling(String threadName) {
        if (worker instanceof ExecutorService) {
            return singleThread(threadName, uiThread);
        }
        return new TaskExecutor(worker, uiThread);
    }

    /** Runs work and callbacks on the calling thread: for unit tests of view-models. */
    public static TaskExecutor direct() {
        return new TaskExecutor(Runnable::run, Runnable::run);
    }

    public <T> TaskHandle execute(BackgroundTask<T> task) {
        TaskHandle handle = new TaskHandle();
        AtomicReference<BackgroundTask.Progress> pendingProgress = new AtomicReference<>();
        TaskContext context = new TaskContext() {
            @Override
            public boolean isCancelled() {
                return handle.isCancelled();
            }

            @Override
            public void progress(long done, long total, String message) {
                // Coalesce: only one progress update waits on the UI thread at a time, the newest wins.
                if (pendingProgress.getAndSet(new BackgroundTask.Progress(done, total, message)) == null) {
                    uiThread.execute(() -> {
                        BackgroundTask.Progress latest = pendingProgress.getAndSet(null);
                        if (latest != null && !handle.isCancelled()) {
                            task.progressed(latest);
                        }
                    });
                }
            }

            @Override
            public void publish(Runnable update) {
                uiThread.execute(() -> {
                    if (!handle.isCancelled()) {
                        update.run();
                    }
                });
            }
        };
        worker.execute(() -> {
            if (handle.isCancelled()) {
                handle.markDone();
                return;
            }
            try {
                T result = task.work().run(context);
                uiThread.execute(() -> {
                    handle.markDone();
                    if (!handle.isCancelled()) {
                        task.succeeded(result);
                    }
                });
            } catch (CancellationException cancelled) {
                handle.markDone();
            } catch (Throwable error) {
                uiThread.execute(() -> {
                    handle.markDone();
                    if (!handle.isCancelled()) {
                        task.failed(error);
                    }
                });
            }
        });
        return handle;
    }

    @Override
    public void close() {
        if (worker instanceof ExecutorService service) {
            service.shutdownNow();
            try {
                service.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
