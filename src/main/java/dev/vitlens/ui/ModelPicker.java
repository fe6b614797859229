package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.ModelEntry;
import dev.vitlens.ui.viewmodel.SessionViewModel;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The model picker: each entry with a family badge, input size, classes and device; the device tooltip says why
 * (CUDA fallback reason). Unusable models are shown disabled with their reason.
 */
public final class ModelPicker extends ComboBox<ModelEntry> {

    public ModelPicker(SessionViewModel session) {
        this("modelPicker", session.models(), session.selectedModelProperty());
    }

    /** A picker over {@code models} bound both ways to {@code choice} (the Few-shot page's backbone). */
    public ModelPicker(String id, javafx.collections.ObservableList<ModelEntry> models,
                       javafx.beans.property.Property<ModelEntry> choice) {
        super(models);
        setId(id);
        getStyleClass().add("model-picker");
        setPrefWidth(330);
        setPromptText("Loading models\u2026");
        setCellFactory(list -> new EntryCell(true));
        setButtonCell(new EntryCell(false));
        valueProperty().bindBidirectional(choice);
    }

    private static final class EntryCell extends ListCell<ModelEntry> {
        private final boolean inList;

        EntryCell(boolean inList) {
            this.inList = inList;
        }

        @Override
        protected void updateItem(ModelEntry entry, boolean empty) {
            super.updateItem(entry, empty);
            setText(null);
            setDisable(false);
            setTooltip(null);
            if (empty || entry == null) {
                setGraphic(null);
                return;
            }
            Label badge = new Label(entry.familyName());
            badge.getStyleClass().addAll("family-badge", "family-" + entry.familyName().toLowerCase());
            Label name = new Label(entry.displayName());
            name.getStyleClass().add(Styles.TEXT_BOLD);
            Label detail = new Label(entry.available() ? entry.summary() : "unavailable: " + entry.unavailableReason());
            detail.getStyleClass().addAll(Styles.TEXT_SMALL, entry.available() ? Styles.TEXT_MUTED : Styles.DANGER);
            HBox top = new HBox(6, badge, name);
            top.setAlignment(Pos.CENTER_LEFT);
            setGraphic(inList ? new VBox(1, top, detail) : new HBox(6, badge, name, deviceLabel(entry)));
            String tip = !entry.available() ? entry.unavailableReason()
                    : entry.device() + (entry.deviceNote().isEmpty() ? "" : ": " + entry.deviceNote());
            setTooltip(new Tooltip(tip));
            if (inList && !entry.available()) {
                setDisable(true);
            }
        }

        private static Label deviceLabel(ModelEntry entry) {
            Label device = new Label(entry.device());
            device.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
            return device;
        }
    }
}
