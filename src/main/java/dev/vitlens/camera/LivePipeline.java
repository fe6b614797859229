package dev.vitlens.camera;

import dev.vitlens.inference.BigStack;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The live face-mask pipeline: a capture thread reads the source as fast as it delivers and hands over only the
 * newest frame ({@link LatestFrameSlot}); a processing thread detects, crops, classifies (one batch per frame) and
 * draws, then calls the listener. Faults end the run with a specific cause and never hang; {@link #start()} may be
 * called again after a stop (the source is reopened).
 */
public final class LivePipeline implements AutoCloseable {

    /** Receives results on the processing thread; keep it short (hand off to the UI thread, print a line). */
    public interface Listener {

        /**
         * @param result   what was found on the frame
         * @param rendered the drawn frame, or {@code null} when rendering is off; its pixels stay untouched until two
         *                 frames later (the pipeline alternates between two renderers)
         */
        void onFrame(FrameResult result, LiveFrameRenderer rendered);

        /**
         * The run ended: {@code cause} is {@code null} after {@link #stop()}, a {@link FrameSourceException} when the
         * source ended or failed, or a {@link ModelException} when the model failed and {@code stopOnModelError} is set.
         * Called on the processing thread before {@link #awaitStopped} returns; restart from another thread.
         */
        default void onStopped(Exception cause) {
        }

        /**
         * Something the user should know that does not stop the run, e.g. that the configured face detector could not
         * be loaded and the cascades stand in. Called on the processing thread before the first frame.
         */
        default void onNotice(String message) {
            System.err.println("vitlens live: " + message);
        }
    }

    /** The model failed and the pipeline was configured to stop on model errors. */
    public static final class ModelException extends Exception {
        public ModelException(String message) {
            super(message);
        }
    }

    private static final long JOIN_MILLIS = 3000;
    /**
     * Stack of both threads: ONNX Runtime's first initialisation overflows Java's default 1 MB stack (SIGSEGV), and the
     * processing thread may be the first to run the model.
     */
    static final long THREAD_STACK_BYTES = BigStack.STACK_BYTES;

    private final FrameSource source;
    private final FaceClassifier classifier;
    private final FaceHeatmapProvider heatmaps;
    private final LiveOptions options;
    private final Listener listener;

    private volatile boolean running;
    private volatile Exception stopCause;
    private volatile boolean captureEnded;
    private Thread captureThread;
    private Thread processingThread;
    private LatestFrameSlot slot;
    private CountDownLatch stopped = new CountDownLatch(0);

    /**
     * @param classifier the model, or {@code null} for detection only
     * @param heatmaps   optional per-face explanation, or {@code null}
     */
    public LivePipeline(FrameSource source, FaceClassifier classifier, FaceHeatmapProvider heatmaps, LiveOptions options,
                        Listener listener) {
        this.source = source;
        this.classifier = classifier;
        this.heatmaps = heatmaps;
        this.options = options;
        this.listener = listener;
    }

    public FrameSource source() {
        return source;
    }

    /**
     * Opens the source (on the calling thread, so "no camera" fails here at once) and starts the threads. Starting a
     * running pipeline does nothing.
     */
    public synchronized void start() throws FrameSourceException {
        if (running) {
            return;
        }
        if (stopped.getCount() > 0) {
            throw new IllegalStateException("the previous run is still stopping");
        }
        source.open();
        FaceFrameProcessor processor;
        try {
            processor = new FaceFrameProcessor(classifier, heatmaps, options);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        slot = new LatestFrameSlot();
        stopCause = null;
        captureEnded = false;
        running = true;
        stopped = new CountDownLatch(1);
        LatestFrameSlot s = slot;
        captureThread = new Thread(null, () -> captureLoop(s), "vitlens-capture", THREAD_STACK_BYTES);
        processingThread = new Thread(null, () -> processingLoop(s, processor), "vitlens-live", THREAD_STACK_BYTES);
        captureThread.setDaemon(true);
        processingThread.setDaemon(true);
        captureThread.start();
        processingThread.start();
    }

    private void captureLoop(LatestFrameSlot s) {
        try {
            boolean live = source.isLive();
            while (running) {
                Frame f = source.read();
                if (!running) {
                    f.close();
                    break;
                }
                if (live) {
                    s.publish(f);
                } else {
                    s.handOver(f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop() interrupts a capture thread waiting to hand a frame over
        } catch (FrameSourceException e) {
            if (running) {
                stopCause = e;
            }
        } catch (RuntimeException e) {
            if (running) {
                stopCause = new FrameSourceException(FrameSourceException.Kind.UNREADABLE,
                        source.describe() + " failed: " + e);
            }
        } finally {
            captureEnded = true;
            s.wakeUp();
        }
    }

    private void processingLoop(LatestFrameSlot s, FaceFrameProcessor processor) {
        try {
            if (processor.detectorNotice() != null) {
                try {
                    listener.onNotice(processor.detectorNotice());
                } catch (RuntimeException e) {
                    System.err.println("vitlens live: notice listener failed: " + e);
                }
            }
            while (running) {
                long waitStart = System.nanoTime();
                Frame f = s.take(100, TimeUnit.MILLISECONDS);
                if (f == null) {
                    if (!captureEnded) {
                        continue;
                    }
                    // The capture thread ended after its last hand-over, so one more look finds any frame it left.
                    f = s.take(0, TimeUnit.MILLISECONDS);
                    if (f == null) {
                        break; // source ended and every delivered frame was handled
                    }
                }
                double waitMs = (System.nanoTime() - waitStart) / 1e6;
                FrameResult r;
                try {
                    r = processor.process(f, waitMs, s.dropped());
                } finally {
                    f.close();
                }
                try {
                    listener.onFrame(r, processor.lastRendered());
                } catch (RuntimeException e) {
                    System.err.println("vitlens live: frame listener failed: " + e);
                }
                if (r.error() != null && options.stopOnModelError() && r.error().startsWith("Model failed")) {
                    stopCause = new ModelException(r.error());
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            stopCause = new IllegalStateException("Live pipeline failed: " + e, e);
        } finally {
            running = false;
            processor.close();
            finish(s);
        }
    }

    /** Runs once the processing thread is done: stop capture, release the source, tell the listener. */
    private void finish(LatestFrameSlot s) {
        Thread capture = captureThread;
        if (capture != null && capture != Thread.currentThread()) {
            capture.interrupt(); // wakes a paced clip's sleep; camera reads return within a frame
            try {
                capture.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        s.clear();
        source.close();
        Exception cause = stopCause;
        try {
            listener.onStopped(cause);
        } catch (RuntimeException e) {
            System.err.println("vitlens live: stop listener failed: " + e);
        } finally {
            stopped.countDown(); // after the listener, so awaitStopped() also means "the listener was told"
        }
    }

    /** Asks the pipeline to stop and waits (bounded) for it; callable from any thread, including the listener. */
    public void stop() {
        running = false;
        Thread p = processingThread;
        if (p != null && p != Thread.currentThread()) {
            if (slot != null) {
                slot.wakeUp();
            }
            try {
                p.join(JOIN_MILLIS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until the current run has ended (source ended, failed or stopped). */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    public boolean isRunning() {
        return running;
    }

    /** Why the last run ended, or {@code null} (still running, or stopped on request). */
    public Exception stopCause() {
        return stopCause;
    }

    @Override
    public void close() {
        stop();
    }
}
