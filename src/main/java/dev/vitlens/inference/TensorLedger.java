package dev.vitlens.inference;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide count of ONNX Runtime values (input tensors and session results) the engine created and closed.
 * Native memory is invisible to the Java heap, so a leak shows up only here or in RSS; the soak test checks that
 * both counts are equal after thousands of frames.
 */
public final class TensorLedger {
    private static final AtomicLong CREATED = new AtomicLong();
    private static final AtomicLong CLOSED = new AtomicLong();

    /** Counts at one moment. */
    public record Snapshot(long created, long closed) {
        public long open() {
            return created - closed;
        }
    }

    private TensorLedger() {
    }

    public static Snapshot snapshot() {
        long closed = CLOSED.get(); // read closed first so a concurrent run never shows closed > created
        return new Snapshot(CREATED.get(), closed);
    }

    static void created(long n) {
        CREATED.addAndGet(n);
    }

    static void closed(long n) {
        CLOSED.addAndGet(n);
    }
}
