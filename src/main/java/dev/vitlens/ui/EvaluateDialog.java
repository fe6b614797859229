package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.evaluate.EvaluationReport;
import dev.vitlens.ui.viewmodel.EvaluateViewModel;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.util.List;
import java.util.Locale;

/**
 * The Evaluate Folder window: progress with Cancel while the evaluation runs, then the confusion matrix (rows: true
 * class, columns: predicted; each cell coloured by its share of the row, green on the diagonal, red off it), the
 * accuracy and each class's recall and precision. Clicking a cell opens its images in the gallery.
 */
final class EvaluateDialog {

    private final EvaluateViewModel viewModel;
    private final Stage stage = new Stage();
    private final GridPane grid = new GridPane();

    EvaluateDialog(EvaluateViewModel viewModel, Window owner) {
        this.viewModel = viewModel;
        Label title = new Label();
        title.getStyleClass().add(Styles.TITLE_4);
        title.textProperty().bind(viewModel.titleProperty());

        ProgressBar progress = new ProgressBar();
        progress.setId("evaluateProgress");
        progress.setPrefWidth(260);
        progress.progressProperty().bind(viewModel.progressProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("evaluateCancel");
        cancel.setOnAction(e -> viewModel.cancel());
        HBox running = new HBox(8, progress, cancel);
        running.setAlignment(Pos.CENTER_LEFT);
        running.visibleProperty().bind(viewModel.runningProperty());
        running.managedProperty().bind(running.visibleProperty());

        Label status = new Label();
        status.setId("evaluateStatus");
        status.setWrapText(true);
        status.textProperty().bind(viewModel.statusProperty());

        grid.setId("confusionMatrix");
        grid.setHgap(2);
        grid.setVgap(2);
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(false);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        Label legend = new Label("Rows: true class \u00b7 columns: predicted (numbered as the rows) \u00b7 colour: share"
                + " of the row \u00b7 click a cell to open its images in the gallery");
        legend.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        legend.setWrapText(true);

        VBox content = new VBox(8, title, running, status, scroll, legend);
        content.setPadding(new Insets(12));
        content.setId("evaluateDialog");
        Scene scene = new Scene(content, 860, 620);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().setAll(owner.getScene().getStylesheets());
            stage.initOwner(owner);
        }
        stage.setTitle("Evaluate Folder");
        stage.setScene(scene);
        viewModel.reportProperty().addListener((obs, old, now) -> showReport(now));
        showReport(viewModel.reportProperty().get());
    }

    void show() {
        stage.show();
        stage.toFront();
    }

    Stage stage() {
        return stage;
    }

    private void showReport(EvaluationReport report) {
        grid.getChildren().clear();
        if (report == null) {
            return;
        }
        List<String> labels = report.labels();
        int n = labels.size();
        Label corner = new Label("true \\ predicted");
        corner.getStyleClass().add(Styles.TEXT_SMALL);
        grid.add(corner, 0, 0);
        for (int c = 0; c < n; c++) {
            Label head = centred(String.valueOf(c), 44);
            head.setTooltip(new Tooltip(labels.get(c)));
            head.getStyleClass().add(Styles.TEXT_BOLD);
            grid.add(head, c + 1, 0);
        }
        Label recallHead = centred("recall", 64);
        recallHead.getStyleClass().add(Styles.TEXT_BOLD);
        grid.add(recallHead, n + 1, 0);
        List<EvaluationReport.ClassMetrics> metrics = report.perClass();
        // Rows only for the evaluated classes: a label that was only predicted has an empty row (a 1000-label model
        // evaluated on a few folders would otherwise draw thousands of empty cells).
        int gridRow = 1;
        for (int r = 0; r < n; r++) {
            if (!report.evaluated(r)) {
                continue;
            }
            Label rowHead = new Label(r + "  " + labels.get(r));
            rowHead.setMaxWidth(220);
            rowHead.setTooltip(new Tooltip(labels.get(r) + ": " + report.rowTotal(r) + " images"));
            grid.add(rowHead, 0, gridRow);
            for (int c = 0; c < n; c++) {
                grid.add(cell(report, r, c), c + 1, gridRow);
            }
            grid.add(centred(EvaluateViewModel.percent(metrics.get(r).recall()), 64), n + 1, gridRow);
            gridRow++;
        }
        Label precisionHead = new Label("precision");
        precisionHead.getStyleClass().add(Styles.TEXT_BOLD);
        grid.add(precisionHead, 0, gridRow);
        for (int c = 0; c < n; c++) {
            double p = metrics.get(c).precision();
            Label value = centred(Double.isNaN(p) ? "\u2013" : String.format(Locale.ROOT, "%.0f%%", p * 100), 44);
            value.getStyleClass().add(Styles.TEXT_SMALL);
            grid.add(value, c + 1, gridRow);
        }
    }

    private Button cell(EvaluationReport report, int row, int col) {
        int count = report.count(row, col);
        double share = EvaluateViewModel.rowFraction(report, row, col);
        Button cell = ConfusionCells.cell("evalCell-" + row + "-" + col, count, share, row == col,
                report.labels().get(row) + " predicted as " + report.labels().get(col) + ": " + count
                        + String.format(Locale.ROOT, " (%.1f%% of the row)", share * 100));
        cell.setOnAction(e -> viewModel.openCell(row, col));
        return cell;
    }

    private static Label centred(String text, double width) {
        return ConfusionCells.centred(text, width);
    }
}
