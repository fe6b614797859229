package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.engine.method.Parameter;
import dev.vitlens.explain.AttentionRollout;
import dev.vitlens.explain.HeadSelection;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.Query;
import dev.vitlens.explain.RawAttention;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.onnx.TinyVit;
import dev.vitlens.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplainCommandTest {
    @TempDir
    static Path tmp;
    static Path nativeModel;
    static Path plainModel;
    static Path image;
    static String oldCache;
    /** 32x32 input, 8-px patches: a 4x4 grid, CLS + 16 tokens, 2 layers of 2 heads. */
    static final TokenLayout LAYOUT = new TokenLayout(1, 4, 4, 8, 2, 2);


    @BeforeAll
    static void setUp() throws Exception {
        oldCache = System.getProperty(AttentionModelCache.DIR_PROPERTY);
        System.setProperty(AttentionModelCache.DIR_PROPERTY, tmp.resolve("cache").toString());
        nativeModel = TinyVit.forImages(5, 2, 2, 4, 32, 8).withNativeAttentions(true).writeFolder(tmp.resolve("vit-native"));
        plainModel = TinyVit.forImages(5, 2, 2, 4, 32, 8).withNativeAttentions(false).writeFolder(tmp.resolve("vit-plain"));
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(3);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | r.nextInt(256));
            }
        }
        image = tmp.resolve("photo.png");
        ImageIO.write(img, "png", image.toFile());
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

    static float[] heatmap(JsonNode n) {
        float[] v = new float[n.get("heatmap").size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) n.get("heatmap").get(i).asDouble();
        }
        return v;
    }

    static float[][][][] readDump(Path file) throws Exception {
        return new ObjectMapper().treeToValue(new ObjectMapper().readTree(file.toFile()).get("layers"), float[][][][].class);
    }

    @Test
    void rolloutOnALogitsOnlyModelEqualsTheNativeExport() throws Exception {
        JsonNode plain = json(run("explain", "-m", plainModel.toString(), "--device", "cpu", "--format", "json", image.toString()));
        JsonNode nat = json(run("explain", "-m", nativeModel.toString(), "--device", "cpu", "--format", "json", image.toString()));
        assertTrue(plain.get("attentions_added").asBoolean());
        assertFalse(nat.get("attentions_added").asBoolean());
        assertEquals("rollout", plain.get("method").asText());
        assertEquals(4, plain.get("grid").get(0).asInt());
        assertEquals(1, plain.get("prefix_tokens").asInt());
        assertEquals("cls", plain.get("settings").get("query").asText());
        float[] a = heatmap(plain);
        float[] b = heatmap(nat);
        assertEquals(16, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-6f);
        }
        assertEquals(nat.get("top").get(0).get("index").asInt(), plain.get("top").get(0).get("index").asInt());

        // the derived model is cached once and reused; the user's folder is untouched
        json(run("explain", "-m", plainModel.toString(), "--device", "cpu", "--format", "json", image.toString()));
        try (Stream<Path> cached = Files.list(tmp.resolve("cache"))) {
            assertEquals(1, cached.filter(p -> !p.getFileName().toString().startsWith(".")).count());
        }
        try (Stream<Path> files = Files.list(plainModel)) {
            assertEquals(3, files.count());
        }
    }

    @Test
    void rolloutHeatmapIsTheRolloutOfTheDumpedAttentions() throws Exception {
        Path dump = tmp.resolve("att.json");
        JsonNode r = json(run("explain", "-m", plainModel.toString(), "--device", "cpu", "--format", "json",
                "--fusion", "max", "--discard", "0.5", "--dump-attentions", dump.toString(), image.toString()));
        float[][][][] att = readDump(dump);
        assertEquals(2, att.length);
        assertEquals(2, att[0].length);
        assertEquals(17, att[0][0].length);
        double rowSum = 0;
        for (float v : att[1][1][5]) {
            rowSum += v;
        }
        assertEquals(1.0, rowSum, 1e-5);
        HeatGrid expected = new AttentionRollout(dev.vitlens.explain.HeadFusion.MAX, 0.5).compute(att, LAYOUT, Family.VIT, Query.CLS);
        float[] actual = heatmap(r);
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected.values()[i], actual[i], 1e-6f);
        }
    }

    @Test
    void rawAttentionForOneHeadAndPatchQuery() throws Exception {
        Path dump = tmp.resolve("att-raw.json");
        JsonNode r = json(run("explain", "-m", nativeModel.toString(), "--device", "cpu", "--format", "json",
                "--method", "attention", "--layer", "0", "--head", "1", "--query", "patch:3",
                "--dump-attentions", dump.toString(), image.toString()));
        assertEquals("attention", r.get("method").asText());
        assertEquals(0, r.get("settings").get("layer").asInt());
        HeatGrid expected = RawAttention.compute(readDump(dump), LAYOUT, Family.VIT, 0, HeadSelection.head(1), new Query.Patch(3));
        float[] actual = heatmap(r);
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected.values()[i], actual[i], 1e-7f);
        }
    }

    @Test
    void occlusionReportsItsCost() throws Exception {
        JsonNode r = json(run("explain", "-m", nativeModel.toString(), "--device", "cpu", "--format", "json",
                "--method", "occlusion", "--window", "2", "--stride", "2", "--batch-size", "2", image.toString()));
        assertEquals("occlusion", r.get("method").asText());
        assertEquals(5, r.get("settings").get("forward_passes").asInt()); // 2x2 windows + the unoccluded image
        assertEquals(3, r.get("settings").get("batches").asInt());
        assertEquals(r.get("top").get(0).get("index").asInt(), r.get("settings").get("target_class").asInt());
        assertEquals(16, r.get("heatmap").size());
        // a 2x2 window's four patches share its drop
        float[] h = heatmap(r);
        assertEquals(h[0], h[1], 1e-7f);
        assertEquals(h[0], h[4], 1e-7f);
    }

    @Test
    void writesAnEnlargedOverlayAndReadableText() throws Exception {
        Path png = tmp.resolve("out/overlay.png");
        Run r = run("explain", "-m", nativeModel.toString(), "--device", "cpu", "--grid", "--colormap", "inferno",
                "--out", png.toString(), image.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("heatmap 4x4"), r.out());
        assertTrue(r.out().contains("strongest patches"), r.out());
        BufferedImage overlay = ImageIO.read(png.toFile());
        assertEquals(320, overlay.getWidth()); // 40x30 enlarged 8x so the short side reaches 224
        assertEquals(240, overlay.getHeight());
    }

    @Test
    void runsInAFreshJvmWithTheDefaultThreadStack() throws Exception {
        // ONNX Runtime's first initialisation needs more than the default 1 MB thread stack; without BigStack the
        // JVM dies with SIGSEGV (exit 139) before printing anything. Only a separate JVM can show that.
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                "-D" + AttentionModelCache.DIR_PROPERTY + "=" + tmp.resolve("cache-fresh-jvm"),
                "dev.vitlens.Launcher", "explain", "-m", plainModel.toString(), "--device", "cpu", "--format", "json",
                image.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("fresh-jvm.log").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "explain did not finish");
        String log = Files.readString(tmp.resolve("fresh-jvm.log"));
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("\"attentions_added\" : true"), log);
    }

    @Test
    void clearErrors() throws Exception {
        Run discard = run("explain", "-m", nativeModel.toString(), "--discard", "1.5", image.toString());
        assertEquals(2, discard.exit());
        assertTrue(discard.err().contains("--discard"), discard.err());

        Run dist = run("explain", "-m", nativeModel.toString(), "--device", "cpu", "--query", "dist", image.toString());
        assertEquals(2, dist.exit());
        assertTrue(dist.err().contains("distillation"), dist.err());

        Run jpg = run("explain", "-m", nativeModel.toString(), "--out", tmp.resolve("x.jpg").toString(), image.toString());
        assertEquals(2, jpg.exit());

        Run missing = run("explain", "-m", nativeModel.toString(), "--device", "cpu", tmp.resolve("nope.png").toString());
        assertEquals(1, missing.exit());

        Run layer = run("explain", "-m", nativeModel.toString(), "--device", "cpu", "--method", "attention", "--layer", "7", image.toString());
        assertEquals(2, layer.exit());
        assertTrue(layer.err().contains("--layer 7"), layer.err());

        // a logits-only model without attention structure: nothing to promote, and it says why
        Path noAttention = TinyModels.writeVitFolder(tmp.resolve("no-attention"), 28, 7, 4, 0, 0);
        Run none = run("explain", "-m", noAttention.toString(), "--device", "cpu", image.toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no attention Softmax found"), none.err());
        // ... but occlusion needs no attentions
        assertEquals(0, run("explain", "-m", noAttention.toString(), "--device", "cpu", "--method", "occlusion", image.toString()).exit());
    }

    @Test
    void methodsAndTheirOptionsComeFromTheRegistry() {
        CommandLine.Model.CommandSpec explain = Cli.newCommandLine().getSubcommands().get("explain").getCommandSpec();
        for (Parameter p : ExplanationMethods.allParameters()) {
            assertNotNull(explain.findOption("--" + p.name()), "--" + p.name());
        }
        List<String> candidates = new ArrayList<>();
        explain.findOption("--method").completionCandidates().forEach(candidates::add);
        assertEquals(ExplanationMethods.all().stream().map(ExplanationMethod::name).toList(), candidates);

        Run unknown = run("explain", "-m", nativeModel.toString(), "--method", "gradcam", image.toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("--method gradcam is unknown: expected rollout, attention, occlusion"),
                unknown.err());
    }

    @Test
    void rolloutStopsAtTheGivenLayer() throws Exception {
        Path dump = tmp.resolve("att-layer.json");
        JsonNode r = json(run("explain", "-m", nativeModel.toString(), "--device", "cpu", "--format", "json",
                "--layer", "0", "--dump-attentions", dump.toString(), image.toString()));
        assertEquals(0, r.get("settings").get("layer").asInt());
        float[][][][] firstLayer = {readDump(dump)[0]};
        HeatGrid expected = AttentionRollout.standard().compute(firstLayer, new TokenLayout(1, 4, 4, 8, 1, 2),
                Family.VIT, Query.CLS);
        float[] actual = heatmap(r);
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected.values()[i], actual[i], 1e-6f);
        }
    }
}
