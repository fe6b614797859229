package dev.vitlens.ui;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.ui.viewmodel.LiveViewModel;
import dev.vitlens.ui.viewmodel.TaskExecutor;
import dev.vitlens.ui.viewmodel.WorkbenchBackend;
import dev.vitlens.ui.viewmodel.WorkbenchSettings;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * The workbench window as the TestFX tests build it: real view-models on background executors publishing through
 * {@code Platform::runLater}, settings in a throw-away preferences node, the key handlers installed, started with no
 * files. {@link #close} stops the executors and removes the preferences.
 */
final class WorkbenchHarness implements AutoCloseable {
    final Preferences prefs = Preferences.userRoot().node("dev/vitlens/test-" + UUID.randomUUID());
    final TaskExecutor interactive = TaskExecutor.singleThread("test-inference", Platform::runLater);
    final TaskExecutor batch = TaskExecutor.singleThread("test-gallery", Platform::runLater);
    final TaskExecutor live = TaskExecutor.singleThread("test-live", Platform::runLater);
    final WorkbenchViewModel viewModel;
    final LiveViewModel liveViewModel;
    final WorkbenchView view;

    private WorkbenchHarness(Stage stage, WorkbenchBackend backend, LiveViewModel.Supplier<ModelCatalog> liveCatalog,
                             List<Function<PageContext, WorkbenchPage>> pages, int width, int height) {
        viewModel = new WorkbenchViewModel(backend, interactive, batch, new WorkbenchSettings(prefs));
        liveViewModel = new LiveViewModel(liveCatalog, live, Platform::runLater, viewModel::notify);
        view = new WorkbenchView(new PageContext(viewModel, liveViewModel, viewModel.tasks()), pages, dark -> { });
        Scene scene = new Scene(view, width, height);
        view.installKeyHandlers(scene);
        stage.setScene(scene);
        stage.show();
        viewModel.start(List.of());
    }

    /** The window with the registered pages. */
    static WorkbenchHarness show(Stage stage, WorkbenchBackend backend, LiveViewModel.Supplier<ModelCatalog> liveCatalog) {
        return show(stage, backend, liveCatalog, WorkbenchPages.ALL);
    }

    static WorkbenchHarness show(Stage stage, WorkbenchBackend backend, LiveViewModel.Supplier<ModelCatalog> liveCatalog,
                                 List<Function<PageContext, WorkbenchPage>> pages) {
        return new WorkbenchHarness(stage, backend, liveCatalog, pages, 1200, 800);
    }

    /** Waits (up to a minute) until {@code condition} holds, then for the FX events it queued. */
    static void waitUntil(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        org.testfx.util.WaitForAsyncUtils.waitFor(60, java.util.concurrent.TimeUnit.SECONDS, condition);
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
    }

    @Override
    public void close() throws BackingStoreException {
        viewModel.shutdown();
        liveViewModel.shutdown();
        interactive.close();
        batch.close();
        live.close();
        prefs.removeNode();
    }
}
