package dev.vitlens.ui;

import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.ui.viewmodel.EngineBackend;
import dev.vitlens.ui.viewmodel.FewShotViewModel;
import java.nio.file.Path;
import java.util.Objects;
import javafx.application.Platform;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;

/**
 * The Few-shot page filled and fitted, for the README's screenshot (file choosers cannot be driven under Xvfb, so
 * this program does what the user's drop of a folder of class folders and a click on Fit do):
 * <pre>
 * ../shared/tools/xshot -s 30 assets/screenshots/fewshot.png -- \
 *     java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.ui.FewShotTour DIR BACKBONE [NAME]
 * </pre>
 * DIR holds one sub-folder of images per class; BACKBONE is a model id; NAME is typed as the new model's name.
 */
public final class FewShotTour {
    public static void main(String[] args) {
        Path classes = Path.of(args[0]);
        String backboneId = args[1];
        String name = args.length > 2 ? args[2] : "";
        Platform.startup(() -> {
            VitLensApp.applyTheme(false);
            Stage stage = new Stage();
            WorkbenchHarness harness = WorkbenchHarness.show(stage, EngineBackend.standard(), ModelCatalog::standard);
            stage.getScene().getStylesheets().add(Objects.requireNonNull(
                    VitLensApp.class.getResource("vitlens.css")).toExternalForm());
            stage.setTitle("ViTLens");
            TabPane tabs = (TabPane) stage.getScene().lookup(".tab-pane");
            tabs.getSelectionModel().select(tabs.getTabs().stream()
                    .filter(t -> "fewshotTab".equals(t.getId())).findFirst().orElseThrow());
            FewShotViewModel fs = harness.viewModel.fewShot();
            fs.addClassFolders(classes);
            harness.viewModel.session().models().addListener((javafx.collections.ListChangeListener<
                    dev.vitlens.ui.viewmodel.ModelEntry>) c -> fs.backbones().stream()
                    .filter(m -> m.id().equals(backboneId)).findFirst().ifPresent(m -> {
                        if (fs.backboneProperty().get() == null || !fs.backboneProperty().get().id().equals(backboneId)) {
                            fs.backboneProperty().set(m);
                            Platform.runLater(fs::fit);
                        }
                    }));
            javafx.scene.control.TextField field = (javafx.scene.control.TextField) stage.getScene()
                    .lookup("#fewShotModelName");
            field.setText(name);
        });
    }
}
