package dev.vitlens.inference;

import dev.vitlens.engine.ModelSession;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled models (branch models) against their PyTorch reference fixtures and the Fashion-MNIST samples.
 * Skips with a message while a model or its fixtures are not in the tree yet.
 */
class BundledModelsTest {
    static final double LOGIT_TOLERANCE = 1e-4;
    static final double ATTENTION_TOLERANCE = 1e-4;
    static final double PIXEL_TOLERANCE = 1e-6;
    static final int MAX_SAMPLE_MISSES = 1;

    static ModelInfo modelOrSkip(String id) throws Exception {
        Path dir = Paths.get("models", id);
        assumeTrue(Files.isRegularFile(dir.resolve("model.onnx")), "bundled model " + dir + " not present yet");
        return ModelFolder.load(dir);
    }

    static JsonNode fixturesOrSkip(String id) throws IOException {
        Path file = Paths.get("src/test/resources/fixtures", id, "fixtures.json");
        assumeTrue(Files.isRegularFile(file), "fixtures " + file + " not present yet");
        return new ObjectMapper().readTree(file.toFile());
    }

    static float[] f32(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.capacity() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** ORT through ModelRunner vs PyTorch: logits and every attention map, all cases in one batch. */
    @ParameterizedTest
    @ValueSource(strings = {"beit-fashion", "vit-fashion", "deit-mask"})
    void onnxRuntimeMatchesPyTorch(String id) throws Exception {
        ModelInfo info = modelOrSkip(id);
        JsonNode fx = fixturesOrSkip(id);
        Path dir = Paths.get("src/test/resources/fixtures", id);
        List<JsonNode> cases = new ArrayList<>();
        fx.get("cases").forEach(cases::add);
        int per = 3 * info.inputHeight() * info.inputWidth();
        FloatBuffer batch = FloatBuffer.allocate(cases.size() * per);
        for (JsonNode c : cases) {
            batch.put(f32(dir.resolve(c.get("pixel_values").asText())));
        }
        batch.flip();
        try (ModelRunner runner = ModelRunner.open(info, RunnerOptions.on(Device.CPU))) {
            ModelRunner.Output out = runner.run(batch, cases.size(), true);
            double worstLogit = 0;
            double worstAttention = 0;
            for (int i = 0; i < cases.size(); i++) {
                JsonNode c = cases.get(i);
                float[] ref = f32(dir.resolve(c.get("logits").asText()));
                for (int j = 0; j < ref.length; j++) {
                    worstLogit = Math.max(worstLogit, Math.abs(ref[j] - out.logits()[i][j]));
                }
                assertEquals(c.get("argmax").asInt(), argmax(out.logits()[i]), c.get("name").asText());
                if (out.hasAttentions()) {
                    float[] att = f32(dir.resolve(c.get("attentions").asText()));
                    int k = 0;
                    for (float[][][] layer : out.attentions()[i]) {
                        for (float[][] head : layer) {
                            for (float[] row : head) {
                                for (float v : row) {
                                    worstAttention = Math.max(worstAttention, Math.abs(att[k++] - v));
                                }
                            }
                        }
                    }
                    assertEquals(att.length, k, "attention values");
                }
            }
            System.out.printf(Locale.ROOT, "%s: ORT vs PyTorch max |dlogits| %.2e, max |dattn| %.2e over %d cases%n",
                    id, worstLogit, worstAttention, cases.size());
            assertTrue(worstLogit <= LOGIT_TOLERANCE, "max |dlogits| " + worstLogit);
            assertTrue(worstAttention <= ATTENTION_TOLERANCE, "max |dattn| " + worstAttention);
        }
    }

    /** Our decoder + preprocessing on the fixture source images reproduces PyTorch's pixel_values and logits. */
    @ParameterizedTest
    @ValueSource(strings = {"beit-fashion", "vit-fashion", "deit-mask"})
    void endToEndFromImageFiles(String id) throws Exception {
        ModelInfo info = modelOrSkip(id);
        JsonNode fx = fixturesOrSkip(id);
        Path dir = Paths.get("src/test/resources/fixtures", id);
        Preprocessor pre = Preprocessor.forModel(info);
        try (ModelSession classifier = ModelSession.forClassification(info, RunnerOptions.on(Device.CPU))) {
            for (JsonNode c : fx.get("cases")) {
                Path source = Paths.get(c.get("source").get("path").asText());
                float[] ours = pre.toArray(ImageDecoder.decode(source).image());
                float[] ref = f32(dir.resolve(c.get("pixel_values").asText()));
                double worst = 0;
                for (int i = 0; i < ref.length; i++) {
                    worst = Math.max(worst, Math.abs(ref[i] - ours[i]));
                }
                assertTrue(worst <= PIXEL_TOLERANCE, source + ": max |dpixel| " + worst);
                float[] logits = classifier.runner().logits(FloatBuffer.wrap(ours), 1)[0];
                float[] refLogits = f32(dir.resolve(c.get("logits").asText()));
                for (int j = 0; j < refLogits.length; j++) {
                    assertEquals(refLogits[j], logits[j], LOGIT_TOLERANCE, source + " logit " + j);
                }
            }
        }
    }

    /**
     * The Fashion-MNIST samples are classified as the label in their file name. The models are ~85% accurate
     * on the test set, so one miss in twelve is tolerated (beit-fashion calls fashion-0006-coat a Shirt); the
     * exact agreement with PyTorch is checked by the fixture tests above.
     */
    @ParameterizedTest
    @ValueSource(strings = {"beit-fashion", "vit-fashion"})
    void fashionSamplesGetTheirLabels(String id) throws Exception {
        ModelInfo info = modelOrSkip(id);
        List<Path> samples;
        try (Stream<Path> s = Files.list(Paths.get("assets/samples"))) {
            samples = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assumeTrue(!samples.isEmpty(), "no samples in assets/samples");
        List<String> wrong = new ArrayList<>();
        try (ModelSession classifier = ModelSession.forClassification(info, RunnerOptions.on(Device.CPU))) {
            for (Path sample : samples) {
                String expected = sample.getFileName().toString().replaceFirst("^fashion-\\d+-", "")
                        .replaceFirst("\\.png$", "");
                String got = classifier.classify(sample, 1).top().get(0).label();
                if (!slug(got).equals(expected)) {
                    wrong.add(sample.getFileName() + " -> " + got);
                }
            }
        }
        System.out.println(id + ": " + (samples.size() - wrong.size()) + "/" + samples.size()
                + " samples correct " + wrong);
        assertTrue(wrong.size() <= MAX_SAMPLE_MISSES, id + " misclassified " + wrong);
    }

    static String slug(String label) {
        return label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
