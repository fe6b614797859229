package dev.vitlens.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Classification;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.Scores;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.RunnerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Few-shot training on each bundled backbone (ViT, BEiT, DeiT with two heads), end to end: the saved model, run
 * through the ordinary classification path, computes exactly the fitted head on the backbone's features.
 */
class FewShotTrainerTest {
    @TempDir
    Path tmp;

    private static final Path SAMPLES = Path.of("assets", "samples");

    private static List<Example> samples(String... names) {
        List<Example> out = new ArrayList<>();
        for (String n : names) {
            out.add(Example.of(SAMPLES.resolve("fashion-" + n + ".png")));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-fashion", "beit-fashion", "deit-mask"})
    void theSavedModelComputesTheFittedHead(String id) throws Exception {
        Path dir = Path.of("models", id);
        assumeTrue(Files.isRegularFile(dir.resolve("model.onnx")), "bundled model " + dir + " not present");
        ModelInfo backbone = ModelFolder.load(dir);
        TrainingSet set = TrainingSet.of(List.of(
                new ClassExamples("footwear", samples("0000-ankle-boot", "0008-sandal", "0009-sneaker")),
                new ClassExamples("tops", samples("0001-pullover", "0004-shirt", "0006-coat", "0019-t-shirt-top")),
                new ClassExamples("other", samples("0002-trouser", "0013-dress", "0018-bag"))));
        AttentionModelCache cache = new AttentionModelCache(tmp.resolve("cache"));
        FewShotResult result;
        List<float[]> features = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        try (FeatureExtractor extractor = FeatureExtractor.open(backbone, RunnerOptions.defaults(), cache)) {
            List<Integer> counted = new ArrayList<>();
            result = FewShotTrainer.train(extractor, set, (done, total, name) -> counted.add(done), () -> false);
            assertEquals(10, counted.size());
            assertEquals(10, (int) counted.get(9));
            for (ClassExamples c : set.classes()) {
                for (Example e : c.examples()) {
                    RgbImage image = ImageDecoder.decode(e.file()).image();
                    images.add(image);
                    features.add(extractor.features(List.of(image))[0]);
                }
            }
        }
        int hidden = backbone.config().hiddenSize();
        assertEquals(backbone.family() == Family.DEIT ? 2 * hidden : hidden, result.featureWidth(),
                "DeiT reads [CLS] and [DIST] side by side");
        assertEquals(List.of("footwear", "tops", "other"), result.labels());

        Path saved = tmp.resolve(id + "-fewshot");
        FewShotModelWriter.write(result, backbone, saved, "");
        ModelInfo model = ModelFolder.load(saved);
        assertEquals(result.labels(), model.labels());
        assertEquals(backbone.family(), model.family());
        try (ModelSession session = ModelSession.forClassification(model, RunnerOptions.defaults())) {
            List<Classification> out = session.classifyBatch(images, 3);
            for (int i = 0; i < images.size(); i++) {
                float[] expected = Scores.softmax(result.head().scores(features.get(i)));
                float[] actual = out.get(i).probabilities();
                for (int k = 0; k < 3; k++) {
                    assertEquals(expected[k], actual[k], 1e-4, id + " image " + i + " class " + k);
                }
            }
            assertTrue(session.givesAttentions(), "the saved model keeps the backbone's attention outputs");
        }
    }
}
