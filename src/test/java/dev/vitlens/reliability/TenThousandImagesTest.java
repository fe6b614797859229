package dev.vitlens.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.evaluate.EvaluationReport;
import dev.vitlens.evaluate.EvaluationSet;
import dev.vitlens.evaluate.Evaluator;
import dev.vitlens.fewshot.FeatureExtractor;
import dev.vitlens.fewshot.FewShotTrainer;
import dev.vitlens.fewshot.TrainingSet;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.LabelledFolders;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 images through evaluate and few-shot training (issue 19): progress reported for every image in order, and
 * cancel stops the run promptly, mid-folder, with nothing returned. Tiny 8x8 PNGs on a tiny model keep it to
 * seconds; the per-image bookkeeping is what is under test.
 */
class TenThousandImagesTest {
    private static final int PER_CLASS = 5_000;

    @TempDir
    static Path tmp;
    static Path data;
    static ModelInfo model;

    @BeforeAll
    static void writeImages() throws Exception {
        model = ModelFolder.load(LabelledFolders.writeModel(tmp.resolve("tiny")));
        data = tmp.resolve("data");
        String[] classes = {"bag", "sneaker"};
        for (int c = 0; c < classes.length; c++) {
            Path dir = Files.createDirectories(data.resolve(classes[c]));
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    img.setRGB(x, y, c == 0 ? 0x2080ff : 0x20ff20);
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);
            byte[] bytes = png.toByteArray();
            for (int i = 0; i < PER_CLASS; i++) {
                Files.write(dir.resolve(String.format("%05d.png", i)), bytes);
            }
        }
    }

    @Test
    void evaluateReportsEveryImageAndCancelsMidway() throws Exception {
        EvaluationSet set = EvaluationSet.scan(data, model.labels());
        assertEquals(2 * PER_CLASS, set.imageCount());
        try (ModelSession session = ModelSession.forClassification(model, RunnerOptions.on(Device.CPU))) {
            AtomicInteger last = new AtomicInteger();
            EvaluationReport report = new Evaluator(64).evaluate(set, Evaluator.classifier(session),
                    (done, total, file) -> {
                        assertEquals(last.get() + 1, done, "progress in order, one step per image");
                        assertEquals(2 * PER_CLASS, total);
                        last.set(done);
                    }, () -> false);
            assertEquals(2 * PER_CLASS, last.get());
            assertEquals(2 * PER_CLASS, report.images());

            AtomicInteger seen = new AtomicInteger();
            assertThrows(CancellationException.class, () -> new Evaluator(64).evaluate(set,
                    Evaluator.classifier(session), (done, total, file) -> seen.set(done), () -> seen.get() >= 7_000));
            assertEquals(7_000, seen.get(), "stops at the first check after cancel, not at the end");
        }
    }

    @Test
    void fewShotTrainingReportsEveryImageAndCancelsMidway() throws Exception {
        TrainingSet set = TrainingSet.scan(data, 0, 1);
        assertEquals(2 * PER_CLASS, set.size());
        try (FeatureExtractor fx = FeatureExtractor.open(model, RunnerOptions.on(Device.CPU),
                new AttentionModelCache(tmp.resolve("cache")))) {
            List<Integer> steps = new ArrayList<>();
            assertThrows(CancellationException.class, () -> FewShotTrainer.train(fx, set,
                    (done, total, name) -> steps.add(done), () -> steps.size() >= 6_000));
            assertEquals(6_000, steps.size());
            for (int i = 0; i < steps.size(); i++) {
                assertEquals(i + 1, (int) steps.get(i));
            }
            long start = System.nanoTime();
            var result = FewShotTrainer.train(fx, set, null, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(2 * PER_CLASS, result.size());
            assertTrue(result.looAccuracy() > 0.99, "one colour per class: " + result.looAccuracy());
            System.out.printf("few-shot on %d images: %.1f s%n", result.size(), seconds);
        }
    }
}
