package dev.vitlens.ui.viewmodel;

import dev.vitlens.camera.Box;
import dev.vitlens.camera.FaceLabelColors;
import dev.vitlens.camera.FaceVerifier;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.GroupPhoto;
import dev.vitlens.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Face mode of the Images tab over the real engine (deit-mask, BlazeFace), no FX toolkit: every task runs on the
 * calling thread. The group photo is six copies of the committed astronaut's head ({@link GroupPhoto}).
 */
class FacesViewModelTest {

    @TempDir
    static Path tmp;
    static Path group;
    static Path black;
    static EngineBackend backend;

    private Preferences prefs;
    private WorkbenchViewModel workbench;
    private SessionViewModel session;
    private FacesViewModel faces;

    @BeforeAll
    static void modelsAndPhotos() throws Exception {
        Path models = tmp.resolve("models");
        // The bundled face classifier (vitlens.json says so) and a tiny model that is not one.
        Path mask = Files.createDirectories(models.resolve("deit-mask"));
        for (String file : List.of("model.onnx", "config.json", "preprocessor_config.json", "vitlens.json")) {
            Files.copy(Path.of("models/deit-mask").resolve(file), mask.resolve(file));
        }
        TinyModels.writeVitFolder(models.resolve("shirts"), 28, 7, 3, 1, 1);
        group = GroupPhoto.write(tmp.resolve("group.png"));
        black = tmp.resolve("black.png");
        ImageIO.write(new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB), "png", black.toFile());
        ModelCatalog catalog = new ModelCatalog(models, tmp.resolve("user-models"));
        backend = new EngineBackend(() -> catalog, "deit-mask", RunnerOptions.on(Device.CPU));
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    @BeforeEach
    void startWorkbench() {
        prefs = Preferences.userRoot().node("dev/vitlens/test-" + UUID.randomUUID());
        workbench = new WorkbenchViewModel(backend, TaskExecutor.direct(), TaskExecutor.direct(),
                new WorkbenchSettings(prefs));
        workbench.start(List.of());
        session = workbench.session();
        faces = workbench.faces();
    }

    @AfterEach
    void removePrefs() throws Exception {
        prefs.removeNode();
    }

    private void select(String modelId) {
        session.selectedModelProperty().set(session.models().stream().filter(m -> m.id().equals(modelId))
                .findFirst().orElseThrow());
    }

    @Test
    void everyFaceOfAGroupPhotoIsFoundLabelledAndListed() {
        assertEquals("deit-mask", session.selectedModelProperty().get().id());
        assertTrue(faces.availableProperty().get(), "deit-mask's vitlens.json marks it as a face classifier");
        assertTrue(faces.activeProperty().get(), "face mode is on by default for a face classifier");
        session.showFile(group);

        assertEquals(6, faces.faces().size(), faces.statusProperty().get());
        assertFalse(faces.noFaceFoundProperty().get());
        assertTrue(faces.statusProperty().get().startsWith("6 faces \u00b7 "), faces.statusProperty().get());
        assertFalse(session.predictions().isEmpty(), "the whole image is classified as well");
        assertFalse(session.currentProperty().get().isPart());
        for (GroupPhoto.Head head : GroupPhoto.heads()) {
            List<FacesViewModel.FaceRow> atHead = faces.faces().stream().filter(f ->
                    Math.abs(f.box().centerX() - head.centerX()) < 0.2 * head.side()
                            && Math.abs(f.box().centerY() - head.centerY()) < 0.25 * head.side()).toList();
            assertEquals(1, atHead.size(), "one face at the head at " + head + ": " + faces.faces());
        }
        Set<Integer> maskColours = Set.of(FaceLabelColors.MASK, FaceLabelColors.NO_MASK, FaceLabelColors.UNCERTAIN);
        for (int i = 0; i < 6; i++) {
            FacesViewModel.FaceRow row = faces.faces().get(i);
            assertEquals(i + 1, row.number());
            assertTrue(row.caption().matches("(with_mask|without_mask) \\d+%"), row.caption());
            assertEquals("Face " + (i + 1) + ": " + row.caption(), row.title());
            assertTrue(maskColours.contains(row.rgb()), Integer.toHexString(row.rgb()));
            assertNotNull(row.face().keypoints(), "BlazeFace gives keypoints");
            assertTrue(row.face().detectorScore() >= 0.5f && row.face().detectorScore() <= 1f);
            // The list says why each face was kept: the verifier looked only at detections under the trusted score.
            if (row.face().detectorScore() < FaceVerifier.TRUSTED_SCORE) {
                assertTrue(row.scoresShort().matches("det 0\\.[5-7]\\d \u00b7 ver (0\\.9\\d|1\\.00)"), row.scoresShort());
                assertTrue(row.scoresExplained().contains("the face verifier checked"), row.scoresExplained());
            } else {
                assertTrue(row.scoresShort().matches("det 0\\.[89]\\d|det 1\\.00"), row.scoresShort());
                assertTrue(row.scoresExplained().contains("without the face verifier"), row.scoresExplained());
            }
            Box crop = row.face().cropBox();
            assertEquals(crop.width(), crop.height(), "the classifier sees a square");
            assertEquals(crop.width(), row.crop().image().getWidth());
            assertTrue(crop.x() >= 0 && crop.y() >= 0 && crop.x() + crop.width() <= GroupPhoto.WIDTH
                    && crop.y() + crop.height() <= GroupPhoto.HEIGHT, crop.toString());
            if (i > 0) {
                assertTrue(row.box().area() <= faces.faces().get(i - 1).box().area(), "largest first");
            }
        }
        FacesViewModel.FaceRow third = faces.faces().get(2);
        assertSame(third, faces.faceAt(third.box().centerX(), third.box().centerY()));
        assertNull(faces.faceAt(400, 265), "between the heads there is no face");
    }

    @Test
    void aBlackImageHasNoFaceAndKeepsItsWholeImagePrediction() {
        session.showFile(black);
        assertTrue(faces.faces().isEmpty());
        assertTrue(faces.noFaceFoundProperty().get());
        assertTrue(faces.statusProperty().get().startsWith("No face found"), faces.statusProperty().get());
        assertEquals(2, session.predictions().size(), "deit-mask's two classes, for the whole image");
        assertEquals("black.png", session.imageNameProperty().get());
    }

    @Test
    void selectingAFaceAnalysesItsCropInPlaceAndTheWholeImageIsOneStepBack() {
        session.showFile(group);
        List<FacesViewModel.FaceRow> found = List.copyOf(faces.faces());
        FacesViewModel.FaceRow second = found.get(1);

        faces.select(second);
        CurrentAnalysis shown = session.currentProperty().get();
        assertTrue(shown.isPart());
        assertSame(second, faces.selectedProperty().get());
        assertSame(second.crop(), shown.analysed());
        assertEquals("group.png", shown.image().name(), "the photo stays on screen");
        assertEquals("face 2", session.partProperty().get());
        assertTrue(session.statusProperty().get().startsWith("group.png, face 2 \u2014 "),
                session.statusProperty().get());
        // deit-mask stretches its input without a centre crop, so it saw the whole crop: the map covers the crop.
        assertRegion(second.cropRegion(), shown.analysis().region());
        assertNotNull(shown.explanation(), "the crop's attention map");
        assertNotNull(session.heatmapImageProperty().get());
        assertEquals(second.face().best().label(), session.predictions().get(0).label());
        assertEquals(second.face().best().score(), session.predictions().get(0).score(), 1e-4);
        assertEquals(found, List.copyOf(faces.faces()), "the faces stay listed");
        // Saved results say which face they are of, and where the model saw it on the photo.
        String json = workbench.export().resultsJson().orElseThrow();
        Box crop = second.face().cropBox();
        assertTrue(json.replaceAll("\\s", "").contains("\"part\":{\"name\":\"face2\",\"box\":[" + crop.x() + ","
                + crop.y() + "," + crop.width() + "," + crop.height() + "]}"), json);

        // The explorer works on the crop: a new query re-explains the face, not the photo.
        workbench.overlay().selectPatch(new PatchPosition(3, 4));
        assertTrue(session.currentProperty().get().isPart());
        assertTrue(session.heatmapDescriptionProperty().get().contains("patch (3, 4)"),
                session.heatmapDescriptionProperty().get());

        faces.showWholeImage();
        assertFalse(session.currentProperty().get().isPart());
        assertNull(faces.selectedProperty().get());
        assertEquals("", session.partProperty().get());
        assertRegion(ImageRegion.WHOLE, session.currentProperty().get().analysis().region());
        for (int i = 0; i < found.size(); i++) {
            assertSame(found.get(i), faces.faces().get(i), "going back does not search again");
        }
    }

    @Test
    void theToggleTurnsFaceModeOffAndOnAndOffLeavesAFaceForTheWholeImage() {
        session.showFile(group);
        faces.select(faces.faces().get(0));
        assertTrue(session.currentProperty().get().isPart());

        faces.toggle();
        assertFalse(faces.enabledProperty().get());
        assertFalse(faces.activeProperty().get());
        assertTrue(faces.faces().isEmpty());
        assertEquals("", faces.statusProperty().get());
        assertFalse(session.currentProperty().get().isPart(), "back to the whole image");
        assertFalse(session.predictions().isEmpty());

        faces.toggle();
        assertTrue(faces.activeProperty().get());
        assertEquals(6, faces.faces().size(), "turned on again, the shown image is searched");
        assertNull(faces.selectedProperty().get());
    }

    @Test
    void aModelThatIsNotAFaceClassifierLooksForNoFaces() {
        session.showFile(group);
        assertEquals(6, faces.faces().size());
        select("shirts");
        assertFalse(faces.availableProperty().get());
        assertFalse(faces.activeProperty().get());
        assertTrue(faces.faces().isEmpty());
        assertEquals("shirts", session.currentProperty().get().model().id(), "the photo is re-run on shirts");
        faces.toggle();
        assertTrue(faces.enabledProperty().get(), "F does nothing for a model that is not a face classifier");

        select("deit-mask");
        assertTrue(faces.activeProperty().get());
        assertEquals(6, faces.faces().size(), "back on the face classifier, the faces are searched again");
    }

    private static void assertRegion(ImageRegion expected, ImageRegion actual) {
        assertEquals(expected.x(), actual.x(), 1e-9, actual.toString());
        assertEquals(expected.y(), actual.y(), 1e-9, actual.toString());
        assertEquals(expected.width(), actual.width(), 1e-9, actual.toString());
        assertEquals(expected.height(), actual.height(), 1e-9, actual.toString());
    }
}
