package dev.vitlens.camera;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Single-slot handoff between the capture thread and the processing thread. For a live source {@link #publish} lets
 * the newest frame replace an unprocessed one (which is closed and counted as dropped), so a slow consumer never works
 * through a backlog; for a source that is not live {@link #handOver} waits until the slot is free, so nothing drops.
 */
public final class LatestFrameSlot {

    private final AtomicReference<Frame> slot = new AtomicReference<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Object signal = new Object();

    /** Offers the newest frame, replacing (and closing) any frame not yet taken. */
    public void publish(Frame frame) {
        Frame replaced = slot.getAndSet(frame);
        if (replaced != null) {
            replaced.close();
            dropped.incrementAndGet();
        }
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Offers a frame and waits until the slot is free first, so no frame is ever replaced (for sources that are not
     * live). Interrupting the waiting thread ends the wait; the frame is then closed.
     */
    public void handOver(Frame frame) throws InterruptedException {
        synchronized (signal) {
            while (slot.get() != null) {
                try {
                    signal.wait();
                } catch (InterruptedException e) {
                    frame.close();
                    throw e;
                }
            }
        }
        publish(frame); // only this thread publishes, so the slot is still free
    }

    /** Takes the newest frame, waiting up to {@code timeout}; {@code null} if none arrived. */
    public Frame take(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            Frame f = slot.getAndSet(null);
            if (f != null) {
                synchronized (signal) {
                    signal.notifyAll(); // a waiting handOver may go on
                }
                return f;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            synchronized (signal) {
                if (slot.get() == null) {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                }
            }
        }
    }

    /** Wakes a waiting {@link #take} (e.g. when the source ended). */
    public void wakeUp() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Frames replaced before anyone took them. */
    public long dropped() {
        return dropped.get();
    }

    /** Closes a frame still waiting in the slot. */
    public void clear() {
        Frame f = slot.getAndSet(null);
        if (f != null) {
            f.close();
        }
    }
}
