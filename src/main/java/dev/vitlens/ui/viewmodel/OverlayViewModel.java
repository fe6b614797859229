package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.ImageRegion;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.image.Image;

/**
 * How the shown image is drawn: heatmap visibility, opacity and colours, the patch grid, zoom and the hovered patch,
 * plus read-only access to what the image canvas draws: the session's image, heatmap, grid size and region (its
 * own properties, not copies) and the explorer's attention query.
 */
public final class OverlayViewModel {

    private static final double MIN_ZOOM = 0.1;
    private static final double MAX_ZOOM = 32;

    private final BooleanProperty heatmapVisible = new SimpleBooleanProperty(true);
    private final DoubleProperty heatmapOpacity = new SimpleDoubleProperty(0.55);
    private final ObjectProperty<ColormapChoice> colormap = new SimpleObjectProperty<>(ColormapChoice.VIRIDIS);
    private final BooleanProperty gridVisible = new SimpleBooleanProperty(true);
    private final ObjectProperty<PatchPosition> hoveredPatch = new SimpleObjectProperty<>();
    private final ReadOnlyDoubleWrapper zoom = new ReadOnlyDoubleWrapper(1.0);

    // What is drawn is the session's own read-only state (no copies); only the explorer's query, which is
    // writable there, gets a read-only view here, so the canvas changes it only through selectPatch.
    private SessionViewModel session;
    private ExplorerViewModel explorer;
    private final ReadOnlyObjectWrapper<QueryChoice> query = new ReadOnlyObjectWrapper<>(QueryChoice.AUTO);
    private final ReadOnlyBooleanWrapper hasImage = new ReadOnlyBooleanWrapper(false);

    /**
     * Draws what {@code session} shows, with {@code explorer}'s query; a clicked patch becomes that query. Called
     * once by the composition root, before any panel reads what is drawn.
     */
    void follow(SessionViewModel session, ExplorerViewModel explorer) {
        this.session = session;
        this.explorer = explorer;
        query.bind(explorer.queryProperty());
        hasImage.bind(session.imageProperty().isNotNull());
    }

    public void zoomIn() {
        zoom.set(Math.min(MAX_ZOOM, zoom.get() * 1.25));
    }

    public void zoomOut() {
        zoom.set(Math.max(MIN_ZOOM, zoom.get() / 1.25));
    }

    public void fit() {
        zoom.set(1.0);
    }

    public void toggleGrid() {
        gridVisible.set(!gridVisible.get());
    }

    public void toggleHeatmap() {
        heatmapVisible.set(!heatmapVisible.get());
    }

    /** A click on a patch makes it the attention query (nothing happens while no patch grid is shown). */
    public void selectPatch(PatchPosition patch) {
        if (patch == null || explorer == null || session.gridRowsProperty().get() == 0) {
            return;
        }
        explorer.queryPatch(patch);
    }

    public BooleanProperty heatmapVisibleProperty() {
        return heatmapVisible;
    }

    public DoubleProperty heatmapOpacityProperty() {
        return heatmapOpacity;
    }

    public ObjectProperty<ColormapChoice> colormapProperty() {
        return colormap;
    }

    public BooleanProperty gridVisibleProperty() {
        return gridVisible;
    }

    public ObjectProperty<PatchPosition> hoveredPatchProperty() {
        return hoveredPatch;
    }

    /** Change it with {@link #zoomIn}, {@link #zoomOut} and {@link #fit}, which keep it in range. */
    public ReadOnlyDoubleProperty zoomProperty() {
        return zoom.getReadOnlyProperty();
    }

    /** The session's {@link SessionViewModel#imageProperty()}. */
    public ReadOnlyObjectProperty<Image> imageProperty() {
        return followed().imageProperty();
    }

    /** The session's {@link SessionViewModel#heatmapImageProperty()}. */
    public ReadOnlyObjectProperty<Image> heatmapImageProperty() {
        return followed().heatmapImageProperty();
    }

    /** The session's {@link SessionViewModel#gridRowsProperty()}. */
    public ReadOnlyIntegerProperty gridRowsProperty() {
        return followed().gridRowsProperty();
    }

    /** The session's {@link SessionViewModel#gridColumnsProperty()}. */
    public ReadOnlyIntegerProperty gridColumnsProperty() {
        return followed().gridColumnsProperty();
    }

    /** Where the heatmap and patch grid sit on the image: the part the model saw (the session's). */
    public ReadOnlyObjectProperty<ImageRegion> modelRegionProperty() {
        return followed().modelRegionProperty();
    }

    private SessionViewModel followed() {
        if (session == null) {
            throw new IllegalStateException("the overlay follows no session yet (WorkbenchViewModel wires it)");
        }
        return session;
    }

    public ReadOnlyObjectProperty<QueryChoice> queryProperty() {
        return query.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty hasImageProperty() {
        return hasImage.getReadOnlyProperty();
    }
}
