package dev.vitlens.ui;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the longest gap between two FX pulses while it runs: a long gap means the FX thread was blocked (by
 * decoding, inference or I/O it should never do). Start and stop it from any thread.
 */
final class FxStallWatchdog {

    private final AtomicLong longestGapNanos = new AtomicLong();
    private final AtomicLong pulses = new AtomicLong();
    private final java.util.List<String> longGaps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private AnimationTimer timer;
    private volatile long lastPulse;
    private Thread sampler;
    private final java.util.List<String> stalls = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Gaps over 250 ms with the wall-clock time they ended, to find what caused them. */
    java.util.List<String> longGaps() {
        return longGaps;
    }

    void start() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Platform.runLater(() -> {
            timer = new AnimationTimer() {
                private long last = -1;

                @Override
                public void handle(long now) {
                    lastPulse = System.nanoTime();
                    if (last >= 0) {
                        longestGapNanos.accumulateAndGet(now - last, Math::max);
                        if (now - last > 250_000_000L) {
                            longGaps.add(String.format(java.util.Locale.ROOT, "%.0f ms ending at %tT.%<tL",
                                    (now - last) / 1e6, System.currentTimeMillis()));
                        }
                    }
                    last = now;
                    pulses.incrementAndGet();
                }
            };
            timer.start();
            Thread fxThread = Thread.currentThread();
            lastPulse = System.nanoTime();
            sampler = new Thread(() -> sample(fxThread), "fx-stall-sampler");
            sampler.setDaemon(true);
            sampler.start();
            started.countDown();
        });
        started.await(5, TimeUnit.SECONDS);
    }

    /** While a pulse is overdue, remembers where the FX thread is, so a stall report says what blocked it. */
    private void sample(Thread fxThread) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            long overdue = System.nanoTime() - lastPulse;
            if (overdue > 250_000_000L) {
                StringBuilder where = new StringBuilder();
                StackTraceElement[] stack = fxThread.getStackTrace();
                for (int i = 0; i < Math.min(60, stack.length); i++) {
                    where.append("\n      at ").append(stack[i]);
                }
                stalls.add(String.format(java.util.Locale.ROOT, "pulse overdue %.0f ms:%s", overdue / 1e6, where));
            }
        }
    }

    java.util.List<String> stallStacks() {
        return stalls;
    }

    void stop() throws InterruptedException {
        if (sampler != null) {
            sampler.interrupt();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Platform.runLater(() -> {
            if (timer != null) {
                timer.stop();
            }
            stopped.countDown();
        });
        stopped.await(5, TimeUnit.SECONDS);
    }

    double longestGapMillis() {
        return longestGapNanos.get() / 1e6;
    }

    long pulses() {
        return pulses.get();
    }
}
