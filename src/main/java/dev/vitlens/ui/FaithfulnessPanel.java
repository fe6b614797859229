package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.FaithfulnessViewModel;
import javafx.collections.ListChangeListener;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Line;

import java.util.List;

/**
 * Deletion and insertion curves of the shown explanation against random and occlusion (the numbers come from
 * {@link FaithfulnessViewModel}; this panel only draws them).
 */
public final class FaithfulnessPanel extends VBox {

    /** The explorer's method, random, occlusion: fixed colours, so both charts and the legend agree. */
    private static final String[] COLOURS = {"#1f77b4", "#8c8c8c", "#ff7f0e", "#2ca02c"};

    private final LineChart<Number, Number> deletion = chart("deletion", "removed");
    private final LineChart<Number, Number> insertion = chart("insertion", "revealed");
    private final VBox legend = new VBox(2);

    public FaithfulnessPanel(FaithfulnessViewModel faithfulness) {
        setId("faithfulnessPanel");
        setSpacing(6);
        Label title = new Label("Faithfulness");
        title.getStyleClass().add(Styles.TITLE_4);
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(16, 16);
        busy.visibleProperty().bind(faithfulness.runningProperty());
        Label hint = new Label("Probability of the predicted class as the most relevant patches are removed "
                + "(lower area is better) or revealed from a blur (higher is better).");
        hint.setWrapText(true);
        hint.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        Label status = new Label();
        status.setId("faithfulnessStatus");
        status.setWrapText(true);
        status.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        status.textProperty().bind(faithfulness.statusProperty());
        deletion.setId("deletionChart");
        insertion.setId("insertionChart");
        deletion.setLegendVisible(false);
        insertion.setLegendVisible(false);
        legend.setId("faithfulnessLegend");

        faithfulness.series().addListener((ListChangeListener<FaithfulnessViewModel.Series>) change ->
                show(faithfulness.series()));
        show(faithfulness.series());
        getChildren().addAll(new HBox(8, title, busy), hint, deletion, insertion, legend, status);
    }

    private void show(List<FaithfulnessViewModel.Series> all) {
        deletion.getData().clear();
        insertion.getData().clear();
        legend.getChildren().clear();
        for (int i = 0; i < all.size(); i++) {
            FaithfulnessViewModel.Series s = all.get(i);
            String colour = COLOURS[i % COLOURS.length];
            add(deletion, series(s.label(), s.fractions(), s.deletion()), colour);
            add(insertion, series(s.label(), s.fractions(), s.insertion()), colour);
            Line swatch = new Line(0, 0, 18, 0);
            swatch.setStyle("-fx-stroke: " + colour + "; -fx-stroke-width: 3;");
            Label entry = new Label(s.label(), swatch);
            entry.getStyleClass().add(Styles.TEXT_SMALL);
            legend.getChildren().add(entry);
        }
    }

    private static void add(LineChart<Number, Number> chart, XYChart.Series<Number, Number> series, String colour) {
        chart.getData().add(series);
        // The series' line node exists once it is in the chart.
        series.getNode().setStyle("-fx-stroke: " + colour + "; -fx-stroke-width: 2px;");
    }

    private static XYChart.Series<Number, Number> series(String name, double[] x, double[] y) {
        XYChart.Series<Number, Number> series = new XYChart.Series<>();
        series.setName(name);
        for (int i = 0; i < x.length; i++) {
            series.getData().add(new XYChart.Data<>(x[i], y[i]));
        }
        return series;
    }

    private static LineChart<Number, Number> chart(String title, String xLabel) {
        NumberAxis x = new NumberAxis("fraction of patches " + xLabel, 0, 1, 0.25);
        NumberAxis y = new NumberAxis("P", 0, 1, 0.5);
        LineChart<Number, Number> chart = new LineChart<>(x, y);
        chart.setTitle(title);
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setPrefHeight(190);
        chart.setMinHeight(150);
        return chart;
    }
}
