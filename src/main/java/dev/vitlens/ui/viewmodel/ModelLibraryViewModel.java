package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.ImportResult;
import dev.vitlens.catalog.ModelInfo;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The user's own models: import an export folder (Model menu, or dropped on the window) the way {@code vitlens
 * import} does, rename and remove them. Each change runs in the background and then refreshes the model picker; an
 * imported model becomes the choice.
 */
public final class ModelLibraryViewModel {

    private final WorkbenchBackend backend;
    private final TaskExecutor tasks;
    private final SessionViewModel session;
    private final Consumer<Notice> notices;

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    // Only touched on the FX thread: imports queue on one worker, "running" lasts until the last one ends.
    private int pending;

    ModelLibraryViewModel(WorkbenchBackend backend, TaskExecutor tasks, SessionViewModel session,
                          Consumer<Notice> notices) {
        this.backend = Objects.requireNonNull(backend);
        this.tasks = Objects.requireNonNull(tasks);
        this.session = Objects.requireNonNull(session);
        this.notices = Objects.requireNonNull(notices);
    }

    /**
     * Whether {@code dir} is a model export rather than a folder of images: it holds {@code model.onnx} and
     * {@code config.json} (the preprocessor config may be missing; the import then says which defaults it used).
     * Touches the disk: call it on a worker.
     */
    public static boolean isExportFolder(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(ModelInfo.MODEL_FILE))
                && Files.isRegularFile(dir.resolve(ModelInfo.CONFIG_FILE));
    }

    /** Imports an export folder (or an {@code .onnx} file with its JSON files beside it), then selects the model. */
    public void importModel(Path source) {
        String name = source.getFileName() == null ? source.toString() : source.getFileName().toString();
        pending++;
        running.set(true);
        progress.set(0);
        status.set("Importing " + name + "\u2026");
        tasks.execute(BackgroundTask.<ImportResult>of("import " + name, context -> backend.importModel(source,
                (step, fraction) -> context.progress(Math.round(fraction * 1000), 1000, step)))
                .onProgress(update -> {
                    progress.set(update.fraction());
                    status.set(update.message());
                })
                .onSuccess(result -> {
                    notices.accept(Notice.success("Imported " + result.info().displayName(),
                            "Model \"" + result.id() + "\" is in your models folder (" + result.dir() + ")."));
                    if (!result.warnings().isEmpty()) {
                        notices.accept(Notice.warning("Imported with warnings", String.join("\n", result.warnings())));
                    }
                    status.set("Imported " + result.id());
                    session.refreshModels(result.id());
                })
                .onFailure(error -> {
                    status.set("Import failed");
                    notices.accept(Notice.error("Cannot import " + name, ErrorText.describe(error)));
                })
                .onFinished(this::finished));
    }

    /** Whether the user may rename or remove the model (their own, not a bundled one). */
    public static boolean canChange(ModelEntry model) {
        return model != null && model.userModel();
    }

    /** Sets a user model's display name. */
    public void rename(ModelEntry model, String displayName) {
        if (!canChange(model)) {
            refuse(model, "renamed");
            return;
        }
        change("Renaming " + model.displayName(), () -> backend.renameModel(model.id(), displayName),
                "Cannot rename " + model.displayName(), () -> { });
    }

    /** Removes a user model (the view asks for confirmation first). */
    public void remove(ModelEntry model) {
        if (!canChange(model)) {
            refuse(model, "removed");
            return;
        }
        change("Removing " + model.displayName(), () -> backend.removeModel(model.id()),
                "Cannot remove " + model.displayName(),
                () -> notices.accept(Notice.info("Removed " + model.displayName(), "Model \"" + model.id()
                        + "\" was deleted from your models folder.")));
    }

    private void refuse(ModelEntry model, String what) {
        notices.accept(Notice.warning("Bundled model", model == null ? "Pick a model first."
                : model.displayName() + " is bundled with ViTLens: only your own (imported) models can be " + what
                + "."));
    }

    @FunctionalInterface
    private interface Change {
        void run() throws Exception;
    }

    private void change(String what, Change change, String failureTitle, Runnable onDone) {
        pending++;
        running.set(true);
        progress.set(-1);
        status.set(what + "\u2026");
        tasks.execute(BackgroundTask.<Boolean>of(what, context -> {
            change.run();
            return true;
        }).onSuccess(done -> {
            status.set("");
            onDone.run();
            session.refreshModels(null);
        }).onFailure(error -> {
            status.set(failureTitle);
            notices.accept(Notice.error(failureTitle, ErrorText.describe(error)));
        }).onFinished(this::finished));
    }

    private void finished() {
        pending--;
        if (pending == 0) {
            running.set(false);
            progress.set(0);
        }
    }

    /** True while an import, rename or removal runs. */
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** The running import's progress, 0 to 1 (-1: indeterminate). */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** What is being done, or how the last change ended. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }
}
