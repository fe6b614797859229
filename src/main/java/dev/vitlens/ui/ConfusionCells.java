package dev.vitlens.ui;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.paint.Color;
import java.util.Locale;

/**
 * The cells of a confusion matrix as the workbench draws them (Evaluate Folder, the Few-shot page): a count on a
 * fill whose strength is the cell's share of its row, green on the diagonal and red off it.
 */
final class ConfusionCells {
    private static final Color RIGHT = Color.rgb(46, 160, 67);
    private static final Color WRONG = Color.rgb(214, 39, 40);

    private ConfusionCells() {
    }

    /**
     * @param share   the cell's count over its row's total (0 for an empty row)
     * @param tooltip what the cell means, in words
     */
    static Button cell(String id, int count, double share, boolean diagonal, String tooltip) {
        Button cell = new Button(String.valueOf(count));
        cell.setId(id);
        cell.setMinSize(44, 30);
        cell.setPrefSize(44, 30);
        cell.setFocusTraversable(false);
        Color hue = diagonal ? RIGHT : WRONG;
        double alpha = count == 0 ? 0 : 0.12 + 0.88 * share;
        // The theme's text colours come from vitlens.css; only the share-dependent fill is inline.
        cell.getStyleClass().add(count == 0 ? "confusion-cell-empty" : "confusion-cell");
        cell.setStyle(String.format(Locale.ROOT, "-fx-background-color: rgba(%d,%d,%d,%.3f);%s",
                (int) Math.round(hue.getRed() * 255), (int) Math.round(hue.getGreen() * 255),
                (int) Math.round(hue.getBlue() * 255), alpha, alpha > 0.6 ? " -fx-text-fill: white;" : ""));
        cell.setTooltip(new Tooltip(tooltip));
        return cell;
    }

    /** A fixed-width centred label (column heads, per-row figures). */
    static Label centred(String text, double width) {
        Label label = new Label(text);
        label.setMinWidth(width);
        label.setAlignment(Pos.CENTER);
        return label;
    }
}
