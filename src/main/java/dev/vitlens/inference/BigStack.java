package dev.vitlens.inference;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs ONNX Runtime initialisation and model loading on a thread with a large stack: the first use of ORT (GPU build
 * 1.29, Linux x64) was seen to overflow the default 1 MB Java thread stack and kill the JVM with SIGSEGV and no
 * message (see cli.BigStack). Doing it here protects every caller (CLI, GUI workers, tests).
 */
final class BigStack {
    static final long STACK_BYTES = 16L << 20;

    private BigStack() {
    }

    static <T, E extends Exception> T call(String name, Class<E> expected, Callable<T> body) throws E {
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
