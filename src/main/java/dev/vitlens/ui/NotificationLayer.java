package dev.vitlens.ui;

import atlantafx.base.controls.Notification;
import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.Notice;
import javafx.animation.PauseTransition;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/** Shows each new notice as an AtlantaFX notification in the top-right corner; it closes itself after a while. */
public final class NotificationLayer extends VBox {

    static final int MAX_SHOWN = 4;
    private final Duration lifetime;

    public NotificationLayer(ObservableList<Notice> notices, Duration lifetime) {
        this.lifetime = lifetime;
        getStyleClass().add("notification-layer");
        setSpacing(8);
        setPadding(new Insets(56, 16, 16, 16));
        setAlignment(Pos.TOP_RIGHT);
        setPickOnBounds(false);
        setMaxWidth(420);
        notices.addListener((ListChangeListener<Notice>) change -> {
            while (change.next()) {
                change.getAddedSubList().forEach(this::show);
            }
        });
    }

    private void show(Notice notice) {
        String text = notice.title() + (notice.message().isEmpty() ? "" : "\n" + notice.message());
        Notification notification = new Notification(text);
        notification.getStyleClass().addAll(Styles.ELEVATED_1, switch (notice.severity()) {
            case ERROR -> Styles.DANGER;
            case WARNING -> Styles.WARNING;
            case SUCCESS -> Styles.SUCCESS;
            case INFO -> Styles.ACCENT;
        });
        notification.getStyleClass().add("notice");
        notification.setPrefWidth(400);
        notification.setMaxHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        notification.setOnClose(e -> getChildren().remove(notification));
        getChildren().add(notification);
        while (getChildren().size() > MAX_SHOWN) {
            getChildren().remove(0);
        }
        // Errors stay longer: they explain why something the user asked for did not happen.
        PauseTransition dismiss = new PauseTransition(notice.severity() == Notice.Severity.ERROR
                ? lifetime.multiply(2) : lifetime);
        dismiss.setOnFinished(e -> getChildren().remove(notification));
        dismiss.play();
    }
}
