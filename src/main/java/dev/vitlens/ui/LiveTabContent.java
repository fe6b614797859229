package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** The "Live" tab until the webcam pipeline (issue 6) is wired in: says so plainly instead of pretending. */
final class LiveTabContent extends VBox {

    LiveTabContent() {
        Label title = new Label("Live webcam");
        title.getStyleClass().add(Styles.TITLE_3);
        Label text = new Label("Live face-mask detection from a webcam or an MJPEG file is not wired into this "
                + "window yet.");
        text.getStyleClass().add(Styles.TEXT_MUTED);
        text.setWrapText(true);
        setSpacing(8);
        setAlignment(Pos.CENTER);
        getChildren().addAll(title, text);
    }
}
