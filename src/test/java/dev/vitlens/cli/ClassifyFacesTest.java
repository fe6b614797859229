package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.camera.FaceVerifier;
import dev.vitlens.testing.GroupPhoto;
import dev.vitlens.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vitlens classify --faces} on photos built from the committed astronaut portrait. */
class ClassifyFacesTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path group;
    static Path portrait;
    static Path empty;
    /** Where the six heads of {@link #group} ({@link GroupPhoto}) are: x, y, side. */
    static final List<int[]> HEADS = new ArrayList<>();


    @BeforeAll
    static void setUp() throws Exception {
        model = TinyModels.writeVitFolder(tmp.resolve("tiny"), 28, 7, 2, 1, 1);
        portrait = tmp.resolve("astronaut.png");
        ImageIO.write(GroupPhoto.astronaut(), "png", portrait.toFile());
        for (GroupPhoto.Head h : GroupPhoto.heads()) {
            HEADS.add(new int[] {h.x(), h.y(), h.side()});
        }
        group = GroupPhoto.write(tmp.resolve("group.jpg"));
        BufferedImage blank = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        empty = tmp.resolve("empty.png");
        ImageIO.write(blank, "png", empty.toFile());
    }


    @Test
    void jsonListsEveryFaceOfAGroupInThePhotosPixels() throws Exception {
        Run r = run("classify", "-m", model.toString(), "--device", "cpu", "--faces", "-k", "2", "--format", "json",
                group.toString(), portrait.toString(), empty.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode all = new ObjectMapper().readTree(r.out());
        assertEquals(3, all.size());
        JsonNode groupFaces = all.get(0).get("faces");
        assertEquals(6, groupFaces.size(), groupFaces.toString());
        for (int[] h : HEADS) {
            // The face sits at about the middle of each pasted head.
            double cx = h[0] + h[2] / 2.0;
            double cy = h[1] + h[2] / 2.0;
            int matches = 0;
            for (JsonNode f : groupFaces) {
                JsonNode b = f.get("box");
                double fx = b.get(0).asDouble() + b.get(2).asDouble() / 2;
                double fy = b.get(1).asDouble() + b.get(3).asDouble() / 2;
                if (Math.abs(fx - cx) < 0.2 * h[2] && Math.abs(fy - cy) < 0.25 * h[2]) {
                    matches++;
                    assertTrue(b.get(2).asInt() > 0.35 * h[2] && b.get(2).asInt() < 0.9 * h[2], f.toString());
                }
            }
            assertEquals(1, matches, "head at " + h[0] + "," + h[1] + ": " + groupFaces);
        }
        int verified = 0;
        for (JsonNode f : groupFaces) {
            assertTrue(f.get("score").asDouble() >= 0.5 && f.get("score").asDouble() <= 1, f.toString());
            // The verifier is asked about detections under the trusted score only, and keeps those it gives >= 0.90.
            if (f.get("score").asDouble() < FaceVerifier.TRUSTED_SCORE) {
                assertTrue(f.get("verifier").asDouble() >= 0.9 && f.get("verifier").asDouble() <= 1, f.toString());
                verified++;
            } else {
                assertFalse(f.has("verifier"), f.toString());
            }
            assertEquals(2, f.get("top").size());
            assertTrue(f.get("top").get(0).has("label") && f.get("top").get(0).has("index"), f.toString());
            assertTrue(f.get("keypoints").has("left_eye"), f.toString());
        }
        assertTrue(verified >= 1, "the group photo has faces scoring 0.5-0.8: " + groupFaces);
        JsonNode one = all.get(1).get("faces");
        assertEquals(1, one.size(), one.toString());
        JsonNode b = one.get(0).get("box");
        assertEquals(225, b.get(0).asDouble() + b.get(2).asDouble() / 2, 30);
        assertEquals(125, b.get(1).asDouble() + b.get(3).asDouble() / 2, 30);
        assertEquals(0, all.get(2).get("faces").size(), "a black image has no face");
        assertEquals(2, all.get(2).get("top").size(), "the whole image is still classified");
    }

    @Test
    void textAndCsvShowTheFaces() {
        Run text = run("classify", "-m", model.toString(), "--device", "cpu", "--faces", "-k", "1", portrait.toString(),
                empty.toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("  face 1 ["), text.out());
        assertTrue(text.out().contains("(detector 0."), text.out());
        Run groupText = run("classify", "-m", model.toString(), "--device", "cpu", "--faces", "-k", "1",
                group.toString());
        assertTrue(groupText.out().matches("(?s).*\\(detector 0\\.[5-7]\\d, verifier (0\\.9\\d|1\\.00)\\).*"), groupText.out());
        assertTrue(text.out().contains("  no face found"), text.out());

        Run csv = run("classify", "-m", model.toString(), "--device", "cpu", "--faces", "-k", "2", "--format", "csv",
                group.toString());
        assertEquals(0, csv.exit(), csv.err());
        List<String> lines = csv.out().lines().toList();
        assertTrue(lines.get(0).endsWith(",error,face,box_x,box_y,box_w,box_h,face_score"), lines.get(0));
        int columns = lines.get(0).split(",", -1).length;
        lines.forEach(l -> assertEquals(columns, l.split(",", -1).length, l));
        assertEquals(2 + 6 * 2, lines.size() - 1, "2 whole-image rows, then 2 rows per face: " + csv.out());
        assertTrue(lines.get(lines.size() - 1).contains(",6,"), lines.get(lines.size() - 1));
        // Without --faces the CSV keeps its columns.
        Run plain = run("classify", "-m", model.toString(), "--device", "cpu", "--format", "csv", group.toString());
        assertTrue(plain.out().lines().findFirst().orElseThrow().endsWith(",inference_ms,error"), plain.out());
    }

    @Test
    void theFaceVerifierCanBeTurnedOffAndBadValuesAreRefused() throws Exception {
        Run off = run("classify", "-m", model.toString(), "--device", "cpu", "--faces", "--face-verifier", "0",
                "--format", "json", group.toString());
        assertEquals(0, off.exit(), off.err());
        JsonNode offFaces = new ObjectMapper().readTree(off.out()).get(0).get("faces");
        assertEquals(6, offFaces.size(), off.out());
        offFaces.forEach(f -> assertFalse(f.has("verifier"), "the verifier is off: " + f));
        for (String bad : List.of("1", "-0.5", "1.5")) {
            Run r = run("classify", "-m", model.toString(), "--device", "cpu", "--faces", "--face-verifier", bad,
                    group.toString());
            assertEquals(2, r.exit(), bad + ": " + r.err());
            assertTrue(r.err().contains("--face-verifier"), r.err());
        }
    }

    @Test
    void cascadesCanBeChosenAndHaveNoScore() throws Exception {
        Run r = run("classify", "-m", model.toString(), "--device", "cpu", "--faces", "--detector", "thorough",
                "--format", "json", portrait.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode faces = new ObjectMapper().readTree(r.out()).get(0).get("faces");
        assertTrue(faces.size() >= 1, faces.toString());
        assertTrue(faces.get(0).get("score").isNull(), faces.toString());
    }

    @Test
    void deitMaskLabelsEachFace() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("models/deit-mask/model.onnx")), "models/deit-mask not present");
        Run r = run("classify", "-m", "deit-mask", "--device", "cpu", "--faces", "--format", "json", group.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode faces = new ObjectMapper().readTree(r.out()).get(0).get("faces");
        assertEquals(6, faces.size(), faces.toString());
        for (JsonNode f : faces) {
            String label = f.get("top").get(0).get("label").asText();
            assertTrue(label.equals("with_mask") || label.equals("without_mask"), label);
        }
    }
}
