package dev.vitlens.ui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/** The JavaFX application (placeholder window; the UI branch replaces the body). */
public class VitLensApp extends Application {

    /** Opens the main window; {@code files} are images to open at start. Blocks until the window closes. */
    public static void launchApp(String[] files) {
        Application.launch(VitLensApp.class, files);
    }

    @Override
    public void start(Stage stage) {
        stage.setTitle("ViTLens");
        stage.setScene(new Scene(new StackPane(), 960, 640));
        stage.show();
    }
}
