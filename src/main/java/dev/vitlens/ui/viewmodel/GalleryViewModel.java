package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.Analysis;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The gallery: several opened images, each classified (top-1 and thumbnail) in a background batch with progress;
 * choosing an item shows it in the session.
 */
public final class GalleryViewModel {

    private static final int THUMBNAIL_SIZE = 72;

    private final WorkbenchBackend backend;
    private final TaskExecutor batch;
    private final Supplier<ModelEntry> model;
    private final Consumer<Path> show;
    private final Consumer<Notice> notices;

    private final ObservableList<GalleryItem> items = FXCollections.observableArrayList();
    private final ObservableList<GalleryItem> itemsView = FXCollections.unmodifiableObservableList(items);
    private final ReadOnlyIntegerWrapper index = new ReadOnlyIntegerWrapper(-1);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);

    // Only touched on the FX thread.
    private long batchGeneration;
    private TaskHandle runningBatch;

    /**
     * @param model the model the batch classifies with (the session's choice)
     * @param show  shows a chosen item's file
     */
    GalleryViewModel(WorkbenchBackend backend, TaskExecutor batch, Supplier<ModelEntry> model, Consumer<Path> show,
                     Consumer<Notice> notices) {
        this.backend = Objects.requireNonNull(backend);
        this.batch = Objects.requireNonNull(batch);
        this.model = Objects.requireNonNull(model);
        this.show = Objects.requireNonNull(show);
        this.notices = Objects.requireNonNull(notices);
        index.addListener((obs, old, now) -> {
            int at = now.intValue();
            if (at >= 0 && at < items.size() && at != old.intValue()) {
                show.accept(items.get(at).file());
            }
        });
    }

    /** Replaces the gallery with {@code files}, starts classifying them and shows the first. */
    void open(List<Path> files) {
        clear();
        files.forEach(file -> items.add(new GalleryItem(file)));
        classifyAll();
        index.set(0);
    }

    /** Empties the gallery (a single image was opened), stopping its batch. */
    void clear() {
        cancel(runningBatch);
        batchGeneration++;
        running.set(false);
        index.set(-1);
        items.clear();
        progress.set(0);
        status.set("");
    }

    /** Classifies every item again (the model changed); nothing happens while the gallery is empty. */
    void classifyAll() {
        ModelEntry chosen = model.get();
        if (chosen == null || !chosen.available() || items.isEmpty()) {
            return;
        }
        cancel(runningBatch);
        long requested = ++batchGeneration;
        List<GalleryItem> batchItems = List.copyOf(items);
        batchItems.forEach(GalleryItem::reset);
        progress.set(0);
        running.set(true);
        status.set("0 / " + batchItems.size());
        runningBatch = batch.execute(BackgroundTask.<Integer>of("gallery", context -> {
            int failures = 0;
            for (int i = 0; i < batchItems.size(); i++) {
                context.throwIfCancelled();
                GalleryItem item = batchItems.get(i);
                Image thumb = null;
                try {
                    DecodedImage decoded = backend.decode(item.file());
                    thumb = thumbnail(decoded.image());
                    Analysis c = backend.classify(decoded.image(), chosen.id(), 1, false);
                    Image finalThumb = thumb;
                    context.publish(() -> item.classified(finalThumb, c.top().get(0)));
                } catch (Exception e) {
                    failures++;
                    Image finalThumb = thumb;
                    String reason = ErrorText.describe(e);
                    context.publish(() -> item.failed(finalThumb, reason));
                }
                context.progress(i + 1, batchItems.size(), (i + 1) + " / " + batchItems.size());
            }
            return failures;
        }).onProgress(update -> {
            if (requested == batchGeneration) {
                // Status first: a progress listener may cancel the batch, and its "Cancelled" must stay.
                status.set(update.message());
                progress.set(update.fraction());
            }
        }).onSuccess(failures -> {
            if (requested == batchGeneration) {
                progress.set(1.0);
                status.set(batchItems.size() + " images" + (failures > 0 ? ", " + failures + " unreadable" : ""));
            }
        }).onFailure(error -> notices.accept(Notice.error("Gallery stopped", ErrorText.describe(error))))
                .onFinished(() -> {
                    if (requested == batchGeneration) {
                        running.set(false);
                    }
                }));
    }

    /** Stops the batch; items done so far keep their results. */
    public void cancelBatch() {
        if (runningBatch != null && !runningBatch.isDone()) {
            runningBatch.cancel();
            batchGeneration++;
            running.set(false);
            status.set("Cancelled at " + Math.round(progress.get() * 100) + "%");
        }
    }

    private static Image thumbnail(BufferedImage source) {
        double scale = (double) THUMBNAIL_SIZE / Math.max(source.getWidth(), source.getHeight());
        int w = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(source.getHeight() * scale));
        BufferedImage thumb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        java.awt.Graphics2D g = thumb.createGraphics();
        try {
            // Small inputs (28x28) get enlarged: keep their pixels crisp like the main view.
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, scale > 1
                    ? java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR
                    : java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return SwingFXUtils.toFXImage(thumb, null);
    }

    /** Shows item {@code at} (out-of-range indexes are ignored). */
    public void select(int at) {
        if (at >= 0 && at < items.size()) {
            index.set(at);
        }
    }

    public void next() {
        if (!items.isEmpty()) {
            index.set(Math.min(items.size() - 1, index.get() + 1));
        }
    }

    public void previous() {
        if (!items.isEmpty()) {
            index.set(Math.max(0, index.get() - 1));
        }
    }

    private static void cancel(TaskHandle handle) {
        if (handle != null) {
            handle.cancel();
        }
    }

    void shutdown() {
        cancel(runningBatch);
    }

    public ObservableList<GalleryItem> items() {
        return itemsView;
    }

    /** The shown item, or -1; change it with {@link #select}, {@link #next} and {@link #previous}. */
    public ReadOnlyIntegerProperty indexProperty() {
        return index.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }
}
