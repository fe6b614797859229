package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.Prediction;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.image.Image;

import java.nio.file.Path;

/** One image of a folder: its thumbnail and top-1 once the background batch reaches it. */
public final class GalleryItem {

    public enum State { PENDING, DONE, FAILED }

    private final Path file;
    private final ObjectProperty<Image> thumbnail = new SimpleObjectProperty<>();
    private final ReadOnlyStringWrapper caption = new ReadOnlyStringWrapper("\u2026");
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(State.PENDING);
    private Prediction top1;

    GalleryItem(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public String name() {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    public ReadOnlyObjectProperty<Image> thumbnailProperty() {
        return thumbnail;
    }

    public ReadOnlyStringProperty captionProperty() {
        return caption.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state;
    }

    public Prediction top1() {
        return top1;
    }

    void reset() {
        top1 = null;
        caption.set("\u2026");
        state.set(State.PENDING);
    }

    void classified(Image thumb, Prediction best) {
        thumbnail.set(thumb);
        top1 = best;
        caption.set(best.label() + " " + Math.round((double) best.score() * 100) + "%");
        state.set(State.DONE);
    }

    void failed(Image thumb, String reason) {
        if (thumb != null) {
            thumbnail.set(thumb);
        }
        top1 = null;
        caption.set("\u26a0 " + reason);
        state.set(State.FAILED);
    }
}
