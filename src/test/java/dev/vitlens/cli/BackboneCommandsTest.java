package dev.vitlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelDirectories;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.explain.AttentionRollout;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.Query;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.OrtModels;
import dev.vitlens.testing.TinyVitExport;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A head-less backbone (ViT in21k style) imported, embedded, refused by classify, and explained by rollout. */
class BackboneCommandsTest {
    @TempDir
    Path tmp;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path image;

    @BeforeEach
    void setUp() throws Exception {
        System.setProperty(ModelDirectories.USER_DIR_PROPERTY, tmp.resolve("user").toString());
        System.setProperty(ModelDirectories.MODELS_DIR_PROPERTY, Files.createDirectories(tmp.resolve("bundled"))
                .toString());
        Path export = new TinyVitExport().backbone(true).writeFolder(tmp.resolve("vit-in21k"));
        assertEquals(0, run("import", export.toString(), "--format", "json"), err.toString());
        BufferedImage img = new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 50; x++) {
                img.setRGB(x, y, (x * 5) << 16 | (y * 6) << 8 | ((x * y) & 0xff));
            }
        }
        image = tmp.resolve("img.png");
        ImageIO.write(img, "png", image.toFile());
        out = new StringWriter();
        err = new StringWriter();
    }

    @AfterEach
    void clear() {
        System.clearProperty(ModelDirectories.USER_DIR_PROPERTY);
        System.clearProperty(ModelDirectories.MODELS_DIR_PROPERTY);
    }

    private int run(String... args) {
        CommandLine cl = Cli.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void embedPrintsTheClsTokenAndThePooledOutput() throws Exception {
        assertEquals(0, run("embed", "-m", "vit-in21k", "--device", "cpu", image.toString()), err.toString());
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals("vit-in21k", json.get("model").asText());
        float[] cls = floats(json.get("cls"));
        float[] pooled = floats(json.get("pooled"));
        assertEquals(16, cls.length);
        assertEquals(16, pooled.length);

        // Same numbers as running the graph directly on the HF-preprocessed image.
        ModelInfo info = ModelCatalog.standard().find("vit-in21k").orElseThrow().require();
        float[] pixels = Preprocessor.forModel(info).toArray(ImageDecoder.decode(image).image());
        Map<String, OrtModels.Tensor> ref = OrtModels.run(info.modelFile(), pixels, new long[] {1, 3, 32, 32},
                Set.of("last_hidden_state", "pooler_output"));
        assertArrayEquals(java.util.Arrays.copyOf(ref.get("last_hidden_state").values(), 16), cls, 1e-5f);
        assertArrayEquals(ref.get("pooler_output").values(), pooled, 1e-5f);
    }

    @Test
    void classifySaysThereIsNoClassificationHead() {
        assertEquals(Cli.EXIT_USAGE, run("classify", "-m", "vit-in21k", "--device", "cpu", image.toString()));
        assertTrue(err.toString().contains("model \"vit-in21k\" has no classification head")
                && err.toString().contains("vitlens embed -m vit-in21k IMAGE"), err.toString());
    }

    @Test
    void embedRefusesAClassifierExport() throws Exception {
        Path export = new TinyVitExport().writeFolder(tmp.resolve("vit-cls"));
        assertEquals(0, run("import", export.toString()));
        err.getBuffer().setLength(0);
        assertEquals(Cli.EXIT_USAGE, run("embed", "-m", "vit-cls", image.toString()));
        assertTrue(err.toString().contains("outputs no embedding"), err.toString());
    }

    @Test
    void rolloutWorksWithoutAHead() throws Exception {
        ModelInfo info = ModelCatalog.standard().find("vit-in21k").orElseThrow().require();
        try (ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(dev.vitlens.inference.Device.CPU))) {
            FloatBuffer input = Preprocessor.forModel(info).process(ImageDecoder.decode(image).image());
            ModelRunner.Output output = runner.run(input, 1, true);
            assertNull(output.logits());
            HeatGrid map = AttentionRollout.standard().compute(output.attentions()[0], info.layout(), info.family(),
                    Query.AUTO);
            assertEquals(4, map.height());
            assertTrue(map.max() > map.min());
        }
    }

    @Test
    void explainGivesARolloutMapWithoutTopLabelsAndRefusesOcclusion() throws Exception {
        assertEquals(0, run("explain", "-m", "vit-in21k", "--device", "cpu", "--format", "json", image.toString()),
                err.toString());
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertEquals(0, json.get("top").size());
        assertEquals("rollout", json.get("method").asText());
        assertEquals(16, json.get("heatmap").size()); // 4x4 patches
        err.getBuffer().setLength(0);
        assertEquals(Cli.EXIT_USAGE, run("explain", "-m", "vit-in21k", "--method", "occlusion", image.toString()));
        assertTrue(err.toString().contains("has no classification head"), err.toString());
    }

    @Test
    void faithfulnessRefusesABackboneInOneLine() {
        assertEquals(Cli.EXIT_USAGE, run("faithfulness", "-m", "vit-in21k", "--device", "cpu", image.toString()));
        assertEquals("error: faithfulness tracks class probabilities, and model \"vit-in21k\" has no classification"
                + " head", err.toString().strip());
    }

    private static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }
}
