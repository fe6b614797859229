package dev.vitlens.bench;

/**
 * Times a task: {@code warmup} untimed runs (JIT, ORT allocator arenas, caches), then {@code iterations} runs
 * timed one by one with {@link System#nanoTime()}, so the median and p95 describe single calls rather than an
 * average hiding outliers.
 */
public final class Harness {
    /** A benchmarked action. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final int warmup;
    private final int iterations;

    public Harness(int warmup, int iterations) {
        if (warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("need warmup >= 0 and iterations >= 1");
        }
        this.warmup = warmup;
        this.iterations = iterations;
    }

    public int warmup() {
        return warmup;
    }

    public int iterations() {
        return iterations;
    }

    /** A harness with the iteration counts divided by {@code factor} (at least 1 warm-up and 3 timed runs). */
    public Harness scaledDown(int factor) {
        return new Harness(Math.max(Math.min(warmup, 1), warmup / factor), Math.max(3, iterations / factor));
    }

    /**
     * Times several tasks alternately (A, B, C, A, B, C, ...) so that slow drift in machine load (other processes
     * on a shared CPU) affects all of them alike and their ratios stay meaningful. Warm-up alternates too.
     */
    public Stats[] interleaved(Task... tasks) throws Exception {
        for (int i = 0; i < warmup; i++) {
            for (Task t : tasks) {
                t.run();
            }
        }
        long[][] nanos = new long[tasks.length][iterations];
        for (int i = 0; i < iterations; i++) {
            for (int k = 0; k < tasks.length; k++) {
                long t0 = System.nanoTime();
                tasks[k].run();
                nanos[k][i] = System.nanoTime() - t0;
            }
        }
        Stats[] out = new Stats[tasks.length];
        for (int k = 0; k < tasks.length; k++) {
            out[k] = Stats.ofNanos(nanos[k]);
        }
        return out;
    }

    public Stats time(Task task) throws Exception {
        for (int i = 0; i < warmup; i++) {
            task.run();
        }
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            task.run();
            nanos[i] = System.nanoTime() - t0;
        }
        return Stats.ofNanos(nanos);
    }
}
