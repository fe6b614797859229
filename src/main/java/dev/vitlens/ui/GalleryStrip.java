package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.GalleryItem;
import dev.vitlens.ui.viewmodel.GalleryViewModel;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** A folder's images as a strip of thumbnails with their top-1, plus the batch progress and a cancel button. */
public final class GalleryStrip extends VBox {

    public GalleryStrip(GalleryViewModel gallery) {
        getStyleClass().add("gallery-strip");
        setSpacing(4);
        ListView<GalleryItem> list = new ListView<>(gallery.items());
        list.setId("gallery");
        list.setOrientation(Orientation.HORIZONTAL);
        list.setPrefHeight(128);
        list.setMinHeight(128);
        list.setCellFactory(view -> new ThumbnailCell());
        list.getSelectionModel().selectedIndexProperty().addListener((obs, old, now) -> {
            if (now.intValue() >= 0) {
                gallery.select(now.intValue());
            }
        });
        gallery.indexProperty().addListener((obs, old, now) -> {
            int index = now.intValue();
            if (index >= 0 && list.getSelectionModel().getSelectedIndex() != index) {
                list.getSelectionModel().select(index);
                list.scrollTo(Math.max(0, index - 2));
            }
        });

        ProgressBar progress = new ProgressBar();
        progress.setId("galleryProgress");
        progress.progressProperty().bind(gallery.progressProperty());
        progress.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(progress, Priority.ALWAYS);
        Label status = new Label();
        status.setId("galleryStatus");
        status.getStyleClass().add(Styles.TEXT_SMALL);
        status.textProperty().bind(gallery.statusProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("galleryCancel");
        cancel.getStyleClass().addAll(Styles.SMALL, Styles.DANGER);
        cancel.disableProperty().bind(gallery.runningProperty().not());
        cancel.setOnAction(e -> gallery.cancelBatch());
        HBox bar = new HBox(8, progress, status, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);

        getChildren().addAll(bar, list);
        // Only take space when a folder is open.
        visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(gallery.items()));
        managedProperty().bind(visibleProperty());
    }

    private static final class ThumbnailCell extends ListCell<GalleryItem> {
        private final ImageView thumb = new ImageView();
        private final Label caption = new Label();
        private final VBox box = new VBox(2, thumb, caption);

        ThumbnailCell() {
            thumb.setFitWidth(72);
            thumb.setFitHeight(72);
            thumb.setPreserveRatio(true);
            thumb.setSmooth(false);
            caption.getStyleClass().add(Styles.TEXT_SMALL);
            caption.setMaxWidth(90);
            box.setAlignment(Pos.CENTER);
            box.setPrefWidth(92);
            getStyleClass().add("thumbnail-cell");
        }

        @Override
        protected void updateItem(GalleryItem item, boolean empty) {
            super.updateItem(item, empty);
            thumb.imageProperty().unbind();
            caption.textProperty().unbind();
            if (empty || item == null) {
                setGraphic(null);
                setTooltip(null);
                return;
            }
            thumb.imageProperty().bind(item.thumbnailProperty());
            caption.textProperty().bind(item.captionProperty());
            setTooltip(new Tooltip(item.file().toString()));
            setGraphic(box);
        }
    }
}
