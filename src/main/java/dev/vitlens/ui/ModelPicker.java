package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.ModelEntry;
import dev.vitlens.ui.viewmodel.SessionViewModel;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The model picker: each entry with a family badge, input size, classes and device; the device tooltip says why
 * (CUDA fallback reason). Unusable models are shown disabled with their reason. The workbench's picker also lists the
 * seed models that are not installed, greyed: choosing one shows its commands and keeps the previous model.
 */
public final class ModelPicker extends ComboBox<ModelEntry> {

    /**
     * The workbench's picker over {@link SessionViewModel#pickerEntries()}. Not bound both ways to the choice: a
     * not-installed entry is handed to {@link SessionViewModel#choose} and never becomes the choice, so the picker
     * returns to the model still chosen.
     */
    public ModelPicker(SessionViewModel session) {
        super(session.pickerEntries());
        setUp("modelPicker");
        var chosen = session.selectedModelProperty();
        setValue(chosen.get());
        chosen.addListener((obs, old, now) -> setValue(now));
        // Replacing the items may clear the value while the choice stays the same entry.
        getItems().addListener((ListChangeListener<ModelEntry>) change -> setValue(chosen.get()));
        valueProperty().addListener((obs, old, now) -> {
            if (now == null || now.equals(chosen.get())) {
                return;
            }
            session.choose(now);
            if (!now.equals(chosen.get())) {
                // Later: the combo box is still committing the pick it is notifying about.
                Platform.runLater(() -> setValue(chosen.get()));
            }
        });
    }

    /** A picker over {@code models} bound both ways to {@code choice} (the Few-shot page's backbone). */
    public ModelPicker(String id, javafx.collections.ObservableList<ModelEntry> models,
                       javafx.beans.property.Property<ModelEntry> choice) {
        super(models);
        setUp(id);
        valueProperty().bindBidirectional(choice);
    }

    private void setUp(String id) {
        setId(id);
        getStyleClass().add("model-picker");
        setPrefWidth(330);
        setPromptText("Loading models\u2026");
        setCellFactory(list -> new EntryCell(true));
        setButtonCell(new EntryCell(false));
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
            if (!entry.installed()) {
                showNotInstalled(entry, badge, name);
                return;
            }
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

        /** Greyed but enabled: choosing it shows the commands that install it. */
        private void showNotInstalled(ModelEntry entry, Label badge, Label name) {
            Label detail = new Label(ModelEntry.NOT_INSTALLED + " \u00b7 " + entry.seed().repoId());
            detail.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
            name.getStyleClass().add(Styles.TEXT_MUTED);
            HBox top = new HBox(6, badge, name);
            top.setAlignment(Pos.CENTER_LEFT);
            VBox graphic = new VBox(1, top, detail);
            graphic.setOpacity(0.6);
            setGraphic(graphic);
            setTooltip(new Tooltip("Not installed: choose it to see the commands that export and import it"));
        }

        private static Label deviceLabel(ModelEntry entry) {
            Label device = new Label(entry.device());
            device.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
            return device;
        }
    }
}
