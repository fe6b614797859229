package dev.vitlens.inference;

import java.time.Duration;

/**
 * Keeps one ONNX Runtime session alive while a thread is inside a native call on it (issue 19).
 * <p>
 * ORT's Java API lets {@code OrtSession.close()} free the native session while another thread is still inside
 * {@code run()} on it; that run then uses freed memory and the JVM dies with SIGSEGV in libonnxruntime.so (the
 * workbench closed its sessions at exit while the faithfulness scorer was in the middle of a batch). So every native
 * call goes between {@link #enter} and {@link #leave}, and {@link #close} only marks the session closed: it is
 * released at once when no call is inside, else by the last call to leave. Nobody waits for anybody, so closing is
 * safe on any thread, the FX thread included; a call that starts after the close fails with "... was closed".
 * <p>
 * The same count over all sessions lets the launcher wait, before the JVM exits, for calls still inside ORT:
 * ORT frees its native environment in a JVM shutdown hook whether or not a session is running
 * ({@link #drainForExit}).
 */
public final class SessionGate {
    /** One lock for every gate: entering and leaving are a few instructions next to a run of milliseconds. */
    private static final Object LOCK = new Object();
    private static int insideAny;
    private static boolean exiting;

    private final String name;
    private final Runnable release;
    private int inside;
    private boolean closed;

    /**
     * @param name    what the messages call the session ("model vit-fashion")
     * @param release frees the native session (and what it owns); runs exactly once, and must not throw
     */
    SessionGate(String name, Runnable release) {
        this.name = name;
        this.release = release;
    }

    /**
     * Before a native call on the session; a successful enter must be followed by {@link #leave} (in a finally).
     *
     * @throws InferenceException when the session was closed, or the process is exiting
     */
    void enter() throws InferenceException {
        synchronized (LOCK) {
            if (closed) {
                throw new InferenceException(name + " was closed", null);
            }
            if (exiting) {
                throw new InferenceException(name + " was not run: ViTLens is exiting", null);
            }
            inside++;
            insideAny++;
        }
    }

    /** After the native call; the last call out of a closed session releases it. */
    void leave() {
        boolean last;
        synchronized (LOCK) {
            inside--;
            last = closed && inside == 0;
        }
        try {
            if (last) {
                release.run();
            }
        } finally {
            // Counted out only after the release, so drainForExit also waits for releases done here.
            synchronized (LOCK) {
                insideAny--;
                LOCK.notifyAll();
            }
        }
    }

    /** Marks the session closed; releases it now when no call is inside, else the last one out does. Idempotent. */
    void close() {
        boolean now;
        synchronized (LOCK) {
            if (closed) {
                return;
            }
            closed = true;
            now = inside == 0;
        }
        if (now) {
            release.run();
        }
    }

    /**
     * At the end of the process, off the FX thread: refuses every later native call and waits up to {@code timeout}
     * for those inside to finish (a cancelled job still completes the batch it is running), so ORT's shutdown hook
     * does not free its environment under them.
     *
     * @return whether no call was left inside
     */
    public static boolean drainForExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (LOCK) {
            exiting = true;
            try {
                while (insideAny > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LOCK.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return insideAny == 0;
            }
            return true;
        }
    }

    /** Undoes {@link #drainForExit} for the next test in the same JVM. */
    static void resumeAfterDrainForTests() {
        synchronized (LOCK) {
            exiting = false;
        }
    }
}
