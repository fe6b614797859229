package dev.vitlens.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.teach.TeachingView;
import dev.vitlens.teach.TeachingViews;
import dev.vitlens.inference.AttentionModelCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vitlens teach} on the bundled models: the JSON contracts of issue #15 and the PNG/SVG files. */
class TeachCommandModelTest {
    @TempDir
    Path tmp;
    @TempDir
    static Path cache;
    static String oldCache;

    @BeforeAll
    static void useATemporaryCache() {
        oldCache = System.getProperty(AttentionModelCache.DIR_PROPERTY);
        System.setProperty(AttentionModelCache.DIR_PROPERTY, cache.toString());
    }

    @AfterAll
    static void restoreTheCache() {
        if (oldCache == null) {
            System.clearProperty(AttentionModelCache.DIR_PROPERTY);
        } else {
            System.setProperty(AttentionModelCache.DIR_PROPERTY, oldCache);
        }
    }

    static final Path IMAGE = Paths.get("assets/samples/fashion-0013-dress.png").toAbsolutePath();

    static JsonNode json(String... args) throws Exception {
        Run r = Run.run(args);
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-fashion", "beit-fashion", "deit-mask"})
    void logitLensEndsAtTheClassifyScores(String model) throws Exception {
        JsonNode lens = json("teach", "logit-lens", "-m", model, "--device", "cpu", "--format", "json",
                IMAGE.toString());
        JsonNode classify = json("classify", "-m", model, "--device", "cpu", "--format", "json", "-k", "100",
                IMAGE.toString());
        JsonNode layers = lens.get("layers");
        int count = layers.size();
        assertTrue(count >= 2, "one entry per hidden state");
        for (int i = 0; i < count; i++) {
            assertEquals(i, layers.get(i).get("layer").asInt(), "layer order");
        }
        JsonNode last = layers.get(count - 1).get("probabilities");
        JsonNode top = classify.get(0).get("top");
        assertEquals(last.size(), top.size(), "every class");
        for (JsonNode t : top) {
            assertEquals(t.get("score").asDouble(), last.get(t.get("index").asInt()).asDouble(), 1e-4,
                    model + " class " + t.get("label").asText());
        }
    }

    @Test
    void positionSimilarityIsPatchesByPatchesAndBeitSaysItShowsTheBias() throws Exception {
        JsonNode vit = json("teach", "position-similarity", "-m", "vit-fashion", "--device", "cpu", "--format", "json",
                IMAGE.toString());
        assertEquals(49, vit.get("similarity").size());
        for (JsonNode row : vit.get("similarity")) {
            assertEquals(49, row.size());
        }
        for (int i = 0; i < 49; i++) {
            assertEquals(1.0, vit.get("similarity").get(i).get(i).asDouble(), 1e-5, "a patch is like itself");
        }
        JsonNode deit = json("teach", "position-similarity", "-m", "deit-mask", "--device", "cpu", "--format", "json",
                IMAGE.toString());
        assertEquals(64, deit.get("similarity").size(), "DeiT's two prefix tokens are excluded");
        JsonNode beit = json("teach", "position-similarity", "-m", "beit-fashion", "--device", "cpu", "--format",
                "json", IMAGE.toString());
        assertEquals("relative_position_bias", beit.get("shows").asText());
        assertTrue(beit.get("note").asText().contains("no absolute position embeddings"));
        assertEquals(6, beit.get("bias").size(), "one table per layer");
        assertEquals(13, beit.get("bias").get(0).get(0).size(), "(2h-1) rows for a 7x7 grid");
    }

    @Test
    void attentionDistanceIsOneValuePerHeadPerLayerInPixels() throws Exception {
        JsonNode d = json("teach", "attention-distance", "-m", "deit-mask", "--device", "cpu", "--format", "json",
                IMAGE.toString());
        assertEquals(6, d.get("distance").size());
        double max = d.get("max_distance").asDouble();
        assertEquals(8 * Math.hypot(7, 7), max, 1e-9);
        for (JsonNode layer : d.get("distance")) {
            assertEquals(4, layer.size());
            for (JsonNode v : layer) {
                assertTrue(v.asDouble() >= 0 && v.asDouble() <= max, v.toString());
            }
        }
        assertEquals("input pixels", d.get("unit").asText());
        assertTrue(d.get("sample_average").isNull());
        Run none = Run.run("teach", "attention-distance", "-m", "deit-mask", "--device",
                "cpu", "--samples", IMAGE.toString());
        assertEquals(Cli.EXIT_USAGE, none.exit());
        assertEquals("error: model \"deit-mask\" has no usable sample images (vitlens.json lists none that exist)",
                none.err().strip());
    }

    /** The sample average equals the mean of the per-image tables of the model's own sample files. */
    @Test
    void theSampleAverageIsTheMeanOverTheSamples() throws Exception {
        JsonNode d = json("teach", "attention-distance", "-m", "vit-fashion", "--device", "cpu", "--format", "json",
                "--samples", IMAGE.toString());
        JsonNode avg = d.get("sample_average");
        List<Path> samples;
        try (Stream<Path> files = Files.list(Paths.get("assets/samples"))) {
            samples = files.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
        assertEquals(samples.size(), avg.get("images").asInt(), "vit-fashion lists every sample in assets/samples");
        double[][] mean = new double[6][4];
        for (Path sample : samples) {
            JsonNode one = json("teach", "attention-distance", "-m", "vit-fashion", "--device", "cpu", "--format",
                    "json", sample.toAbsolutePath().toString()).get("distance");
            for (int l = 0; l < 6; l++) {
                for (int h = 0; h < 4; h++) {
                    mean[l][h] += one.get(l).get(h).asDouble() / samples.size();
                }
            }
        }
        for (int l = 0; l < 6; l++) {
            for (int h = 0; h < 4; h++) {
                assertEquals(mean[l][h], avg.get("distance").get(l).get(h).asDouble(), 1e-6, l + "/" + h);
            }
        }
    }

    @Test
    void everyViewWritesAPngAndTheChartsAnSvg() throws Exception {
        for (TeachingView v : TeachingViews.ALL) {
            Path png = tmp.resolve(v.name() + ".png");
            Run r = Run.run("teach", v.name(), "-m", "vit-fashion", "--device", "cpu",
                    "--layer", "2", "--head", "1", "--patch", "3,4", "--out", png.toString(), IMAGE.toString());
            assertEquals(0, r.exit(), v.name() + ": " + r.err());
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, v.name());
            assertTrue(image.getWidth() > 300 && image.getHeight() > 100, v.name());
            assertTrue(r.out().contains("selection: layer 2, head 1, query [CLS], patch 25 (3, 4)"), r.out());
            if (v.chart()) {
                Path svg = tmp.resolve(v.name() + ".svg");
                assertEquals(0, Run.run("teach", v.name(), "-m", "vit-fashion", "--device", "cpu",
                        "--out", svg.toString(), IMAGE.toString()).exit());
                Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
                assertEquals("svg", doc.getDocumentElement().getNodeName());
            }
        }
        try (Stream<Path> left = Files.list(tmp)) {
            List<String> names = left.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.startsWith(".")), "no temporary files left: " + names);
        }
    }

    @Test
    void anExistingPictureIsReplacedWhole() throws Exception {
        Path png = tmp.resolve("heads.png");
        Files.writeString(png, "an older file");
        assertEquals(0, Run.run("teach", "heads", "-m", "beit-fashion", "--device", "cpu", "--query",
                "patch", "--out", png.toString(), IMAGE.toString()).exit());
        assertNotNull(ImageIO.read(png.toFile()));
    }
}
