package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.ColormapChoice;
import dev.vitlens.ui.viewmodel.OverlayViewModel;
import javafx.collections.FXCollections;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** Heatmap display controls: heatmap and patch grid on or off, opacity and colormap. */
public final class OverlayPanel extends VBox {

    public OverlayPanel(OverlayViewModel overlay) {
        getStyleClass().add("overlay-panel");
        setSpacing(8);
        Label overlayTitle = new Label("Overlay");
        overlayTitle.getStyleClass().add(Styles.TITLE_4);
        CheckBox heatmap = new CheckBox("Heatmap (H)");
        heatmap.setId("heatmapToggle");
        heatmap.selectedProperty().bindBidirectional(overlay.heatmapVisibleProperty());
        CheckBox grid = new CheckBox("Patch grid (G)");
        grid.setId("gridToggle");
        grid.selectedProperty().bindBidirectional(overlay.gridVisibleProperty());
        Slider opacity = new Slider(0, 1, overlay.heatmapOpacityProperty().get());
        opacity.setId("opacity");
        opacity.valueProperty().bindBidirectional(overlay.heatmapOpacityProperty());
        opacity.disableProperty().bind(overlay.heatmapVisibleProperty().not());
        ComboBox<ColormapChoice> colormap = new ComboBox<>(FXCollections.observableArrayList(ColormapChoice.values()));
        colormap.setId("colormap");
        colormap.valueProperty().bindBidirectional(overlay.colormapProperty());

        GridPane form = ExplorerPanel.form();
        form.addRow(0, heatmap, grid);
        form.addRow(1, new Label("Opacity"), opacity);
        form.addRow(2, new Label("Colormap"), colormap);

        disableProperty().bind(overlay.hasImageProperty().not());
        getChildren().addAll(overlayTitle, form);
    }
}
