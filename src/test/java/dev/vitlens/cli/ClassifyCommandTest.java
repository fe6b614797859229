package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.testing.TinyModels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyCommandTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path images;


    @BeforeAll
    static void setUp() throws Exception {
        model = TinyModels.writeVitFolder(tmp.resolve("models").resolve("tiny"), 28, 7, 4, 1, 1);
        images = Files.createDirectories(tmp.resolve("images"));
        writePng(images.resolve("red.png"), Color.RED);
        Path nested = Files.createDirectories(images.resolve("nested"));
        writePng(nested.resolve("blue.png"), Color.BLUE);
        Files.writeString(nested.resolve("notes.txt"), "not an image, skipped in folders");
        Files.writeString(nested.resolve("broken.jpg"), "not really a jpeg");
        // An SVG in a folder is reported with its reason, never skipped silently (issue #19).
        Files.writeString(nested.resolve("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" "
                + "height=\"4\"><rect width=\"4\" height=\"4\"/></svg>");
        // A symlink loop must not hang the folder walk.
        Files.createSymbolicLink(nested.resolve("loop"), images);
    }

    static void writePng(Path file, Color color) throws Exception {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 40, 30);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }


    @Test
    void jsonForAFolderWithAnErrorEntry() throws Exception {
        Run r = run("classify", "-m", model.toString(), "-k", "3", "--device", "cpu", "--format", "json",
                images.toString(), tmp.resolve("missing.png").toString());
        assertEquals(1, r.exit(), r.err());
        JsonNode array = new ObjectMapper().readTree(r.out());
        assertEquals(5, array.size(), r.out());
        JsonNode red = find(array, "red.png");
        assertEquals("tiny", red.get("model").asText());
        assertEquals("cpu", red.get("device").asText());
        assertEquals(3, red.get("top").size());
        JsonNode first = red.get("top").get(0);
        assertTrue(first.get("label").asText().startsWith("class"));
        assertTrue(first.get("score").asDouble() >= red.get("top").get(1).get("score").asDouble());
        for (String stage : List.of("decode", "preprocess", "inference")) {
            assertTrue(red.get("timings_ms").get(stage).asDouble() >= 0);
        }
        JsonNode blue = find(array, "blue.png");
        assertFalse(red.get("top").get(0).get("index").equals(blue.get("top").get(0).get("index"))
                && red.get("top").get(0).get("score").equals(blue.get("top").get(0).get("score")),
                "different colours give different results");
        assertTrue(find(array, "broken.jpg").get("error").asText().contains("not an image or unsupported format"));
        assertTrue(find(array, "missing.png").get("error").asText().contains("file not found"));
        String svg = find(array, "logo.svg").get("error").asText();
        assertTrue(svg.contains("SVG is a vector drawing") && svg.contains("PNG"), svg);
        assertEquals(2, find(array, "missing.png").size(), "error entries are {file, error}");
    }

    @Test
    void csvHasOneRowPerRank() {
        Run r = run("classify", "-m", model.toString(), "-k", "2", "--device", "cpu", "--format", "csv",
                images.resolve("red.png").toString());
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertEquals("file,model,device,rank,label,index,score,decode_ms,preprocess_ms,inference_ms,error", lines[0]);
        assertEquals(3, lines.length);
        assertTrue(lines[1].contains(",tiny,cpu,1,class"), lines[1]);
        assertTrue(lines[2].contains(",tiny,cpu,2,class"), lines[2]);
    }

    @Test
    void textOutputAndAutoDeviceNotice() {
        Run r = run("classify", "-m", model.toString(), images.resolve("red.png").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("red.png:") && r.out().contains("%"), r.out());
        if (r.err().contains("note:")) {
            assertTrue(r.err().contains("note: CUDA unavailable ("), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one-line notice: " + r.err());
        }
    }

    @Test
    void usageAndModelErrorsExitWithTwo() throws Exception {
        assertEquals(2, run("classify", "-m", "no-such-model", images.toString()).exit());
        Run unknown = run("classify", "-m", "no-such-model", images.toString());
        assertTrue(unknown.err().contains("unknown model \"no-such-model\""), unknown.err());
        assertEquals(2, run("classify", "-m", model.toString(), "--device", "tpu", images.toString()).exit());
        assertEquals(2, run("classify", "-m", model.toString()).exit());
        assertEquals(2, run("classify", "-m", model.toString(), "-k", "0", images.toString()).exit());
        Path broken = TinyModels.writeVitFolder(tmp.resolve("broken"), 28, 7, 4, 0, 0);
        Files.delete(broken.resolve("config.json"));
        Run unavailable = run("classify", "-m", broken.toString(), images.toString());
        assertEquals(2, unavailable.exit());
        assertTrue(unavailable.err().contains("missing config.json"), unavailable.err());
    }

    @Test
    void launcherRoutesSubcommandsAndOptionsToTheCli() {
        assertTrue(Cli.handles(new String[] {"classify", "x.png"}));
        assertTrue(Cli.handles(new String[] {"models"}));
        assertTrue(Cli.handles(new String[] {"--version"}));
        assertFalse(Cli.handles(new String[] {}));
        assertFalse(Cli.handles(new String[] {"photo.jpg"}));
        assertEquals(0, run("--version").exit());
    }

    @Test
    void modelsListsAvailabilityAsJson() throws Exception {
        String old = System.getProperty("vitlens.models.dir");
        String oldUser = System.getProperty("vitlens.user.dir");
        try {
            System.setProperty("vitlens.models.dir", tmp.resolve("models").toString());
            System.setProperty("vitlens.user.dir", tmp.resolve("user").toString());
            Path bad = Files.createDirectories(tmp.resolve("models").resolve("zz-bad"));
            Files.writeString(bad.resolve("config.json"), "{}");
            Run r = run("models", "--format", "json");
            assertEquals(0, r.exit(), r.err());
            JsonNode array = new ObjectMapper().readTree(r.out());
            assertEquals("tiny", array.get(0).get("id").asText());
            assertTrue(array.get(0).get("available").asBoolean());
            assertEquals(4, array.get(0).get("classes").asInt());
            assertEquals(28, array.get(0).get("input").get("height").asInt());
            assertFalse(array.get(1).get("available").asBoolean());
            assertTrue(array.get(1).get("reason").asText().contains("missing model.onnx"));
            Run text = run("models");
            assertTrue(text.out().contains("unavailable: missing model.onnx"), text.out());
        } finally {
            restore("vitlens.models.dir", old);
            restore("vitlens.user.dir", oldUser);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static JsonNode find(JsonNode array, String fileName) {
        for (JsonNode n : array) {
            if (n.get("file").asText().endsWith(fileName)) {
                return n;
            }
        }
        throw new AssertionError("no entry for " + fileName + " in " + array);
    }
}
