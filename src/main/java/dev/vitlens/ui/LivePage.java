package dev.vitlens.ui;

import dev.vitlens.ui.viewmodel.CurrentAnalysis;
import dev.vitlens.ui.viewmodel.LiveViewModel;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.scene.Node;

/** The live view: a camera, video file or folder classified frame by frame; independent of the shown image. */
final class LivePage implements WorkbenchPage {

    private final LiveViewModel live;
    private final LiveTabContent content;

    LivePage(PageContext context) {
        live = context.live();
        content = new LiveTabContent(live);
    }

    @Override
    public String title() {
        return "Live";
    }

    @Override
    public Node node() {
        return content;
    }

    @Override
    public void bind(ReadOnlyObjectProperty<CurrentAnalysis> analysis) {
        // Live frames are analysed by their own pipeline, not the shown image.
    }

    @Override
    public void selected() {
        // The catalogue is read on the live worker the first time the page is shown.
        if (live.models().isEmpty()) {
            live.loadModels();
        }
    }
}
