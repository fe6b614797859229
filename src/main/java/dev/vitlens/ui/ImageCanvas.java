package dev.vitlens.ui;

import dev.vitlens.camera.Box;
import dev.vitlens.camera.FaceKeypoints;
import dev.vitlens.ui.viewmodel.FacesViewModel;
import dev.vitlens.ui.viewmodel.FacesViewModel.FaceRow;
import dev.vitlens.ui.viewmodel.PatchPosition;
import dev.vitlens.ui.viewmodel.QueryChoice;
import dev.vitlens.ui.viewmodel.OverlayViewModel;
import javafx.beans.Observable;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.Image;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;

import java.util.List;

/**
 * The image with its heatmap, patch grid, hovered patch and query patch, and in face mode every face's labelled box,
 * drawn on a canvas. The image is scaled without smoothing so 28x28 inputs show crisp pixels and patches; it only
 * draws what the view-models hold. A click on a face's box selects that face; inside the shown face (or with no face
 * under the pointer) a click picks a patch.
 */
public final class ImageCanvas extends Region {

    private static final Font LABEL_FONT = Font.font("System", FontWeight.BOLD, 13);

    private final OverlayViewModel overlay;
    private final FacesViewModel faces;
    private final Text measure = new Text();
    private final Canvas canvas = new Canvas();
    private double panX;
    private double panY;
    private double dragStartX;
    private double dragStartY;
    private boolean dragged;

    public ImageCanvas(OverlayViewModel overlay, FacesViewModel faces) {
        this.overlay = overlay;
        this.faces = faces;
        measure.setFont(LABEL_FONT);
        getStyleClass().add("image-canvas");
        getChildren().add(canvas);
        setMinSize(200, 200);
        for (Observable o : new Observable[] {overlay.imageProperty(), overlay.heatmapImageProperty(),
                overlay.heatmapVisibleProperty(), overlay.heatmapOpacityProperty(), overlay.gridVisibleProperty(),
                overlay.gridRowsProperty(), overlay.gridColumnsProperty(), overlay.hoveredPatchProperty(),
                overlay.queryProperty(), overlay.zoomProperty(), overlay.modelRegionProperty(),
                faces.activeProperty(), faces.faces(), faces.selectedProperty(), faces.noFaceFoundProperty(),
                faces.searchingProperty(),
                widthProperty(), heightProperty()}) {
            o.addListener(obs -> draw());
        }
        overlay.zoomProperty().addListener((obs, old, now) -> {
            if (now.doubleValue() == 1.0) {
                panX = 0;
                panY = 0;
            }
        });
        overlay.imageProperty().addListener((obs, old, now) -> {
            if (old == null || now == null || old.getWidth() != now.getWidth() || old.getHeight() != now.getHeight()) {
                panX = 0;
                panY = 0;
            }
        });
        canvas.setOnMouseMoved(e -> {
            overlay.hoveredPatchProperty().set(patchAt(e.getX(), e.getY()));
            canvas.setCursor(faceToSelectAt(e.getX(), e.getY()) != null ? javafx.scene.Cursor.HAND : null);
        });
        canvas.setOnMouseExited(e -> overlay.hoveredPatchProperty().set(null));
        canvas.setOnMousePressed(e -> {
            dragStartX = e.getX();
            dragStartY = e.getY();
            dragged = false;
        });
        canvas.setOnMouseDragged(this::pan);
        canvas.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && !dragged) {
                FaceRow face = faceToSelectAt(e.getX(), e.getY());
                if (face != null) {
                    faces.select(face);
                    return;
                }
                PatchPosition patch = patchAt(e.getX(), e.getY());
                if (patch != null) {
                    overlay.selectPatch(patch);
                }
            }
        });
        canvas.setOnScroll(this::zoomByWheel);
    }

    private void pan(MouseEvent e) {
        double dx = e.getX() - dragStartX;
        double dy = e.getY() - dragStartY;
        if (Math.abs(dx) + Math.abs(dy) > 3 || dragged) {
            dragged = true;
            panX += dx;
            panY += dy;
            dragStartX = e.getX();
            dragStartY = e.getY();
            draw();
        }
    }

    private void zoomByWheel(ScrollEvent e) {
        if (e.getDeltaY() > 0) {
            overlay.zoomIn();
        } else if (e.getDeltaY() < 0) {
            overlay.zoomOut();
        }
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(getHeight());
        draw();
    }

    /** Scale from image pixels to screen: fit to the area, times the zoom. */
    private double scale(Image image) {
        double fit = Math.min((getWidth() - 16) / image.getWidth(), (getHeight() - 16) / image.getHeight());
        return Math.max(0.01, fit) * overlay.zoomProperty().get();
    }

    private Point2D origin(Image image, double scale) {
        return new Point2D((getWidth() - image.getWidth() * scale) / 2 + panX,
                (getHeight() - image.getHeight() * scale) / 2 + panY);
    }

    /** The patch under a canvas point, or null outside the image or without a grid. */
    PatchPosition patchAt(double x, double y) {
        Image image = overlay.imageProperty().get();
        int rows = overlay.gridRowsProperty().get();
        int cols = overlay.gridColumnsProperty().get();
        if (image == null || rows == 0 || cols == 0) {
            return null;
        }
        javafx.geometry.Rectangle2D seen = seenArea(image);
        double u = (x - seen.getMinX()) / seen.getWidth();
        double v = (y - seen.getMinY()) / seen.getHeight();
        if (u < 0 || v < 0 || u >= 1 || v >= 1) {
            return null;
        }
        return new PatchPosition((int) (v * rows), (int) (u * cols));
    }

    /**
     * The face a click here selects: one whose box is under the point, unless the point is on the shown face's patches
     * (clicks there pick the query patch). Null for none.
     */
    private FaceRow faceToSelectAt(double x, double y) {
        Image image = overlay.imageProperty().get();
        if (image == null || faces.faces().isEmpty()) {
            return null;
        }
        FaceRow shown = faces.selectedProperty().get();
        if (shown != null && patchAt(x, y) != null) {
            return null;
        }
        double scale = scale(image);
        Point2D o = origin(image, scale);
        FaceRow hit = faces.faceAt((x - o.getX()) / scale, (y - o.getY()) / scale);
        return hit == shown ? null : hit;
    }

    /** Canvas coordinates of a point of the image (its pixels), as drawn now (tests click and read pixels there). */
    public Point2D toCanvas(double imageX, double imageY) {
        Image image = overlay.imageProperty().get();
        double scale = scale(image);
        Point2D o = origin(image, scale);
        return new Point2D(o.getX() + imageX * scale, o.getY() + imageY * scale);
    }

    /** Canvas coordinates of the centre of a face's box (used by tests to click a face as a user would). */
    public Point2D faceCenter(FaceRow face) {
        Box b = face.box();
        return toCanvas(b.x() + b.width() / 2.0, b.y() + b.height() / 2.0);
    }

    /** Canvas coordinates of the centre of a patch (used by tests to click a patch as a user would). */
    public Point2D patchCenter(PatchPosition patch) {
        javafx.geometry.Rectangle2D seen = seenArea(overlay.imageProperty().get());
        double cellW = seen.getWidth() / overlay.gridColumnsProperty().get();
        double cellH = seen.getHeight() / overlay.gridRowsProperty().get();
        return new Point2D(seen.getMinX() + (patch.col() + 0.5) * cellW, seen.getMinY() + (patch.row() + 0.5) * cellH);
    }

    /** On-screen rectangle of the part of the image the model saw (where heatmap and grid go). */
    private javafx.geometry.Rectangle2D seenArea(Image image) {
        double scale = scale(image);
        Point2D o = origin(image, scale);
        double w = image.getWidth() * scale;
        double h = image.getHeight() * scale;
        dev.vitlens.engine.ImageRegion r = overlay.modelRegionProperty().get();
        return new javafx.geometry.Rectangle2D(o.getX() + r.x() * w, o.getY() + r.y() * h, r.width() * w,
                r.height() * h);
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setGlobalAlpha(1);
        g.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        Image image = overlay.imageProperty().get();
        if (image == null) {
            return;
        }
        double scale = scale(image);
        Point2D o = origin(image, scale);
        double w = image.getWidth() * scale;
        double h = image.getHeight() * scale;
        g.setImageSmoothing(false);
        g.drawImage(image, o.getX(), o.getY(), w, h);
        javafx.geometry.Rectangle2D seen = seenArea(image);
        Image heat = overlay.heatmapImageProperty().get();
        if (heat != null && overlay.heatmapVisibleProperty().get()) {
            g.setImageSmoothing(true);
            g.setGlobalAlpha(overlay.heatmapOpacityProperty().get());
            g.drawImage(heat, seen.getMinX(), seen.getMinY(), seen.getWidth(), seen.getHeight());
            g.setGlobalAlpha(1);
        }
        drawPatches(g, seen);
        drawFaces(g, image, scale, origin(image, scale));
    }

    /** Patch grid, query patch and hovered patch over the part of the image the model saw. */
    private void drawPatches(GraphicsContext g, javafx.geometry.Rectangle2D seen) {
        Point2D o = new Point2D(seen.getMinX(), seen.getMinY());
        double w = seen.getWidth();
        double h = seen.getHeight();
        int rows = overlay.gridRowsProperty().get();
        int cols = overlay.gridColumnsProperty().get();
        if (rows == 0 || cols == 0) {
            return;
        }
        double cellW = w / cols;
        double cellH = h / rows;
        if (overlay.gridVisibleProperty().get()) {
            g.setStroke(Color.rgb(255, 255, 255, 0.45));
            g.setLineWidth(1);
            for (int c = 0; c <= cols; c++) {
                double x = Math.round(o.getX() + c * cellW) + 0.5;
                g.strokeLine(x, o.getY(), x, o.getY() + h);
            }
            for (int r = 0; r <= rows; r++) {
                double y = Math.round(o.getY() + r * cellH) + 0.5;
                g.strokeLine(o.getX(), y, o.getX() + w, y);
            }
        }
        QueryChoice query = overlay.queryProperty().get();
        if (query != null && query.kind() == QueryChoice.Kind.PATCH) {
            g.setStroke(Color.web("#ff3b30"));
            g.setLineWidth(3);
            g.strokeRect(o.getX() + query.col() * cellW, o.getY() + query.row() * cellH, cellW, cellH);
        }
        PatchPosition hovered = overlay.hoveredPatchProperty().get();
        if (hovered != null) {
            g.setFill(Color.rgb(255, 255, 255, 0.18));
            g.fillRect(o.getX() + hovered.col() * cellW, o.getY() + hovered.row() * cellH, cellW, cellH);
            g.setStroke(Color.rgb(255, 214, 10, 0.95));
            g.setLineWidth(2);
            g.strokeRect(o.getX() + hovered.col() * cellW, o.getY() + hovered.row() * cellH, cellW, cellH);
        }
    }

    /**
     * Face mode: each face's box and label in its class's colour (the shown face's box thicker), eyes, nose and mouth
     * as dots, as the Live tab draws them; a banner while searching or when no face was found.
     */
    private void drawFaces(GraphicsContext g, Image image, double scale, Point2D o) {
        if (!faces.activeProperty().get()) {
            return;
        }
        g.setFont(LABEL_FONT);
        FaceRow shown = faces.selectedProperty().get();
        for (FaceRow face : faces.faces()) {
            Box b = face.box();
            double x = o.getX() + b.x() * scale;
            double y = o.getY() + b.y() * scale;
            double w = b.width() * scale;
            double h = b.height() * scale;
            Color color = Color.rgb(face.rgb() >> 16 & 0xFF, face.rgb() >> 8 & 0xFF, face.rgb() & 0xFF);
            boolean isShown = face == shown;
            if (isShown) {
                g.setStroke(Color.WHITE);
                g.setLineWidth(6);
                g.strokeRect(x, y, w, h);
            }
            g.setStroke(color);
            g.setLineWidth(isShown ? 3.5 : 2.5);
            g.strokeRect(x, y, w, h);
            g.setFill(color);
            FaceKeypoints k = face.face().keypoints();
            if (k != null) {
                double r = Math.max(2, Math.min(5, w / 40));
                for (FaceKeypoints.Point p : List.of(k.rightEye(), k.leftEye(), k.noseTip(), k.mouth())) {
                    g.fillOval(o.getX() + p.x() * scale - r, o.getY() + p.y() * scale - r, 2 * r, 2 * r);
                }
            }
            String text = face.number() + "  " + face.caption();
            measure.setText(text);
            double tw = measure.getLayoutBounds().getWidth() + 10;
            double th = measure.getLayoutBounds().getHeight() + 4;
            double ty = y - th >= 0 ? y - th : y;
            double tx = Math.max(0, Math.min(x, getWidth() - tw));
            g.fillRect(tx, ty, tw, th);
            g.setFill(Color.BLACK);
            g.fillText(text, tx + 5, ty + th - 6);
        }
        String banner = faces.searchingProperty().get() ? "Finding faces\u2026"
                : faces.noFaceFoundProperty().get() ? "No face found \u2014 the prediction is for the whole image" : null;
        if (banner != null) {
            measure.setText(banner);
            double tw = measure.getLayoutBounds().getWidth() + 16;
            double th = measure.getLayoutBounds().getHeight() + 10;
            double tx = Math.max(0, o.getX()) + 8;
            double ty = Math.max(0, o.getY()) + 8;
            g.setFill(Color.rgb(0, 0, 0, 0.7));
            g.fillRect(tx, ty, tw, th);
            g.setFill(Color.WHITE);
            g.fillText(banner, tx + 8, ty + th - 8);
        }
    }
}
