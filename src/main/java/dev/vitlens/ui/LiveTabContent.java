package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.LiveViewModel;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.stage.FileChooser;

import java.io.File;
import java.nio.IntBuffer;

/**
 * The Live tab: source (camera index, MJPEG AVI or image folder), model, start/stop, the frame with face boxes (shown
 * through a {@link PixelBuffer}) and the frame rate.
 */
final class LiveTabContent extends BorderPane {

    private PixelBuffer<IntBuffer> pixelBuffer;
    private int[] target;
    private final ImageView view = new ImageView();

    LiveTabContent(LiveViewModel viewModel) {
        TextField source = new TextField();
        source.setId("liveSource");
        source.setPromptText("camera index, MJPEG .avi or image folder");
        source.setPrefColumnCount(22);
        source.textProperty().bindBidirectional(viewModel.sourceProperty());
        source.setTooltip(new Tooltip("0 = first webcam; or a path to an MJPEG AVI clip or a folder of images"));
        Button browse = new Button("Clip\u2026");
        browse.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Choose an MJPEG AVI clip");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("MJPEG AVI", "*.avi", "*.AVI"));
            File file = chooser.showOpenDialog(getScene() == null ? null : getScene().getWindow());
            if (file != null) {
                viewModel.sourceProperty().set(file.getPath());
            }
        });
        ComboBox<String> model = new ComboBox<>(viewModel.models());
        model.setId("liveModel");
        model.valueProperty().bindBidirectional(viewModel.modelProperty());
        CheckBox detectOnly = new CheckBox("Detect only");
        detectOnly.selectedProperty().bindBidirectional(viewModel.detectOnlyProperty());
        model.disableProperty().bind(detectOnly.selectedProperty());
        Button start = new Button("Start");
        start.setId("liveStart");
        start.getStyleClass().add(Styles.SUCCESS);
        start.disableProperty().bind(viewModel.runningProperty().or(viewModel.startingProperty()));
        start.setOnAction(e -> viewModel.start());
        Button stop = new Button("Stop");
        stop.setId("liveStop");
        stop.getStyleClass().add(Styles.DANGER);
        stop.disableProperty().bind(viewModel.runningProperty().not());
        stop.setOnAction(e -> viewModel.stop());
        Label fps = new Label();
        fps.setId("liveFps");
        fps.textProperty().bind(viewModel.fpsProperty());
        HBox controls = new HBox(8, new Label("Source"), source, browse, new Label("Model"), model, detectOnly, start,
                stop, fps);
        controls.setAlignment(Pos.CENTER_LEFT);
        controls.setPadding(new Insets(8));
        HBox.setHgrow(source, Priority.SOMETIMES);

        Label status = new Label();
        status.setId("liveStatus");
        status.getStyleClass().add(Styles.TEXT_SMALL);
        status.textProperty().bind(viewModel.statusProperty());
        status.setPadding(new Insets(4, 8, 4, 8));

        view.setPreserveRatio(true);
        view.setId("liveFrame");
        StackPane frameArea = new StackPane(view);
        frameArea.getStyleClass().add("image-area");
        frameArea.setMinSize(0, 0);
        view.fitWidthProperty().bind(frameArea.widthProperty().subtract(16));
        view.fitHeightProperty().bind(frameArea.heightProperty().subtract(16));
        viewModel.frameProperty().addListener((obs, old, frame) -> {
            if (frame != null) {
                show(frame);
            }
        });
        setTop(controls);
        setCenter(frameArea);
        setBottom(status);
    }

    /** Copies the newest frame into the PixelBuffer the ImageView shows; reallocates only when the size changes. */
    private void show(LiveViewModel.LiveFrame frame) {
        if (pixelBuffer == null || pixelBuffer.getWidth() != frame.width() || pixelBuffer.getHeight() != frame.height()) {
            target = new int[frame.width() * frame.height()];
            pixelBuffer = new PixelBuffer<>(frame.width(), frame.height(), IntBuffer.wrap(target),
                    PixelFormat.getIntArgbPreInstance());
            view.setImage(new WritableImage(pixelBuffer));
        }
        pixelBuffer.updateBuffer(buffer -> {
            System.arraycopy(frame.argbPre(), 0, target, 0, target.length);
            return null;
        });
    }
}
