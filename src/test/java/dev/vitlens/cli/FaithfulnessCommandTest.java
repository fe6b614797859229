package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.onnx.TinyVit;
import dev.vitlens.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vitlens faithfulness}: the JSON contract, the text table, a model without attentions, bad input. */
class FaithfulnessCommandTest {
    @TempDir
    static Path tmp;
    static Path vit;
    static Path logitsOnly;
    static Path images;
    static String oldCache;


    @BeforeAll
    static void setUp() throws Exception {
        oldCache = System.getProperty(AttentionModelCache.DIR_PROPERTY);
        System.setProperty(AttentionModelCache.DIR_PROPERTY, tmp.resolve("cache").toString());
        vit = TinyVit.forImages(5, 2, 2, 4, 32, 8).withNativeAttentions(true).writeFolder(tmp.resolve("vit"));
        // TinyModels' classifier has no attention Softmax: no attention outputs can be added to it.
        logitsOnly = TinyModels.writeVitFolder(tmp.resolve("plain"), 16, 4, 3, 0, 0);
        images = Files.createDirectories(tmp.resolve("images"));
        Random r = new Random(9);
        for (int n = 0; n < 3; n++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    img.setRGB(x, y, (x * 8 + n * 40) % 256 << 16 | (y * 8) << 8 | r.nextInt(256));
                }
            }
            ImageIO.write(img, "png", images.resolve("img-" + n + ".png").toFile());
        }
    }

    @AfterAll
    static void tearDown() {
        if (oldCache == null) {
            System.clearProperty(AttentionModelCache.DIR_PROPERTY);
        } else {
            System.setProperty(AttentionModelCache.DIR_PROPERTY, oldCache);
        }
    }


    static JsonNode json(Run r) throws Exception {
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void jsonHasTheContractAndItsMeansAndIntervalsFollowFromThePerImageValues() throws Exception {
        JsonNode j = json(run("faithfulness", "-m", vit.toString(), "--device", "cpu", "--format", "json",
                "--methods", "rollout,attention,occlusion,random", "--steps", "8", "--seeds", "3", images.toString()));
        assertEquals(3, j.get("images").asInt());
        assertEquals(8, j.get("steps").asInt());
        assertEquals("blur", j.get("baseline").asText());
        assertEquals(8.0, j.get("blur_sigma_px").asDouble(), "default sigma: one patch side");
        assertEquals(vit.getFileName().toString(), j.get("model").asText());
        List<String> names = new ArrayList<>();
        j.get("methods").fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("rollout", "attention", "occlusion", "random"), names);
        for (String name : names) {
            JsonNode m = j.get("methods").get(name);
            assertEquals(3, m.get("per_image").size(), name);
            for (String curve : List.of("deletion", "insertion")) {
                double[] v = new double[3];
                for (int i = 0; i < 3; i++) {
                    v[i] = m.get("per_image").get(i).get(curve + "_auc").asDouble();
                    assertTrue(v[i] >= 0 && v[i] <= 1, name + " " + curve + " AUC of probabilities over [0,1]");
                }
                double mean = (v[0] + v[1] + v[2]) / 3;
                double sd = Math.sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean)
                        + (v[2] - mean) * (v[2] - mean)) / 2);
                double half = 4.302653 * sd / Math.sqrt(3); // t(0.975, 2)
                assertEquals(mean, m.get(curve + "_auc").asDouble(), 1e-9, name + " " + curve);
                assertEquals(mean - half, m.get(curve + "_ci95").get(0).asDouble(), 1e-5, name + " " + curve);
                assertEquals(mean + half, m.get(curve + "_ci95").get(1).asDouble(), 1e-5, name + " " + curve);
            }
        }
        assertEquals(3, j.get("methods").get("random").get("seeds").asInt());
        JsonNode target = j.get("targets").get(1);
        assertTrue(target.get("file").asText().endsWith("img-1.png"));
        assertEquals(List.of("zero", "one", "two").get(target.get("class").asInt()), target.get("label").asText());
        double p = target.get("probability").asDouble();
        double b = target.get("baseline_probability").asDouble();
        assertTrue(p >= 1.0 / 3 && p <= 1 && b >= 0 && b <= 1, "the top class of 3 has p >= 1/3: " + target);
        assertTrue(j.get("methods").get("rollout").get("per_image").get(0).get("file").asText().endsWith("img-0.png"));
        // Same command, same numbers: rankings (ties, random seeds) are deterministic.
        JsonNode again = json(run("faithfulness", "-m", vit.toString(), "--device", "cpu", "--format", "json",
                "--methods", "rollout,attention,occlusion,random", "--steps", "8", "--seeds", "3", images.toString()));
        assertEquals(j.get("methods"), again.get("methods"));
    }

    @Test
    void methodOptionsReachOnlyTheMethodsThatDeclareThem() throws Exception {
        JsonNode mean = json(run("faithfulness", "-m", vit.toString(), "--device", "cpu", "--format", "json",
                "--methods", "rollout,random", "--limit", "2", images.toString()));
        JsonNode max = json(run("faithfulness", "-m", vit.toString(), "--device", "cpu", "--format", "json",
                "--methods", "rollout,random", "--limit", "2", "--fusion", "max", "--discard", "0.5", "--head", "1",
                images.toString()));
        assertEquals(2, mean.get("images").asInt());
        assertEquals(16, mean.get("steps").asInt(), "20 steps capped at the 4x4 grid's 16 patches");
        assertFalse(mean.get("methods").get("rollout").equals(max.get("methods").get("rollout")),
                "a rollout variant ranks differently");
        assertEquals(mean.get("methods").get("random"), max.get("methods").get("random"));
    }

    @Test
    void aModelWithoutAttentionsReportsAttentionMethodsUnavailableAndMeasuresTheRest() throws Exception {
        Run r = run("faithfulness", "-m", logitsOnly.toString(), "--device", "cpu", "--format", "json",
                "--methods", "rollout,occlusion,random", "--baseline", "zero", images.resolve("img-1.png").toString());
        JsonNode j = json(r);
        assertEquals(1, j.get("images").asInt());
        String why = j.get("methods").get("rollout").get("unavailable").asText();
        assertTrue(why.contains("attention"), why);
        assertTrue(j.get("methods").get("occlusion").get("deletion_ci95").isNull(), "one image: no interval");
        assertTrue(j.get("methods").get("random").has("insertion_auc"));
        assertFalse(j.has("blur_sigma_px"));

        Run text = run("faithfulness", "-m", logitsOnly.toString(), "--device", "cpu", "--methods",
                "rollout,occlusion,random", images.toString());
        assertEquals(0, text.exit(), text.err());
        String[] lines = text.out().split("\n");
        assertTrue(lines[0].startsWith("faithfulness of plain on 3 image(s)"), lines[0]);
        assertTrue(lines[2].startsWith("method"), lines[2]);
        assertTrue(lines[3].matches("rollout +unavailable: Attention rollout needs attention maps: .*Softmax.*"), lines[3]);
        assertTrue(lines[4].matches("occlusion +[0-9.]+ \\[[0-9.-]+, [0-9.-]+\\] +[0-9.]+ \\[[0-9.-]+, [0-9.-]+\\]"),
                lines[4]);
        assertTrue(text.err().contains("3 images in"), text.err());
    }

    @Test
    void badInputGetsOneClearLineAndExitCode2() throws Exception {
        Run unknown = run("faithfulness", "-m", vit.toString(), "--methods", "rollout,gradcam", images.toString());
        assertEquals(Cli.EXIT_USAGE, unknown.exit());
        assertEquals("error: unknown method 'gradcam' in --methods: expected rollout, attention, occlusion"
                        .substring(0, 50), unknown.err().strip().substring(0, 50));
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
        assertTrue(unknown.err().contains("or random"), unknown.err());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run none = run("faithfulness", "-m", vit.toString(), empty.toString());
        assertEquals(Cli.EXIT_USAGE, none.exit());
        assertTrue(none.err().startsWith("error: no image files found in "), none.err());

        Run model = run("faithfulness", "-m", tmp.resolve("no-such-model").toString(), images.toString());
        assertEquals(Cli.EXIT_USAGE, model.exit());
        assertTrue(model.err().startsWith("error: "), model.err());
        assertEquals(1, model.err().strip().lines().count(), model.err());

        Run baseline = run("faithfulness", "-m", vit.toString(), "--baseline", "black", images.toString());
        assertEquals(Cli.EXIT_USAGE, baseline.exit());
        assertTrue(baseline.err().contains("expected blur, mean or zero"), baseline.err());

        Run badValue = run("faithfulness", "-m", vit.toString(), "--methods", "rollout", "--discard", "2",
                images.toString());
        assertEquals(Cli.EXIT_USAGE, badValue.exit());
        assertTrue(badValue.err().startsWith("error: rollout: --discard must be between 0 and 0.99"), badValue.err());

        // An unreadable file among good ones: the rest are measured, exit 1.
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        Files.copy(images.resolve("img-0.png"), mixed.resolve("a.png"));
        Files.writeString(mixed.resolve("b.png"), "not a png");
        Run partly = run("faithfulness", "-m", vit.toString(), "--device", "cpu", "--format", "json", "--methods",
                "random", mixed.toString());
        assertEquals(Cli.EXIT_SOME_FAILED, partly.exit(), partly.err());
        JsonNode j = new ObjectMapper().readTree(partly.out());
        assertEquals(1, j.get("images").asInt());
        assertTrue(j.get("errors").get(0).get("file").asText().endsWith("b.png"));
    }
}
