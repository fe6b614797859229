package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.ui.viewmodel.CurrentAnalysis;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The image workspace: the image with its heatmap (and, in face mode, its faces), the gallery strip, the results, the
 * faces, the explorer, faithfulness.
 */
final class ImagesPage implements WorkbenchPage {

    private final ImageCanvas imageCanvas;
    private final SplitPane content;

    ImagesPage(PageContext context) {
        WorkbenchViewModel workbench = context.workbench();
        imageCanvas = new ImageCanvas(workbench.overlay(), workbench.faces());
        imageCanvas.setId("imageCanvas");
        Label hint = new Label("Drop images or a folder here, paste (Ctrl+V) or open (Ctrl+O)");
        hint.getStyleClass().addAll(Styles.TITLE_4, Styles.TEXT_MUTED);
        hint.visibleProperty().bind(workbench.overlay().hasImageProperty().not());
        hint.setMouseTransparent(true);

        StackPane imageArea = new StackPane(imageCanvas, hint);
        imageArea.getStyleClass().add("image-area");
        VBox left = new VBox(imageArea, new GalleryStrip(workbench.gallery()));
        VBox.setVgrow(imageArea, Priority.ALWAYS);
        left.setPadding(new Insets(0, 0, 6, 0));

        VBox side = new VBox(14, new ResultsPanel(workbench.session()), new FacesPanel(workbench.faces()),
                new Separator(),
                new OverlayPanel(workbench.overlay()), new Separator(), new ExplorerPanel(workbench.explorer()),
                new Separator(), new FaithfulnessPanel(workbench.faithfulness()));
        side.setPadding(new Insets(12));
        side.getStyleClass().add("side-panel");
        ScrollPane sideScroll = new ScrollPane(side);
        sideScroll.setFitToWidth(true);
        sideScroll.setMinWidth(300);
        sideScroll.setPrefWidth(360);

        content = new SplitPane(left, sideScroll);
        content.setDividerPositions(0.7);
        SplitPane.setResizableWithParent(sideScroll, false);
    }

    ImageCanvas imageCanvas() {
        return imageCanvas;
    }

    @Override
    public String title() {
        return "Images";
    }

    @Override
    public Node node() {
        return content;
    }

    @Override
    public void bind(ReadOnlyObjectProperty<CurrentAnalysis> analysis) {
        // Its panels follow the session through their own view-models (overlay, gallery, results, explorer).
    }
}
