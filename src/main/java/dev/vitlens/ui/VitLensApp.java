package dev.vitlens.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.LiveViewModel;
import dev.vitlens.ui.viewmodel.TaskExecutor;
import dev.vitlens.ui.viewmodel.WorkbenchBackend;
import dev.vitlens.ui.viewmodel.WorkbenchSettings;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Stage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The ViTLens workbench window. */
public class VitLensApp extends Application {

    private WorkbenchBackend backend;
    private TaskExecutor interactive;
    private TaskExecutor batch;
    private WorkbenchViewModel viewModel;
    private Stage stage;
    private TaskExecutor live;
    private LiveViewModel liveViewModel;

    /** Opens the main window; {@code files} are images or folders to open at start. Blocks until the window closes. */
    public static void launchApp(String[] files) {
        Application.launch(VitLensApp.class, files);
    }

    private WorkbenchSettings settings;

    /** Runs on the launcher thread, not the FX thread: the preferences are read from disk here. */
    @Override
    public void init() {
        settings = WorkbenchSettings.forUser();
        settings.darkTheme();
    }

    @Override
    public void start(Stage stage) {
        this.stage = stage;
        applyTheme(settings.darkTheme());
        // The engine loads lazily inside background tasks: constructing it does no I/O on the FX thread.
        backend = EngineBackend.standard();
        interactive = TaskExecutor.singleThread("vitlens-inference", Platform::runLater);
        batch = TaskExecutor.singleThread("vitlens-gallery", Platform::runLater);
        viewModel = new WorkbenchViewModel(backend, interactive, batch, settings);

        live = TaskExecutor.singleThread("vitlens-live", Platform::runLater);
        liveViewModel = new LiveViewModel(ModelCatalog::standard, live, Platform::runLater, viewModel::notify);
        WorkbenchView view = new WorkbenchView(viewModel, liveViewModel, VitLensApp::applyTheme);
        Scene scene = new Scene(view, settings.windowWidth(), settings.windowHeight());
        scene.getStylesheets().add(Objects.requireNonNull(
                VitLensApp.class.getResource("vitlens.css"), "vitlens.css missing").toExternalForm());
        view.installKeyHandlers(scene);
        stage.setTitle("ViTLens");
        stage.setMinWidth(800);
        stage.setMinHeight(560);
        stage.setScene(scene);
        try (InputStream icon = VitLensApp.class.getResourceAsStream("vitlens.png")) {
            if (icon != null) {
                stage.getIcons().add(new Image(icon));
            }
        } catch (java.io.IOException ignored) {
            // A missing icon is cosmetic.
        }
        stage.show();

        List<Path> files = getParameters().getRaw().stream().map(Path::of).toList();
        viewModel.start(files);
    }

    static void applyTheme(boolean dark) {
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
    }

    @Override
    public void stop() {
        if (viewModel != null) {
            // Ctrl+Q exits without a close request: remember the size here, for every way out.
            if (stage != null && stage.getScene() != null) {
                viewModel.settings().setWindowSize(stage.getScene().getWidth(), stage.getScene().getHeight());
            }
            viewModel.cancelAll();
        }
        // Everything that waits happens off the FX thread: the redraw worker and the task workers wait for their
        // current task (2 s each at most), the live pipeline joins its capture and processing threads, the settings are
        // written to disk, and closing the models may wait for a model being opened or a face search. The thread is not
        // a daemon, so the JVM does not exit before the models are released; the launcher then waits for runs still
        // inside ONNX Runtime.
        WorkbenchViewModel workbench = viewModel;
        LiveViewModel liveView = liveViewModel;
        Thread release = new Thread(() -> {
            if (workbench != null) {
                workbench.release();
            }
            if (liveView != null) {
                liveView.shutdown();
            }
            for (TaskExecutor executor : new TaskExecutor[] {live, interactive, batch}) {
                if (executor != null) {
                    executor.close();
                }
            }
            if (backend != null) {
                backend.close();
            }
        }, "vitlens-release");
        release.setDaemon(false);
        release.start();
    }
}
