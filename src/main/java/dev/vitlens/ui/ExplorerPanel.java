package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.ui.viewmodel.ExplorerViewModel;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Locale;

/** The attention explorer: method, layer, head, query and discard ratio, and what the shown map is. */
public final class ExplorerPanel extends VBox {

    public ExplorerPanel(ExplorerViewModel explorer) {
        getStyleClass().add("explorer-panel");
        setSpacing(8);

        Label explorerTitle = new Label("Attention explorer");
        explorerTitle.getStyleClass().add(Styles.TITLE_4);
        ComboBox<ExplanationMethod> method = new ComboBox<>(explorer.methods());
        method.setId("method");
        method.valueProperty().bindBidirectional(explorer.methodProperty());

        Slider layer = new Slider(0, 0, 0);
        layer.setId("layer");
        layer.setMajorTickUnit(1);
        layer.setMinorTickCount(0);
        layer.setSnapToTicks(true);
        layer.setShowTickMarks(true);
        layer.maxProperty().bind(explorer.layerCountProperty().subtract(1));
        layer.setValue(explorer.layerProperty().get());
        // Commit whole layers only, and only when the value settles (not on every pixel of a drag).
        layer.valueProperty().addListener((obs, old, now) -> {
            int snapped = (int) Math.round(now.doubleValue());
            if (!layer.isValueChanging() && snapped != explorer.layerProperty().get()) {
                explorer.layerProperty().set(snapped);
            }
        });
        layer.valueChangingProperty().addListener((obs, was, now) -> {
            if (!now) {
                explorer.layerProperty().set((int) Math.round(layer.getValue()));
            }
        });
        explorer.layerProperty().addListener((obs, old, now) -> layer.setValue(now.intValue()));
        Label layerValue = new Label();
        // 0-based, like the CLI's --layer, the Teach tab and the heads
        layerValue.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%d (0-%d)",
                explorer.layerProperty().get(), explorer.layerCountProperty().get() - 1),
                explorer.layerProperty(), explorer.layerCountProperty()));

        ComboBox<?> head = bound(new ComboBox<>(explorer.headChoices()), explorer.headProperty());
        head.setId("head");
        ComboBox<?> query = bound(new ComboBox<>(explorer.queryChoices()), explorer.queryProperty());
        query.setId("query");

        Slider discard = new Slider(0, 0.99, explorer.discardRatioProperty().get());
        discard.setId("discard");
        discard.valueChangingProperty().addListener((obs, was, now) -> {
            if (!now) {
                explorer.discardRatioProperty().set(discard.getValue());
            }
        });
        discard.valueProperty().addListener((obs, old, now) -> {
            if (!discard.isValueChanging()) {
                explorer.discardRatioProperty().set(now.doubleValue());
            }
        });
        explorer.discardRatioProperty().addListener((obs, old, now) -> discard.setValue(now.doubleValue()));
        Label discardValue = new Label();
        discardValue.textProperty().bind(discard.valueProperty().asString(Locale.ROOT, "%.2f"));
        // A control is live only when the chosen method reads its setting (the method declares its parameters).
        discard.disableProperty().bind(unusedBy(explorer, "discard"));
        head.disableProperty().bind(Bindings.and(unusedBy(explorer, "head"), unusedBy(explorer, "fusion")));
        query.disableProperty().bind(unusedBy(explorer, "query"));
        layer.disableProperty().bind(unusedBy(explorer, "layer"));

        GridPane form = form();
        form.addRow(0, new Label("Method"), method);
        form.addRow(1, new Label("Layer"), layer, layerValue);
        form.addRow(2, new Label("Heads"), head);
        form.addRow(3, new Label("Query"), query);
        form.addRow(4, new Label("Discard"), discard, discardValue);

        Label description = new Label();
        description.setId("heatmapDescription");
        description.setWrapText(true);
        description.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        description.textProperty().bind(explorer.descriptionProperty());
        Label hint = new Label("Click a patch to see what it attends to.");
        hint.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        hint.setWrapText(true);

        disableProperty().bind(explorer.hasImageProperty().not());
        getChildren().addAll(explorerTitle, form, description, hint);
        setPadding(new Insets(0));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ComboBox<?> bound(ComboBox box, javafx.beans.property.Property property) {
        box.valueProperty().bindBidirectional(property);
        box.setMaxWidth(Double.MAX_VALUE);
        return box;
    }

    static GridPane form() {
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        javafx.scene.layout.ColumnConstraints labels = new javafx.scene.layout.ColumnConstraints();
        labels.setMinWidth(70);
        javafx.scene.layout.ColumnConstraints controls = new javafx.scene.layout.ColumnConstraints();
        controls.setHgrow(Priority.ALWAYS);
        controls.setFillWidth(true);
        javafx.scene.layout.ColumnConstraints values = new javafx.scene.layout.ColumnConstraints();
        values.setMinWidth(44);
        grid.getColumnConstraints().addAll(labels, controls, values);
        return grid;
    }

    private static javafx.beans.binding.BooleanBinding unusedBy(ExplorerViewModel explorer, String parameter) {
        return Bindings.createBooleanBinding(() -> explorer.methodProperty().get() == null
                || explorer.methodProperty().get().parameter(parameter).isEmpty(), explorer.methodProperty());
    }
}
