package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.ImportResult;
import dev.vitlens.fewshot.ClassExamples;
import dev.vitlens.fewshot.Example;
import dev.vitlens.fewshot.FewShotException;
import dev.vitlens.fewshot.FewShotResult;
import dev.vitlens.fewshot.TrainingSet;
import dev.vitlens.imaging.ImageConversion;
import dev.vitlens.imaging.ImageFolders;
import dev.vitlens.imaging.ImageFormats;
import dev.vitlens.imaging.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Few-shot page: classes the user builds from dropped, chosen, pasted or webcam images; a backbone; fitting a
 * ridge head (the same training as {@code vitlens fewshot train}) in the background with progress and cancel; the
 * leave-one-out accuracy per class and confusion matrix; and saving the head as a new model, which then appears in
 * the picker. Any change to the classes or the backbone marks the shown result as out of date.
 */
public final class FewShotViewModel {

    /** One class being taught: its name (the new label) and its images. */
    public static final class ClassItem {
        private final StringProperty name = new SimpleStringProperty();
        private final ObservableList<Example> examples = FXCollections.observableArrayList();
        private final ObservableList<Example> readOnly = FXCollections.unmodifiableObservableList(examples);

        ClassItem(String name) {
            this.name.set(name);
        }

        /** The label; the view edits it directly. */
        public StringProperty nameProperty() {
            return name;
        }

        public ObservableList<Example> examples() {
            return readOnly;
        }
    }

    private final WorkbenchBackend backend;
    private final TaskExecutor tasks;
    private final SessionViewModel session;
    private final Consumer<Notice> notices;

    private final ObservableList<ClassItem> classes = FXCollections.observableArrayList();
    private final ObservableList<ClassItem> classesView = FXCollections.unmodifiableObservableList(classes);
    private final ObjectProperty<ModelEntry> backbone = new SimpleObjectProperty<>();
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(
            "Add at least two classes with a few images each, then Fit.");
    private final ReadOnlyObjectWrapper<FewShotResult> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper stale = new ReadOnlyBooleanWrapper(false);

    // Only touched on the FX thread.
    private long generation;
    private TaskHandle fitting;
    private int snapshots;
    private int pasted;

    FewShotViewModel(WorkbenchBackend backend, TaskExecutor tasks, SessionViewModel session,
                     Consumer<Notice> notices) {
        this.backend = Objects.requireNonNull(backend);
        this.tasks = Objects.requireNonNull(tasks);
        this.session = Objects.requireNonNull(session);
        this.notices = Objects.requireNonNull(notices);
        backbone.addListener((obs, old, now) -> changed());
    }

    // ---- classes ------------------------------------------------------------------------------------------

    /** Adds an empty class named "class N" and returns it (the view focuses its name). */
    public ClassItem addClass() {
        int n = classes.size() + 1;
        String name = "class " + n;
        while (hasName(name)) {
            name = "class " + ++n;
        }
        return addClass(name);
    }

    private ClassItem addClass(String name) {
        ClassItem item = new ClassItem(name);
        item.nameProperty().addListener((obs, old, now) -> changed());
        classes.add(item);
        changed();
        return item;
    }

    private boolean hasName(String name) {
        return classes.stream().anyMatch(c -> c.nameProperty().get().equalsIgnoreCase(name));
    }

    public void removeClass(ClassItem item) {
        if (classes.remove(item)) {
            changed();
        }
    }

    public void removeExample(ClassItem item, Example example) {
        if (item.examples.remove(example)) {
            changed();
        }
    }

    /**
     * Adds image files, and the images inside folders (searched recursively), to a class. Listing folders touches the
     * disk, so it runs in the background; files that are not images are reported, not added.
     */
    public void addFiles(ClassItem item, List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        tasks.execute(BackgroundTask.<Listed>of("list images", context -> list(paths))
                .onSuccess(listed -> {
                    if (!classes.contains(item)) {
                        return;
                    }
                    listed.images().forEach(p -> item.examples.add(Example.of(p)));
                    if (!listed.images().isEmpty()) {
                        changed();
                    }
                    report(listed, "\"" + item.nameProperty().get() + "\"");
                })
                .onFailure(error -> notices.accept(Notice.error("Cannot add the images", ErrorText.describe(error)))));
    }

    /**
     * A folder with one sub-folder of images per class (what {@code vitlens fewshot train --data} reads): each
     * sub-folder becomes a class, or adds to the class of the same name.
     */
    public void addClassFolders(Path root) {
        tasks.execute(BackgroundTask.<List<ClassExamples>>of("list class folders", context -> {
            List<ClassExamples> found = new ArrayList<>();
            for (Path folder : ImageFolders.classFolders(root).classFolders()) {
                found.add(new ClassExamples(folder.getFileName().toString(),
                        ImageFolders.images(folder).images().stream().map(Example::of).toList()));
            }
            return found;
        }).onSuccess(found -> {
            if (found.isEmpty()) {
                notices.accept(Notice.warning("No class folders", root + " has no sub-folders: put each class's "
                        + "images in a sub-folder named after the class, or drop the images on a class."));
                return;
            }
            for (ClassExamples c : found) {
                ClassItem item = classes.stream().filter(i -> i.nameProperty().get().equalsIgnoreCase(c.name()))
                        .findFirst().orElseGet(() -> addClass(c.name()));
                item.examples.addAll(c.examples());
            }
            // A first "class 1"/"class 2" placeholder the user never filled is replaced by the folders' classes.
            classes.removeIf(i -> i.examples.isEmpty() && i.nameProperty().get().matches("class \\d+"));
            changed();
        }).onFailure(error -> notices.accept(Notice.error("Cannot read " + root, ErrorText.describe(error)))));
    }

    /** Adds an image held in memory (pasted); {@code image} is converted off the FX thread. */
    public void addImage(ClassItem item, BufferedImage image) {
        String name = "pasted image " + ++pasted;
        tasks.execute(BackgroundTask.<RgbImage>of("convert " + name, context -> ImageConversion.toRgb(image))
                .onSuccess(rgb -> {
                    if (classes.contains(item)) {
                        item.examples.add(Example.of(name, rgb));
                        changed();
                    }
                }));
    }

    /** What the clipboard held: files (added like dropped ones) or an image; neither is reported. */
    public void paste(ClassItem item, List<Path> files, BufferedImage image) {
        if (!files.isEmpty()) {
            addFiles(item, files);
        } else if (image != null) {
            addImage(item, image);
        } else {
            notices.accept(Notice.warning("Nothing to paste", "The clipboard holds no image and no files."));
        }
    }

    /** Takes a webcam picture for a class; without a camera the user is told why. */
    public void snapshot(ClassItem item) {
        String name = "snapshot " + ++snapshots;
        status.set("Taking a snapshot\u2026");
        tasks.execute(BackgroundTask.<RgbImage>of("camera snapshot", context -> backend.cameraSnapshot())
                .onSuccess(rgb -> {
                    status.set("Took " + name + " for \"" + item.nameProperty().get() + "\"");
                    if (classes.contains(item)) {
                        item.examples.add(Example.of(name, rgb));
                        changed();
                    }
                })
                .onFailure(error -> {
                    status.set("No snapshot");
                    notices.accept(Notice.error("No camera picture", ErrorText.describe(error)));
                }));
    }

    /** Image files found under {@code paths}, and what could not be added. */
    record Listed(List<Path> images, List<String> refused) {
    }

    private static Listed list(List<Path> paths) {
        List<Path> images = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                ImageFolders.Images found = ImageFolders.images(p);
                images.addAll(found.images());
                found.unreadable().forEach(u -> refused.add(u.message()));
                if (found.images().isEmpty() && found.unreadable().isEmpty()) {
                    refused.add(p + " holds no image files");
                }
            } else if (ImageFormats.isImageFile(p)) {
                ImageFormats.unreadableReason(p).ifPresentOrElse(reason -> refused.add(p + ": " + reason),
                        () -> images.add(p));
            } else {
                refused.add(p.getFileName() + " is not an image file");
            }
        }
        return new Listed(images, refused);
    }

    private void report(Listed listed, String where) {
        if (!listed.refused().isEmpty()) {
            List<String> shown = listed.refused().subList(0, Math.min(5, listed.refused().size()));
            notices.accept(Notice.warning("Some files were not added to " + where, String.join("\n", shown)
                    + (listed.refused().size() > 5 ? "\n(" + (listed.refused().size() - 5) + " more)" : "")));
        }
    }

    // ---- fitting and saving -------------------------------------------------------------------------------

    /**
     * Fits the head in the background. Problems with the classes (fewer than two, an empty one, two with one name)
     * are reported at once, before any work.
     */
    public void fit() {
        ModelEntry chosen = backbone.get();
        if (chosen == null || !chosen.available()) {
            notices.accept(Notice.error("No backbone", chosen == null ? "Pick the model whose features to use."
                    : chosen.displayName() + " is unavailable: " + chosen.unavailableReason()));
            return;
        }
        List<ClassExamples> snapshot = classes.stream()
                .map(c -> new ClassExamples(c.nameProperty().get().strip(), List.copyOf(c.examples))).toList();
        try {
            TrainingSet.of(snapshot); // the same checks the backend makes, answered without waiting
        } catch (FewShotException e) {
            status.set(e.getMessage());
            notices.accept(Notice.warning("Cannot fit yet", e.getMessage()));
            return;
        }
        cancelRunning();
        long requested = ++generation;
        running.set(true);
        progress.set(0);
        status.set("Computing features with " + chosen.displayName() + "\u2026");
        fitting = tasks.execute(BackgroundTask.<FewShotResult>of("few-shot fit", context ->
                backend.trainFewShot(chosen.id(), snapshot, (done, total, name) ->
                        context.progress(done, total, done + " / " + total + " images"), context::isCancelled))
                .onProgress(update -> {
                    if (requested == generation) {
                        progress.set(update.fraction());
                        status.set(update.message());
                    }
                })
                .onSuccess(fitted -> {
                    if (requested == generation) {
                        result.set(fitted);
                        stale.set(false);
                        progress.set(1);
                        status.set(summary(fitted));
                        if (!fitted.warnings().isEmpty()) {
                            notices.accept(Notice.warning("Fitted, with warnings", String.join("\n",
                                    fitted.warnings().subList(0, Math.min(5, fitted.warnings().size())))));
                        }
                    }
                })
                .onFailure(error -> {
                    if (requested == generation) {
                        status.set("Fitting failed: " + ErrorText.describe(error));
                        notices.accept(Notice.error("Cannot fit the head", ErrorText.describe(error)));
                    }
                })
                .onFinished(() -> {
                    if (requested == generation) {
                        running.set(false);
                    }
                }));
    }

    /** Stops a running fit; nothing of it is shown. */
    public void cancel() {
        if (running.get()) {
            cancelRunning();
            running.set(false);
            status.set("Cancelled at " + Math.round(progress.get() * 100) + "%");
        }
    }

    private void cancelRunning() {
        if (fitting != null) {
            fitting.cancel();
        }
        generation++;
    }

    /**
     * Saves the fitted head as a new model under {@code displayName} and selects it. Refused while the result is
     * out of date, so a saved model is always the one whose accuracy was shown.
     */
    public void save(String displayName) {
        FewShotResult fitted = result.get();
        if (fitted == null || stale.get()) {
            notices.accept(Notice.warning("Fit first", fitted == null ? "There is no fitted head to save yet."
                    : "The classes or the backbone changed since the last fit: fit again, then save."));
            return;
        }
        String name = displayName == null || displayName.isBlank() ? String.join(" / ", fitted.labels())
                : displayName.strip();
        running.set(true);
        progress.set(-1);
        status.set("Saving " + name + "\u2026");
        tasks.execute(BackgroundTask.<ImportResult>of("save few-shot model", context ->
                backend.saveFewShot(fitted, name, (step, fraction) ->
                        context.progress(Math.round(fraction * 1000), 1000, step)))
                .onSuccess(saved -> {
                    status.set("Saved as " + saved.info().displayName() + " (" + saved.id() + ")");
                    notices.accept(Notice.success("Saved " + saved.info().displayName(), "Model \"" + saved.id()
                            + "\" is in your models folder and selected; classify, explain and teach with it."));
                    session.refreshModels(saved.id());
                })
                .onFailure(error -> {
                    status.set("Not saved: " + ErrorText.describe(error));
                    notices.accept(Notice.error("Cannot save the model", ErrorText.describe(error)));
                })
                .onFinished(() -> running.set(false)));
    }

    private void changed() {
        if (result.get() != null) {
            stale.set(true);
            status.set("Changed since the last fit: fit again to update the accuracy.");
        }
    }

    /** "Leave-one-out accuracy 93.3% (28/30) · λ 1.2 · features 2.1 s, head 4 ms". */
    static String summary(FewShotResult r) {
        double loo = r.looAccuracy();
        int right = 0;
        int counted = 0;
        for (int k = 0; k < r.labels().size(); k++) {
            if (r.count(k) >= 2) {
                right += r.confusion()[k][k];
                counted += r.count(k);
            }
        }
        String accuracy = Double.isNaN(loo) ? "Leave-one-out accuracy not measurable (every class has one image)"
                : String.format(Locale.ROOT, "Leave-one-out accuracy %.1f%% (%d/%d)", 100 * loo, right, counted);
        return accuracy + String.format(Locale.ROOT, " \u00b7 \u03bb %.3g \u00b7 features %.1f s, head %.0f ms",
                r.head().lambda(), r.featureSeconds(), r.fitMillis());
    }

    /** A class's leave-one-out accuracy for the table ("92.0%", or "n/a" for a class with one image). */
    public static String classAccuracy(FewShotResult r, int label) {
        double a = r.classAccuracy(label);
        return Double.isNaN(a) ? "n/a (1 image)" : String.format(Locale.ROOT, "%.1f%%", 100 * a);
    }

    void shutdown() {
        cancelRunning();
    }

    public ObservableList<ClassItem> classes() {
        return classesView;
    }

    /** The models to choose a backbone from (every available model; those without a head too). */
    public ObservableList<ModelEntry> backbones() {
        return session.models();
    }

    public ObjectProperty<ModelEntry> backboneProperty() {
        return backbone;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The last fit, or null before the first. */
    public ReadOnlyObjectProperty<FewShotResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** Whether the classes or the backbone changed since {@link #resultProperty()} was fitted. */
    public ReadOnlyBooleanProperty staleProperty() {
        return stale.getReadOnlyProperty();
    }
}
