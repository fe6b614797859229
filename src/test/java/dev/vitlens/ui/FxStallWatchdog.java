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
    private AnimationTimer timer;

    void start() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Platform.runLater(() -> {
            timer = new AnimationTimer() {
                private long last = -1;

                @Override
                public void handle(long now) {
                    if (last >= 0) {
                        longestGapNanos.accumulateAndGet(now - last, Math::max);
                    }
                    last = now;
                    pulses.incrementAndGet();
                }
            };
            timer.start();
            started.countDown();
        });
        started.await(5, TimeUnit.SECONDS);
    }

    void stop() throws InterruptedException {
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
