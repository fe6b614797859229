package dev.vitlens.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.vitlens.testing.LabelledFolders.GREEN;
import static dev.vitlens.testing.LabelledFolders.LABELS;
import static dev.vitlens.testing.LabelledFolders.MAGENTA;
import static dev.vitlens.testing.LabelledFolders.ORANGE;
import static dev.vitlens.testing.LabelledFolders.RED;
import static dev.vitlens.testing.LabelledFolders.SKY;
import static dev.vitlens.testing.LabelledFolders.VIOLET;
import static dev.vitlens.testing.LabelledFolders.expectedTop1;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Classification;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.LabelledFolders;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation on a real (tiny) ONNX classifier whose answer can be worked out by hand ({@link LabelledFolders}).
 * Folders hold some images of the "wrong" colour, so the matrix has off-diagonal
 * counts, and a broken file in the middle.
 */
class EvaluatorTest {
    @TempDir
    static Path tmp;
    static ModelInfo model;
    static ModelSession session;
    static Path data;
    /** file -> true label index, in the order the evaluator visits them. */
    static final Map<Path, Integer> truth = new LinkedHashMap<>();
    static final Map<Path, Color> colours = new LinkedHashMap<>();
    static Path broken;

    @BeforeAll
    static void setUp() throws Exception {
        model = ModelFolder.load(LabelledFolders.writeModel(tmp.resolve("tiny")));
        assertEquals(LABELS, model.labels());
        session = ModelSession.forClassification(model, RunnerOptions.on(Device.CPU));

        data = tmp.resolve("data");
        image("t_shirt_top/m3.png", MAGENTA, 0);
        broken = data.resolve("t_shirt_top/n-broken.png");
        Files.writeString(broken, "not a PNG at all");
        image("t_shirt_top/o1.png", ORANGE, 0);
        image("t_shirt_top/r2.png", RED, 0);
        image("ankle_boot/g2.png", GREEN, 1);
        image("ankle_boot/p1.png", VIOLET, 1);
        image("bag/a.png", SKY, 2);
        image("bag/b.png", SKY, 2);
        image("bag/c.png", MAGENTA, 2);
        image("cats/x.png", RED, -1);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    static void image(String relative, Color colour, int label) throws Exception {
        Path file = LabelledFolders.writeImage(data.resolve(relative), colour);
        if (label >= 0) {
            truth.put(file, label);
            colours.put(file, colour);
        }
    }

    @Test
    void theColoursMeanWhatTheTestSays() {
        assertEquals(List.of(0, 0, 1, 1, 2, 3), List.of(expectedTop1(ORANGE), expectedTop1(RED),
                expectedTop1(MAGENTA), expectedTop1(VIOLET), expectedTop1(SKY), expectedTop1(GREEN)));
    }

    @Test
    void confusionAccuracyAndPerClassMetricsMatchTheHandComputation() throws Exception {
        EvaluationSet set = EvaluationSet.scan(data, model.labels());
        List<int[]> progress = new ArrayList<>();
        EvaluationReport report = new Evaluator(4).evaluate(set, Evaluator.classifier(session),
                (done, total, file) -> progress.add(new int[] {done, total}), () -> false);

        // Matrix labels: the three class folders plus Sneaker, which only appears as a prediction.
        assertEquals(LABELS, report.labels());
        assertEquals(List.of(true, true, true, false), java.util.stream.IntStream.range(0, 4)
                .mapToObj(report::evaluated).toList());
        int[][] expected = new int[4][4];
        int correct = 0;
        for (Map.Entry<Path, Integer> e : truth.entrySet()) {
            int predicted = expectedTop1(colours.get(e.getKey()));
            expected[e.getValue()][predicted]++;
            correct += predicted == e.getValue() ? 1 : 0;
        }
        assertArrayEquals(expected, report.confusion());
        // By hand, too: T-shirt/top 2 right + 1 as Ankle boot; Ankle boot 1 right + 1 as Sneaker; Bag 2 + 1 Ankle boot.
        assertArrayEquals(new int[][] {{2, 1, 0, 0}, {0, 1, 0, 1}, {0, 1, 2, 0}, {0, 0, 0, 0}}, report.confusion());
        assertEquals(8, report.images());
        assertEquals(correct, report.correct());
        assertEquals(5.0 / 8, report.accuracy(), 1e-12);

        List<EvaluationReport.ClassMetrics> metrics = report.perClass();
        assertEquals(List.of(3, 2, 3, 0), metrics.stream().map(EvaluationReport.ClassMetrics::support).toList());
        assertEquals(2.0 / 2, metrics.get(0).precision(), 1e-12);
        assertEquals(2.0 / 3, metrics.get(0).recall(), 1e-12);
        assertEquals(1.0 / 3, metrics.get(1).precision(), 1e-12, "Ankle boot was predicted 3 times, once right");
        assertEquals(1.0 / 2, metrics.get(1).recall(), 1e-12);
        assertEquals(1.0, metrics.get(2).precision(), 1e-12);
        assertEquals(0.0, metrics.get(3).precision(), 1e-12, "Sneaker predicted once, never right");
        assertTrue(Double.isNaN(metrics.get(3).recall()), "no Sneaker images: recall undefined");

        // The broken file in the middle is reported and the files after it still ran.
        assertEquals(1, report.errors().size());
        assertEquals(broken, report.errors().get(0).file());
        assertTrue(report.errors().get(0).message().contains("n-broken.png"), report.errors().get(0).message());
        assertEquals(List.of(data.resolve("cats")), report.unmatchedFolders());
        assertEquals(3, report.misclassified().size());
        assertEquals(List.of(data.resolve("t_shirt_top/m3.png")), report.filesIn(0, 1));
        assertEquals(List.of(data.resolve("bag/a.png"), data.resolve("bag/b.png")), report.filesIn(2, 2));
        assertEquals(List.of(data.resolve("ankle_boot/g2.png")), report.filesIn(1, 3));

        // Progress: once per file, broken one included, ending at the total.
        assertEquals(9, progress.size());
        for (int i = 0; i < progress.size(); i++) {
            assertArrayEquals(new int[] {i + 1, 9}, progress.get(i));
        }
    }

    @Test
    void everyBatchSizeGivesTheScoresOfOneByOneClassification() throws Exception {
        EvaluationSet set = EvaluationSet.scan(data, model.labels());
        Map<Path, Classification> single = new LinkedHashMap<>();
        for (Path file : truth.keySet()) {
            single.put(file, session.classify(file, 1));
        }
        for (int batch : new int[] {1, 2, 3, 32}) {
            EvaluationReport report = new Evaluator(batch).evaluate(set, Evaluator.classifier(session), null, null);
            assertEquals(List.copyOf(truth.keySet()), report.results().stream().map(EvaluationReport.ImageResult::file)
                    .toList(), "batch " + batch);
            for (EvaluationReport.ImageResult r : report.results()) {
                Classification one = single.get(r.file());
                assertEquals(one.top().get(0).index(), r.predictedIndex(), r.file() + " batch " + batch);
                assertEquals(one.top().get(0).score(), r.score(), 1e-6, r.file() + " batch " + batch);
                assertEquals(one.probabilities()[truth.get(r.file())], r.trueScore(), 1e-6);
                assertEquals(truth.get(r.file()), r.trueIndex());
            }
            assertEquals(batch, report.batchSize());
        }
    }

    @Test
    void cancellingStopsTheRunAtOnce() throws Exception {
        EvaluationSet set = EvaluationSet.scan(data, model.labels());
        AtomicInteger seen = new AtomicInteger();
        AtomicInteger batches = new AtomicInteger();
        Evaluator.Classifier counting = new Evaluator.Classifier() {
            final Evaluator.Classifier real = Evaluator.classifier(session);

            @Override
            public String modelId() {
                return real.modelId();
            }

            @Override
            public int neededShortSide() {
                return real.neededShortSide();
            }

            @Override
            public List<Classification> classifyBatch(List<dev.vitlens.imaging.RgbImage> images)
                    throws dev.vitlens.inference.InferenceException {
                batches.incrementAndGet();
                return real.classifyBatch(images);
            }
        };
        assertThrows(CancellationException.class, () -> new Evaluator(2).evaluate(set, counting,
                (done, total, file) -> seen.incrementAndGet(), () -> seen.get() >= 3));
        assertEquals(3, seen.get(), "no image after the cancel was looked at");
        assertEquals(1, batches.get(), "only the batch completed before the cancel ran");
    }

    @Test
    void aBatchSizeBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(0));
    }
}
