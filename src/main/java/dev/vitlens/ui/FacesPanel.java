package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.FacesViewModel;
import dev.vitlens.ui.viewmodel.FacesViewModel.FaceRow;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;


/**
 * Face mode's list: every face of the shown image with its label, in its box's colour; selecting one shows its crop's
 * analysis, "Whole image" goes back. Shown only while face mode runs (a face classifier, Faces on).
 */
public final class FacesPanel extends VBox {

    private static final double ROW_HEIGHT = 30;
    private static final int VISIBLE_ROWS = 6;

    private boolean following;

    public FacesPanel(FacesViewModel faces) {
        getStyleClass().add("faces-panel");
        setId("facesPanel");
        setSpacing(8);
        Label title = new Label("Faces");
        title.getStyleClass().add(Styles.TITLE_4);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button whole = new Button("Whole image");
        whole.setId("wholeImageButton");
        whole.getStyleClass().add(Styles.SMALL);
        whole.setFocusTraversable(false);
        whole.disableProperty().bind(faces.selectedProperty().isNull());
        whole.setOnAction(e -> faces.showWholeImage());
        HBox header = new HBox(8, title, spacer, whole);
        header.setAlignment(Pos.CENTER_LEFT);

        Label status = new Label();
        status.setId("facesStatus");
        status.setWrapText(true);
        status.textProperty().bind(faces.statusProperty());
        status.getStyleClass().add(Styles.TEXT_SMALL);
        // "No face found" is the answer for this image, not a detail: say it as loudly as a label.
        faces.noFaceFoundProperty().addListener((obs, was, now) -> {
            status.getStyleClass().removeAll(Styles.WARNING, Styles.TEXT_BOLD, Styles.TEXT_MUTED);
            if (now) {
                status.getStyleClass().addAll(Styles.WARNING, Styles.TEXT_BOLD);
            } else {
                status.getStyleClass().add(Styles.TEXT_MUTED);
            }
        });
        status.getStyleClass().add(Styles.TEXT_MUTED);

        ListView<FaceRow> list = new ListView<>(faces.faces());
        list.setId("faceList");
        list.setFixedCellSize(ROW_HEIGHT);
        list.setCellFactory(view -> new FaceCell());
        list.prefHeightProperty().bind(Bindings.createDoubleBinding(
                () -> Math.min(VISIBLE_ROWS, faces.faces().size()) * ROW_HEIGHT + 4, faces.faces()));
        list.visibleProperty().bind(Bindings.isNotEmpty(faces.faces()));
        list.managedProperty().bind(list.visibleProperty());
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (!following && now != null) {
                faces.select(now);
            }
        });
        // The list shows the face on screen, whatever chose it (a click on its box, Whole image, a new image).
        faces.selectedProperty().addListener((obs, old, now) -> follow(list, now));
        faces.faces().addListener((ListChangeListener<FaceRow>) change -> follow(list, faces.selectedProperty().get()));

        getChildren().addAll(header, status, list);
        visibleProperty().bind(faces.activeProperty());
        managedProperty().bind(visibleProperty());
    }

    private void follow(ListView<FaceRow> list, FaceRow selected) {
        following = true;
        try {
            if (selected == null) {
                list.getSelectionModel().clearSelection();
            } else {
                list.getSelectionModel().select(selected);
                list.scrollTo(selected);
            }
        } finally {
            following = false;
        }
    }

    private static final class FaceCell extends ListCell<FaceRow> {
        private final Rectangle swatch = new Rectangle(12, 12);
        private final Label text = new Label();
        private final Label detail = new Label();
        // One per cell, its text replaced: updateItem runs on every scroll and selection change.
        private final Tooltip tooltip = new Tooltip();
        private final HBox box;

        FaceCell() {
            swatch.setArcWidth(3);
            swatch.setArcHeight(3);
            detail.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            box = new HBox(8, swatch, text, spacer, detail);
            box.setAlignment(Pos.CENTER_LEFT);
        }

        @Override
        protected void updateItem(FaceRow row, boolean empty) {
            super.updateItem(row, empty);
            if (empty || row == null) {
                setGraphic(null);
                setText(null);
                setTooltip(null);
                return;
            }
            swatch.setFill(Color.rgb(row.rgb() >> 16 & 0xFF, row.rgb() >> 8 & 0xFF, row.rgb() & 0xFF));
            text.setText(row.title());
            detail.setText(row.scoresShort());
            String explained = row.scoresExplained();
            tooltip.setText(explained);
            setTooltip(explained.isEmpty() ? null : tooltip);
            setText(null);
            setGraphic(box);
        }
    }
}
