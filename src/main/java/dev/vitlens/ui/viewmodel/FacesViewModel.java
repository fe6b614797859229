package dev.vitlens.ui.viewmodel;

import dev.vitlens.camera.Box;
import dev.vitlens.camera.FaceLabelColors;
import dev.vitlens.camera.FaceVerifier;
import dev.vitlens.camera.LiveOptions;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.Prediction;
import dev.vitlens.faces.PhotoFace;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Face mode of the Images tab. For a model marked as a face classifier ({@code vitlens.json}), every image the session
 * shows is searched for faces and each face's square crop classified ({@link WorkbenchBackend#findFaces}, off the FX
 * thread); the faces are listed and drawn with their labels. Selecting a face shows the analysis of its crop in place
 * (heatmap, explorer, faithfulness: {@link SessionViewModel#showPart}); the whole image is one click back. The user
 * may turn the mode off ({@link #enabledProperty()}, on by default).
 */
public final class FacesViewModel {

    /**
     * One face as the tab lists and draws it.
     *
     * @param number     1 for the largest face, then by size, as {@code vitlens classify --faces} numbers them
     * @param face       where it is (the image's pixels), the detector's score and keypoints, the top labels
     * @param cropRegion where the crop the classifier saw lies on the image
     * @param caption    the best label and its probability, e.g. {@code with_mask 97%}
     * @param rgb        0xRRGGBB of its box and label: one colour per class, grey when the classifier is unsure
     * @param crop       the crop as the session analyses it when the face is selected
     */
    public record FaceRow(int number, PhotoFace face, ImageRegion cropRegion, String caption, int rgb,
                          DecodedImage crop) {

        public Box box() {
            return face.box();
        }

        /** {@code Face 1: with_mask 97%}, as the list shows it. */
        public String title() {
            return "Face " + number + ": " + caption;
        }

        /**
         * The scores in a few characters, as the list's narrow column shows them: {@code det 0.91}, or
         * {@code det 0.73 · ver 1.00} when the face verifier was asked; empty for the cascades.
         */
        public String scoresShort() {
            if (!face.hasDetectorScore()) {
                return "";
            }
            String det = String.format(Locale.ROOT, "det %.2f", face.detectorScore());
            return Float.isNaN(face.verifierScore()) ? det
                    : det + String.format(Locale.ROOT, " \u00b7 ver %.2f", face.verifierScore());
        }

        /** The scores in words, for the row's tooltip ({@link PhotoFace#scores}, and why the verifier was asked). */
        public String scoresExplained() {
            if (!face.hasDetectorScore()) {
                return "";
            }
            return Float.isNaN(face.verifierScore()) ? face.scores() + " (sure enough without the face verifier)"
                    : face.scores() + " (the face verifier checked this detection: the detector scored it under "
                    + String.format(Locale.ROOT, "%.2f", FaceVerifier.TRUSTED_SCORE) + ")";
        }

        /** Whether the point (image pixels) is inside the face's box. */
        public boolean contains(double x, double y) {
            Box b = face.box();
            return x >= b.x() && y >= b.y() && x < b.x() + b.width() && y < b.y() + b.height();
        }
    }

    private final WorkbenchBackend backend;
    private final TaskExecutor interactive;
    private final SessionViewModel session;
    private final Consumer<Notice> notices;

    private final ReadOnlyBooleanWrapper available = new ReadOnlyBooleanWrapper(false);
    private final BooleanProperty enabled = new SimpleBooleanProperty(true);
    private final ReadOnlyBooleanWrapper active = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper searching = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper noFaceFound = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ObservableList<FaceRow> faces = FXCollections.observableArrayList();
    private final ObservableList<FaceRow> facesView = FXCollections.unmodifiableObservableList(faces);
    private final ReadOnlyObjectWrapper<FaceRow> selected = new ReadOnlyObjectWrapper<>();

    // Only touched on the FX thread. The faces listed are those of searchedImage on searchedModel.
    private DecodedImage searchedImage;
    private String searchedModel;
    private long generation;
    private TaskHandle running;
    private final Set<String> notedDetectors = new HashSet<>();

    FacesViewModel(WorkbenchBackend backend, TaskExecutor interactive, SessionViewModel session,
                   Consumer<Notice> notices) {
        this.backend = Objects.requireNonNull(backend);
        this.interactive = Objects.requireNonNull(interactive);
        this.session = Objects.requireNonNull(session);
        this.notices = Objects.requireNonNull(notices);
        available.bind(session.selectedModelProperty().map(ModelEntry::faceClassifier).orElse(false));
        active.bind(available.and(enabled));
        active.addListener((obs, was, now) -> {
            if (now) {
                follow(session.currentProperty().get());
            } else {
                clear();
            }
        });
        // Turned off while a face is shown: back to the whole image. (A model switch re-runs the image anyway.)
        enabled.addListener((obs, was, now) -> {
            CurrentAnalysis shown = session.currentProperty().get();
            if (!now && shown != null && shown.isPart()) {
                session.rerun();
            }
        });
        session.currentProperty().addListener((obs, was, now) -> follow(now));
    }

    /** Keeps the faces in step with what the session shows: searches a newly shown image, marks the shown face. */
    private void follow(CurrentAnalysis now) {
        if (now == null || !active.get()) {
            clear();
            return;
        }
        boolean sameImage = now.image() == searchedImage && now.model().id().equals(searchedModel);
        if (!sameImage) {
            clear();
            if (now.model().faceClassifier()) {
                search(now);
            }
            return;
        }
        selected.set(now.isPart() ? faces.stream().filter(f -> f.crop() == now.analysed()).findFirst().orElse(null)
                : null);
    }

    private void search(CurrentAnalysis shown) {
        DecodedImage photo = shown.image();
        String modelId = shown.model().id();
        long requested = ++generation;
        searchedImage = photo;
        searchedModel = modelId;
        searching.set(true);
        status.set("Finding faces\u2026");
        running = interactive.execute(BackgroundTask.of("faces in " + photo.name(), context -> {
            FaceSearch found = backend.findFaces(photo.image(), modelId, SessionViewModel.TOP_K);
            context.throwIfCancelled();
            return rows(found, photo);
        }).onSuccess(result -> {
            if (requested != generation) {
                return;
            }
            faces.setAll(result.rows());
            noFaceFound.set(result.rows().isEmpty());
            status.set(result.rows().isEmpty()
                    ? "No face found: the prediction above is for the whole image."
                    : result.rows().size() + (result.rows().size() == 1 ? " face" : " faces") + " \u00b7 "
                            + result.detector());
            if (!result.detectorNote().isEmpty() && notedDetectors.add(result.detectorNote())) {
                notices.accept(Notice.warning("Face detector", result.detectorNote()));
            }
        }).onFailure(error -> {
            if (requested == generation) {
                status.set("Cannot find faces: " + ErrorText.describe(error));
                notices.accept(Notice.error("Cannot find faces in " + photo.name(), ErrorText.describe(error)));
            }
        }).onFinished(() -> {
            if (requested == generation) {
                searching.set(false);
            }
        }));
    }

    private record Rows(List<FaceRow> rows, String detector, String detectorNote) {
    }

    /** Runs on the worker: colours, captions, regions and the crops as images for the session. */
    private static Rows rows(FaceSearch found, DecodedImage photo) {
        int width = photo.image().getWidth();
        int height = photo.image().getHeight();
        float threshold = LiveOptions.defaults().threshold();
        List<FaceRow> rows = new ArrayList<>(found.faces().size());
        int number = 1;
        for (PhotoFace face : found.faces()) {
            Prediction best = face.best();
            String caption = best == null ? "?" : String.format(Locale.ROOT, "%s %.0f%%", best.label(),
                    100.0 * best.score());
            int rgb = FaceLabelColors.rgb(best == null ? null : best.label(), best == null ? -1 : best.index(),
                    best != null && best.score() >= threshold);
            Box c = face.cropBox();
            DecodedImage crop = new DecodedImage(photo.source(), "face " + number, face.crop().toBufferedImage(), 0);
            rows.add(new FaceRow(number++, face, ImageRegion.ofPixels(c.x(), c.y(), c.width(), c.height(), width,
                    height), caption, rgb, crop));
        }
        return new Rows(rows, found.detector(), found.detectorNote());
    }

    private void clear() {
        generation++;
        if (running != null) {
            running.cancel();
            running = null;
        }
        searchedImage = null;
        searchedModel = null;
        faces.clear();
        selected.set(null);
        noFaceFound.set(false);
        searching.set(false);
        status.set("");
    }

    // ---- the user's actions -----------------------------------------------------------------------------------

    /** F: face mode on or off (only for a face classifier). */
    public void toggle() {
        if (available.get()) {
            enabled.set(!enabled.get());
        }
    }

    /** Shows the analysis of one face's crop over the image (a face of the list, or a clicked box). */
    public void select(FaceRow face) {
        if (face == null || !faces.contains(face)) {
            return;
        }
        if (face == selected.get()) {
            return;
        }
        session.showPart(face.crop(), face.cropRegion());
    }

    /** Back from a face to the analysis of the whole image. */
    public void showWholeImage() {
        CurrentAnalysis shown = session.currentProperty().get();
        if (shown != null && shown.isPart()) {
            session.rerun();
        }
    }

    /** The face whose box holds the point (image pixels); the smallest one when boxes overlap; null for none. */
    public FaceRow faceAt(double x, double y) {
        FaceRow hit = null;
        for (FaceRow f : faces) {
            if (f.contains(x, y) && (hit == null || f.box().area() < hit.box().area())) {
                hit = f;
            }
        }
        return hit;
    }

    // ---- properties -------------------------------------------------------------------------------------------

    /** Whether the selected model is a face classifier, so face mode can be turned on. */
    public ReadOnlyBooleanProperty availableProperty() {
        return available.getReadOnlyProperty();
    }

    /** The user's choice (on by default); face mode runs when it is on and {@link #availableProperty()} holds. */
    public BooleanProperty enabledProperty() {
        return enabled;
    }

    /** Face mode is running: faces are searched, listed and drawn. */
    public ReadOnlyBooleanProperty activeProperty() {
        return active.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty searchingProperty() {
        return searching.getReadOnlyProperty();
    }

    /** The search of the shown image finished and found no face. */
    public ReadOnlyBooleanProperty noFaceFoundProperty() {
        return noFaceFound.getReadOnlyProperty();
    }

    /** One line: searching, how many faces and with which detector, no face, or why the search failed. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The faces of the shown image, largest first. */
    public ObservableList<FaceRow> faces() {
        return facesView;
    }

    /** The face whose crop is analysed on screen, or null while the whole image is. */
    public ReadOnlyObjectProperty<FaceRow> selectedProperty() {
        return selected.getReadOnlyProperty();
    }
}
