package dev.vitlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.cli.Cli;
import dev.vitlens.testing.TinyModels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The harness end to end on a tiny in-code model: structure and correctness of the report, never timings. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void measuresEveryStageAndChecksOutputsAgainstUnoptimisedGraph() throws Exception {
        Path model = TinyModels.writeVitFolder(tmp.resolve("tiny"), 28, 7, 4, 2, 3);
        Path image = tmp.resolve("red.png");
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 40, 30);
        g.dispose();
        ImageIO.write(img, "png", image.toFile());
        Path plot = tmp.resolve("plot").resolve("stages.png");
        Path jsonFile = tmp.resolve("report.json");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("bench", "-m", model.toString(), "--image", image.toString(), "--iterations", "3",
                "--warmup", "1", "--batches", "1,2", "--format", "json", "--plot", plot.toString(), "--json-out",
                jsonFile.toString(), "--work-dir", tmp.resolve("work").toString(), "--int8");
        assertEquals(0, exit, err.toString());

        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertEquals(report, new ObjectMapper().readTree(Files.readString(jsonFile)));
        JsonNode m = report.get("models").get(0);
        assertEquals("tiny", m.get("id").asText());
        for (String stage : List.of("decode", "preprocess", "inference_logits", "bare_ort", "end_to_end",
                "twin_logits", "inference_attentions", "inference_head_means", "rollout", "rollout_head_means",
                "overlay", "batch_1", "batch_2", "int8_end_to_end", "int8_inference_logits")) {
            JsonNode s = m.get("stages").get(stage);
            assertTrue(s != null, "missing stage " + stage);
            assertEquals(stage.equals("batch_2") ? 3 : 3, s.get("n").asInt());
            assertTrue(s.get("medianMs").asDouble() > 0 && s.get("p95Ms").asDouble() >= s.get("medianMs").asDouble(),
                    stage + ": " + s);
        }
        assertTrue(m.get("throughput").has("1") && m.get("throughput").has("2"));
        assertTrue(m.get("ratios").get("end_to_end_over_bare_ort").asDouble() > 0);
        // ALL_OPT vs NO_OPT: same logits, attention probabilities and head means
        JsonNode check = m.get("outputCheck");
        assertTrue(check.get("logits").asDouble() < 1e-5, check.toString());
        assertTrue(check.get("attentions").asDouble() < 1e-6, check.toString());
        assertTrue(check.get("head_means").asDouble() < 1e-6, check.toString());
        assertEquals(4, m.get("top").size());
        assertEquals(1.0, m.get("int8").get("bench_image_same_top1").asDouble(), m.get("int8").toString());
        assertTrue(m.get("ratios").get("int8_speedup_inference").asDouble() > 0);
        // the explain twin lives in the work dir; the model folder is untouched
        try (var files = Files.list(model)) {
            assertEquals(3, files.count());
        }
        assertTrue(ImageIO.read(plot.toFile()).getWidth() > 0);
    }

    @Test
    void unknownModelIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.newCommandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertEquals(Cli.EXIT_USAGE, cl.execute("bench", "-m", tmp.resolve("nope").toString()));
        assertTrue(err.toString().contains("unknown model"), err.toString());
    }
}
