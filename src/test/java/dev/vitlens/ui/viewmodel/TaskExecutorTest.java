package dev.vitlens.ui.viewmodel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskExecutorTest {

    @Test
    void directExecutorDeliversResultFailureAndProgress() {
        TaskExecutor executor = TaskExecutor.direct();
        List<Object> events = new ArrayList<>();
        executor.execute(BackgroundTask.of("ok", ctx -> {
            ctx.progress(1, 2, "half");
            return 42;
        }).onProgress(p -> events.add(p.fraction())).onSuccess(events::add).onFinished(() -> events.add("done")));
        executor.execute(BackgroundTask.of("fail", ctx -> {
            throw new IllegalStateException("broken model");
        }).onFailure(e -> events.add(e.getMessage())));
        assertEquals(List.of(0.5, 42, "done", "broken model"), events);
    }

    @Test
    void cancelledTaskPublishesNothing() throws Exception {
        // UI "thread" = a queue we drain by hand, so we control when callbacks would run.
        LinkedBlockingQueue<Runnable> ui = new LinkedBlockingQueue<>();
        TaskExecutor executor = new TaskExecutor(Executors.newSingleThreadExecutor(), ui::add);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Object> published = new AtomicReference<>("nothing");
        TaskHandle handle = executor.execute(BackgroundTask.of("slow", ctx -> {
            started.countDown();
            release.await();
            return "late result";
        }).onSuccess(published::set).onFailure(published::set));
        assertTrue(started.await(5, TimeUnit.SECONDS));
        handle.cancel();
        release.countDown();
        Runnable callback = ui.poll(5, TimeUnit.SECONDS);
        callback.run();
        assertEquals("nothing", published.get());
        assertTrue(handle.isDone());
        executor.close();
    }

    @Test
    void cancelledBeforeStartNeverRuns() throws Exception {
        LinkedBlockingQueue<Runnable> worker = new LinkedBlockingQueue<>();
        TaskExecutor executor = new TaskExecutor(worker::add, Runnable::run);
        AtomicReference<String> ran = new AtomicReference<>("no");
        TaskHandle handle = executor.execute(BackgroundTask.of("queued", ctx -> {
            ran.set("yes");
            return 1;
        }));
        handle.cancel();
        worker.take().run();
        assertEquals("no", ran.get());
    }
}
