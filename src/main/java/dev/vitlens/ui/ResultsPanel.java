package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.engine.Prediction;
import dev.vitlens.ui.viewmodel.SessionViewModel;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Locale;

/** Top-k labels (of the whole image, or of the face shown) as bars with percentages, the timing line, the device. */
public final class ResultsPanel extends VBox {

    private final GridPane bars = new GridPane();

    public ResultsPanel(SessionViewModel session) {
        getStyleClass().add("results-panel");
        setSpacing(8);
        Label title = new Label();
        title.setId("predictionTitle");
        title.getStyleClass().add(Styles.TITLE_4);
        // While a face is shown the bars are that face's, not the photo's.
        title.textProperty().bind(session.partProperty().map(part -> part.isEmpty() ? "Prediction"
                : "Prediction \u2014 " + part));
        bars.getStyleClass().add("prediction-bars");
        bars.setHgap(8);
        bars.setVgap(6);

        Label timings = new Label();
        timings.setId("timings");
        timings.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        timings.setWrapText(true);
        timings.textProperty().bind(session.timingsProperty());

        Label device = new Label();
        device.setId("device");
        device.getStyleClass().add(Styles.TEXT_SMALL);
        device.textProperty().bind(session.deviceProperty().map(d -> d.isEmpty() ? "" : "Device: " + d));
        Tooltip deviceTip = new Tooltip();
        deviceTip.textProperty().bind(session.deviceNoteProperty());
        session.deviceNoteProperty().addListener((obs, old, now) ->
                device.setTooltip(now == null || now.isEmpty() ? null : deviceTip));

        session.predictions().addListener((ListChangeListener<Prediction>) change -> rebuild(session));
        rebuild(session);
        getChildren().addAll(title, bars, timings, device);
    }

    private void rebuild(SessionViewModel session) {
        bars.getChildren().clear();
        int row = 0;
        for (Prediction p : session.predictions()) {
            Label label = new Label(p.label());
            label.getStyleClass().add(row == 0 ? "top1-label" : "prediction-label");
            if (row == 0) {
                label.setId("top1");
                label.getStyleClass().add(Styles.TEXT_BOLD);
            }
            label.setMinWidth(90);
            ProgressBar bar = new ProgressBar(p.score());
            bar.setMaxWidth(Double.MAX_VALUE);
            bar.getStyleClass().add(row == 0 ? Styles.SUCCESS : "prediction-bar");
            GridPane.setHgrow(bar, Priority.ALWAYS);
            Label percent = new Label(String.format(Locale.ROOT, "%.1f%%", (double) p.score() * 100));
            percent.setMinWidth(52);
            percent.setAlignment(Pos.CENTER_RIGHT);
            percent.getStyleClass().add(Styles.TEXT_SMALL);
            bars.addRow(row++, label, bar, percent);
        }
    }
}
