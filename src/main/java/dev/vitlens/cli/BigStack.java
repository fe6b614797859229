package dev.vitlens.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a command body on a thread with a large stack. The first use of ONNX Runtime (loading its natives and creating
 * the environment, GPU build 1.29 on Linux x64) overflows the default 1 MB Java thread stack and kills the JVM with
 * SIGSEGV and no message; 2 MB is measured to be enough, 16 MB leaves a wide margin.
 */
final class BigStack {
    static final long STACK_BYTES = 16L << 20;

    private BigStack() {
    }

    static <T> T call(String name, Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(null, () -> {
            try {
                result.set(body.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name, STACK_BYTES);
        worker.start();
        worker.join();
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return result.get();
    }
}
