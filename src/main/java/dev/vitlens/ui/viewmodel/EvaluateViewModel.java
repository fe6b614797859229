package dev.vitlens.ui.viewmodel;

import dev.vitlens.evaluate.EvaluationReport;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * "Evaluate Folder": runs the chosen model over a folder with one sub-folder per class (the same evaluation as
 * {@code vitlens evaluate}) in the background with progress and cancel, and holds the report the confusion-matrix
 * view draws. A cell's images open in the gallery.
 */
public final class EvaluateViewModel {

    private final WorkbenchBackend backend;
    private final TaskExecutor tasks;
    private final ObjectProperty<ModelEntry> model;
    private final Consumer<List<Path>> openInGallery;
    private final Consumer<Notice> notices;

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<EvaluationReport> report = new ReadOnlyObjectWrapper<>();

    // Only touched on the FX thread.
    private long generation;
    private TaskHandle runningTask;
    private ModelEntry evaluated;

    /**
     * @param model         the session's model choice: the model evaluated, and set back to it when a cell opens
     * @param openInGallery shows files as the gallery
     */
    EvaluateViewModel(WorkbenchBackend backend, TaskExecutor tasks, ObjectProperty<ModelEntry> model,
                      Consumer<List<Path>> openInGallery, Consumer<Notice> notices) {
        this.backend = Objects.requireNonNull(backend);
        this.tasks = Objects.requireNonNull(tasks);
        this.model = Objects.requireNonNull(model);
        this.openInGallery = Objects.requireNonNull(openInGallery);
        this.notices = Objects.requireNonNull(notices);
    }

    /** Evaluates the chosen model on {@code folder}; a running evaluation is cancelled first. */
    public void evaluate(Path folder) {
        ModelEntry chosen = model.get();
        if (chosen == null || !chosen.available()) {
            notices.accept(Notice.error("No usable model", chosen == null ? "Pick a model first."
                    : chosen.displayName() + " is unavailable: " + chosen.unavailableReason()));
            return;
        }
        cancelRunning();
        long requested = ++generation;
        String where = folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
        title.set(chosen.displayName() + " on " + where);
        report.set(null);
        progress.set(0);
        running.set(true);
        status.set("Listing " + folder + "\u2026");
        runningTask = tasks.execute(BackgroundTask.<EvaluationReport>of("evaluate " + where, context ->
                backend.evaluate(chosen.id(), folder, (done, total, file) ->
                        context.progress(done, total, done + " / " + total + " images"), context::isCancelled))
                .onProgress(update -> {
                    if (requested == generation) {
                        status.set(update.message());
                        progress.set(update.fraction());
                    }
                })
                .onSuccess(result -> {
                    if (requested == generation) {
                        evaluated = chosen;
                        progress.set(1);
                        status.set(summary(result));
                        report.set(result);
                    }
                })
                .onFailure(error -> {
                    if (requested == generation) {
                        status.set("Evaluation failed: " + ErrorText.describe(error));
                        notices.accept(Notice.error("Cannot evaluate on " + where, ErrorText.describe(error)));
                    }
                })
                .onFinished(() -> {
                    if (requested == generation) {
                        running.set(false);
                    }
                }));
    }

    /** Stops the running evaluation; nothing of it is shown. */
    public void cancel() {
        if (runningTask != null && !runningTask.isDone() && running.get()) {
            cancelRunning();
            running.set(false);
            status.set("Cancelled at " + Math.round(progress.get() * 100) + "%");
        }
    }

    private void cancelRunning() {
        if (runningTask != null) {
            runningTask.cancel();
        }
        generation++;
    }

    /** "accuracy 89.40% (8940/10000) · 2 not read · 28.5 s": the line under the matrix. */
    static String summary(EvaluationReport r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Accuracy %s (%d/%d)", percent(r.accuracy()),
                r.correct(), r.images()));
        if (!r.errors().isEmpty()) {
            s.append(" \u00b7 ").append(r.errors().size()).append(" not read");
        }
        if (!r.unmatchedFolders().isEmpty()) {
            s.append(" \u00b7 ").append(r.unmatchedFolders().size()).append(" folder")
                    .append(r.unmatchedFolders().size() == 1 ? "" : "s").append(" matched no label");
        }
        if (!r.emptyFolders().isEmpty()) {
            s.append(" \u00b7 ").append(r.emptyFolders().size()).append(" empty");
        }
        return s.append(String.format(Locale.ROOT, " \u00b7 %.1f s", r.seconds())).toString();
    }

    /** A ratio as a percentage with two decimals, or "-" when undefined. */
    public static String percent(double ratio) {
        return Double.isNaN(ratio) ? "\u2013" : String.format(Locale.ROOT, "%.2f%%", ratio * 100);
    }

    /** The share of true class {@code row} that landed in column {@code col}: the cell's colour (0 for empty rows). */
    public static double rowFraction(EvaluationReport r, int row, int col) {
        int total = r.rowTotal(row);
        return total == 0 ? 0 : (double) r.count(row, col) / total;
    }

    /** The images of one cell of the shown report (rows: true class, columns: predicted). */
    public List<Path> cellFiles(int row, int col) {
        EvaluationReport shown = report.get();
        return shown == null ? List.of() : shown.filesIn(row, col);
    }

    /**
     * Opens a cell's images in the gallery (an empty cell only says so). The gallery classifies with the model the
     * matrix is about: if the user picked another one since, the evaluated model is chosen again first.
     */
    public void openCell(int row, int col) {
        EvaluationReport shown = report.get();
        if (shown == null) {
            return;
        }
        List<Path> files = shown.filesIn(row, col);
        if (files.isEmpty()) {
            notices.accept(Notice.info("No images", "No " + shown.labels().get(row) + " image was predicted as "
                    + shown.labels().get(col) + "."));
            return;
        }
        ModelEntry current = model.get();
        if (evaluated != null && (current == null || !current.id().equals(evaluated.id()))) {
            model.set(evaluated);
        }
        openInGallery.accept(files);
    }

    /** Stops the evaluation (window closing). */
    void shutdown() {
        cancelRunning();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** Progress of the running evaluation, 0 to 1. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** Progress text while running, the summary when done, or why it failed. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** "model on folder" of the latest evaluation. */
    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    /** The finished evaluation, or null while none is shown. */
    public ReadOnlyObjectProperty<EvaluationReport> reportProperty() {
        return report.getReadOnlyProperty();
    }
}
