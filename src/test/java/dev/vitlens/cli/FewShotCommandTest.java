package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.ModelDirectories;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.testing.TinyVitExport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vitlens fewshot train} as a user runs it: a folder per class in, a model folder out that classify, explain
 * and evaluate accept, and a clear message (with nothing written) for every kind of bad input.
 */
class FewShotCommandTest {
    @TempDir
    Path tmp;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        System.setProperty(ModelDirectories.USER_DIR_PROPERTY, tmp.resolve("user").toString());
        Path bundled = Files.createDirectories(tmp.resolve("bundled"));
        System.setProperty(ModelDirectories.MODELS_DIR_PROPERTY, bundled.toString());
        // no attention outputs: the few-shot model must still explain (attentions are added when it is used)
        new TinyVitExport().nativeAttentions(false).writeFolder(bundled.resolve("tiny"));
        data = tmp.resolve("data");
        writeClass("red", 0xd02020, 4);
        writeClass("green", 0x20c040, 4);
        writeClass("blue", 0x2040e0, 4);
    }

    @AfterEach
    void clear() {
        System.clearProperty(ModelDirectories.USER_DIR_PROPERTY);
        System.clearProperty(ModelDirectories.MODELS_DIR_PROPERTY);
    }

    /** Noisy images of one colour (a different noise per image, so leave-one-out has something to do). */
    private void writeClass(String name, int rgb, int count) throws Exception {
        Path dir = Files.createDirectories(data.resolve(name));
        Random r = new Random(name.hashCode());
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 40; x++) {
                    int c = 0;
                    for (int s = 0; s < 24; s += 8) {
                        int v = ((rgb >> s) & 0xff) + r.nextInt(61) - 30;
                        c |= Math.max(0, Math.min(255, v)) << s;
                    }
                    img.setRGB(x, y, c);
                }
            }
            ImageIO.write(img, "png", dir.resolve(name + i + ".png").toFile());
        }
    }

    @Test
    void trainsAModelThatClassifyExplainAndEvaluateUse() throws Exception {
        Path out = tmp.resolve("colours");
        Run train = run("fewshot", "train", "-b", "tiny", "--data", data.toString(), "--out", out.toString(),
                "--format", "json", "--device", "cpu", "--name", "Colours");
        assertEquals(0, train.exit(), train.err());
        JsonNode report = new ObjectMapper().readTree(train.out());
        assertEquals(12, report.get("images").asInt());
        assertEquals(List.of("blue", "green", "red"), List.of(report.at("/classes/0/label").asText(),
                report.at("/classes/1/label").asText(), report.at("/classes/2/label").asText()));
        int diagonal = 0;
        for (int k = 0; k < 3; k++) {
            diagonal += report.get("confusion").get(k).get(k).asInt();
        }
        assertEquals(diagonal / 12.0, report.get("leaveOneOutAccuracy").asDouble(), 1e-4);
        assertTrue(report.get("lambdaChosenByLeaveOneOut").asBoolean());

        ModelInfo saved = ModelFolder.load(out);
        assertEquals(List.of("blue", "green", "red"), saved.labels());
        assertEquals("Colours", saved.displayName());
        assertTrue(Files.isRegularFile(out.resolve("fewshot.json")));

        Run classify = run("classify", "-m", out.toString(), "--device", "cpu", "--format", "json",
                data.resolve("green/green0.png").toString());
        assertEquals(0, classify.exit(), classify.err());
        assertEquals("green", new ObjectMapper().readTree(classify.out()).at("/0/top/0/label").asText(),
                classify.out());

        Run explain = run("explain", "-m", out.toString(), "--device", "cpu", "--out",
                tmp.resolve("map.png").toString(), data.resolve("red/red1.png").toString());
        assertEquals(0, explain.exit(), explain.err());
        assertTrue(Files.size(tmp.resolve("map.png")) > 0);

        Run evaluate = run("evaluate", "-m", out.toString(), "--device", "cpu", "--format", "json", data.toString());
        assertEquals(0, evaluate.exit(), evaluate.err());
        assertTrue(new ObjectMapper().readTree(evaluate.out()).get("accuracy").asDouble() > 0.9,
                "the head fits its own training images: " + evaluate.out());
    }

    @Test
    void shotsLimitsTheImagesPerClassReproducibly() throws Exception {
        Run a = run("fewshot", "train", "-b", "tiny", "--data", data.toString(), "--out", tmp.resolve("a").toString(),
                "--shots", "2", "--format", "json", "--device", "cpu");
        Run b = run("fewshot", "train", "-b", "tiny", "--data", data.toString(), "--out", tmp.resolve("b").toString(),
                "--shots", "2", "--format", "json", "--device", "cpu");
        assertEquals(0, a.exit(), a.err());
        assertEquals(6, new ObjectMapper().readTree(a.out()).get("images").asInt());
        JsonNode ra = new ObjectMapper().readTree(Files.readString(tmp.resolve("a/fewshot.json")));
        JsonNode rb = new ObjectMapper().readTree(Files.readString(tmp.resolve("b/fewshot.json")));
        assertEquals(ra.at("/classes/0/examples"), rb.at("/classes/0/examples"));
        assertEquals(ra.get("lambda"), rb.get("lambda"));
    }

    @Test
    void aClassWithOneImageTrainsWithAWarning() throws Exception {
        writeClass("white", 0xf0f0f0, 1);
        Run r = run("fewshot", "train", "-b", "tiny", "--data", data.toString(), "--out", tmp.resolve("m").toString(),
                "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("class \"white\" has one image"), r.err());
        assertTrue(r.out().contains("n/a (one image)"), r.out());
    }

    private void assertRefused(String expected, String... extra) throws Exception {
        Path out = tmp.resolve("refused");
        String[] base = {"fewshot", "train", "-b", "tiny", "--data", data.toString(), "--out", out.toString(),
                "--device", "cpu"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Run r = run(args);
        assertEquals(Cli.EXIT_USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(Files.exists(out), "nothing is written when training is refused");
        try (var siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".refused")),
                    "no half-written folder is left");
        }
    }

    @Test
    void anEmptyClassIsRefused() throws Exception {
        Files.createDirectories(data.resolve("purple"));
        assertRefused("class \"purple\" has no images");
    }

    @Test
    void oneClassIsRefused() throws Exception {
        Path only = tmp.resolve("only");
        Files.createDirectories(only);
        Files.move(data.resolve("red"), only.resolve("red"));
        data = only;
        assertRefused("only one class");
    }

    @Test
    void twoFoldersForOneNameAreRefused() throws Exception {
        writeClass("Red", 0xe01010, 2);
        if (Files.isSameFile(data.resolve("Red"), data.resolve("red"))) {
            return; // a case-insensitive file system cannot hold both
        }
        assertRefused("have the same name");
    }

    @Test
    void aFolderWithoutClassFoldersIsRefused() throws Exception {
        Path flat = Files.createDirectories(tmp.resolve("flat"));
        Files.copy(data.resolve("red/red0.png"), flat.resolve("a.png"));
        data = flat;
        assertRefused("no class folders");
    }

    @Test
    void aClassWhoseImagesAreAllUnreadableIsRefusedAndOneBadFileIsLeftOut() throws Exception {
        Files.writeString(data.resolve("green/broken.png"), "not a png");
        Run r = run("fewshot", "train", "-b", "tiny", "--data", data.toString(), "--out", tmp.resolve("m").toString(),
                "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("broken.png") && r.err().contains("left out"), r.err());

        Path bad = Files.createDirectories(data.resolve("grey"));
        Files.writeString(bad.resolve("x.png"), "not a png either");
        assertRefused("class \"grey\" has no readable image");
    }

    @Test
    void anExistingModelFolderIsNeverOverwritten() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(out.resolve("notes.txt"), "keep me");
        Run r = run("fewshot", "train", "-b", "tiny", "--data", data.toString(), "--out", out.toString(),
                "--device", "cpu");
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals("keep me", Files.readString(out.resolve("notes.txt")));
        try (var files = Files.list(out)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void anUnknownBackboneIsRefused() throws Exception {
        Run r = run("fewshot", "train", "-b", "no-such-model", "--data", data.toString(), "--out",
                tmp.resolve("m").toString());
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("unknown model \"no-such-model\""), r.err());
    }
}
