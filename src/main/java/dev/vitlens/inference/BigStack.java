package dev.vitlens.inference;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs work that may be the first use of ONNX Runtime on a thread with a large stack. Loading ORT's natives and
 * creating its environment (GPU build 1.29, Linux x64) overflows the default 1 MB Java thread stack and kills the
 * JVM with SIGSEGV and no message; 2 MB is measured to be enough, {@link #STACK_BYTES} leaves a wide margin.
 * Model loading goes through here, so every caller (CLI, GUI workers, tests) is protected; CLI commands also run
 * their whole body here. Long-lived threads that may touch ORT first use {@link #STACK_BYTES} as their stack size.
 */
public final class BigStack {
    public static final long STACK_BYTES = 16L << 20;

    private BigStack() {
    }

    /** Runs {@code body} on a big-stack thread; any exception it throws is rethrown unchanged. */
    public static <T> T call(String name, Callable<T> body) throws Exception {
        return call(name, Exception.class, body);
    }

    /**
     * Runs {@code body} on a big-stack thread and waits for it. An {@code expected} exception or an unchecked one is
     * rethrown unchanged, any other checked exception wrapped in {@link IllegalStateException}.
     */
    public static <T, E extends Exception> T call(String name, Class<E> expected, Callable<T> body) throws E {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(null, () -> {
            try {
                result.set(body.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name, STACK_BYTES);
        worker.setDaemon(true);
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // loading can't be abandoned half-way; finish, then restore the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t == null) {
            return result.get();
        }
        if (expected.isInstance(t)) {
            throw expected.cast(t);
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(t);
    }
}
