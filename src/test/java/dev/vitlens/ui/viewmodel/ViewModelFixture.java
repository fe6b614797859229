package dev.vitlens.ui.viewmodel;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * The workbench's view-models over a {@link FakeBackend}, with no FX toolkit: tasks run on the calling thread
 * ({@link TaskExecutor#direct()}), or wait in {@link #held} until a test runs them, to order late results.
 */
final class ViewModelFixture implements AutoCloseable {

    final FakeBackend backend;
    final Preferences prefs = Preferences.userRoot().node("dev/vitlens/test-" + UUID.randomUUID());
    final WorkbenchSettings settings = new WorkbenchSettings(prefs);
    final Deque<Runnable> held = new ArrayDeque<>();
    final WorkbenchViewModel workbench;

    /** {@code holdInteractive}: interactive work waits in {@link #held}; the gallery batch always runs at once. */
    ViewModelFixture(Path dir, boolean holdInteractive) throws Exception {
        backend = new FakeBackend(dir);
        TaskExecutor interactive = holdInteractive ? new TaskExecutor(held::add, Runnable::run) : TaskExecutor.direct();
        workbench = new WorkbenchViewModel(backend, interactive, TaskExecutor.direct(), settings);
    }

    ViewModelFixture(Path dir) throws Exception {
        this(dir, false);
    }

    /** Runs held work in order, including work it queues, until none is left. */
    void runHeld() {
        while (!held.isEmpty()) {
            held.removeFirst().run();
        }
    }

    SessionViewModel session() {
        return workbench.session();
    }

    @Override
    public void close() throws BackingStoreException {
        prefs.removeNode();
    }
}
