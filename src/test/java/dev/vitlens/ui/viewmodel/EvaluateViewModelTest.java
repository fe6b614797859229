package dev.vitlens.ui.viewmodel;

import dev.vitlens.evaluate.EvaluationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javafx.beans.property.SimpleObjectProperty;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluate Folder over the fake backend (real folder listing and evaluator, the fake's width rule as the model:
 * an image w pixels wide is class (w-1)%3), with no FX toolkit.
 */
class EvaluateViewModelTest {

    @TempDir
    Path dir;

    /** A real PNG {@code width} pixels wide, so the fake model calls it class (width-1)%3. */
    private Path png(String relative, int width) throws Exception {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(width, 4, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
        return file;
    }

    /** class0: 2 right + 1 called class1; class1: 2 right and a broken file; class2: 1 right; dogs: unmatched. */
    private Path labelledFolder() throws Exception {
        png("data/class0/a.png", 1);
        png("data/class0/b.png", 4);
        png("data/class0/c.png", 2);
        png("data/CLASS1/d.png", 2);
        Files.writeString(dir.resolve("data/CLASS1/e-bad.png"), "not a png");
        png("data/CLASS1/f.png", 5);
        png("data/class2/g.png", 3);
        png("data/dogs/h.png", 3);
        return dir.resolve("data");
    }

    @Test
    void evaluatesTheChosenModelAndOpensACellInTheGallery() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            EvaluateViewModel evaluate = f.workbench.evaluate();
            List<Double> progress = new ArrayList<>();
            evaluate.progressProperty().addListener((obs, old, now) -> progress.add(now.doubleValue()));

            evaluate.evaluate(labelledFolder());

            EvaluationReport report = evaluate.reportProperty().get();
            assertEquals(List.of("class0", "class1", "class2"), report.labels());
            assertArrayEquals(new int[][] {{2, 1, 0}, {0, 2, 0}, {0, 0, 1}}, report.confusion());
            assertEquals(1, report.errors().size());
            assertFalse(evaluate.runningProperty().get());
            assertEquals("Fake ViT on data", evaluate.titleProperty().get());
            assertTrue(evaluate.statusProperty().get().startsWith("Accuracy 83.33% (5/6) \u00b7 1 not read"
                    + " \u00b7 1 folder matched no label \u00b7 "), evaluate.statusProperty().get());
            assertEquals(1.0, progress.get(progress.size() - 1), 1e-12);
            assertTrue(progress.size() >= 2 && progress.get(0) < 1, "progress before the end: " + progress);
            assertEquals(2.0 / 3, EvaluateViewModel.rowFraction(report, 0, 0), 1e-12);
            assertEquals(0, EvaluateViewModel.rowFraction(report, 2, 0), 1e-12);

            // The gallery shows the cell with the evaluated model, even after the user picked another.
            f.session().selectedModelProperty().set(FakeBackend.entry("plain"));
            evaluate.openCell(0, 1);
            assertEquals("vit", f.session().selectedModelProperty().get().id());
            assertEquals(List.of(dir.resolve("data/class0/c.png")),
                    f.workbench.gallery().items().stream().map(GalleryItem::file).toList());
            assertEquals("c.png", f.session().imageNameProperty().get(), "the cell's first image is shown");

            evaluate.openCell(1, 2);
            assertEquals(1, f.workbench.gallery().items().size(), "an empty cell leaves the gallery alone");
            Notice last = f.workbench.notices().get(f.workbench.notices().size() - 1);
            assertEquals("No class1 image was predicted as class2.", last.message());
            assertTrue(f.backend.calls.contains("evaluate vit data"));
        }
    }

    @Test
    void aFolderThatMatchesNoLabelIsANoticeListingTheLabels() throws Exception {
        png("other/cats/a.png", 1);
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            EvaluateViewModel evaluate = f.workbench.evaluate();
            evaluate.evaluate(dir.resolve("other"));
            assertNull(evaluate.reportProperty().get());
            assertFalse(evaluate.runningProperty().get());
            Notice last = f.workbench.notices().get(f.workbench.notices().size() - 1);
            assertEquals(Notice.Severity.ERROR, last.severity());
            assertTrue(last.message().contains("\"cats\"") && last.message().contains("\"class0\", \"class1\","
                    + " \"class2\""), last.message());
            assertTrue(evaluate.statusProperty().get().startsWith("Evaluation failed: no class folder"));
        }
    }

    @Test
    void cancellingMidwayShowsNothingOfTheRun() throws Exception {
        Path data = labelledFolder();
        // The worker holds the task until run below, as a real one would return at once from execute.
        Deque<Runnable> held = new ArrayDeque<>();
        List<Notice> notices = new ArrayList<>();
        EvaluateViewModel evaluate = new EvaluateViewModel(new FakeBackend(dir),
                new TaskExecutor(held::add, Runnable::run), new SimpleObjectProperty<>(FakeBackend.entry("vit")),
                files -> { }, notices::add);
        List<Double> seen = new ArrayList<>();
        evaluate.progressProperty().addListener((obs, old, now) -> {
            seen.add(now.doubleValue());
            if (now.doubleValue() >= 0.4 && now.doubleValue() < 1) {
                evaluate.cancel();
            }
        });
        evaluate.evaluate(data);
        held.removeFirst().run();
        assertNull(evaluate.reportProperty().get());
        assertFalse(evaluate.runningProperty().get());
        assertEquals("Cancelled at 43%", evaluate.statusProperty().get(), "3 of 7 files: " + seen);
        assertTrue(notices.isEmpty(), notices.toString());
        assertTrue(seen.stream().noneMatch(p -> p > 0.43), "no progress after the cancel: " + seen);
    }

    @Test
    void aCancelledQueuedRunNeverStarts() throws Exception {
        Path data = labelledFolder();
        Deque<Runnable> held = new ArrayDeque<>();
        FakeBackend backend = new FakeBackend(dir);
        List<Notice> notices = new ArrayList<>();
        EvaluateViewModel evaluate = new EvaluateViewModel(backend, new TaskExecutor(held::add, Runnable::run),
                new SimpleObjectProperty<>(FakeBackend.entry("vit")), files -> { }, notices::add);
        evaluate.evaluate(data);
        assertTrue(evaluate.runningProperty().get());
        evaluate.cancel();
        held.removeFirst().run();
        assertNull(evaluate.reportProperty().get());
        assertEquals("Cancelled at 0%", evaluate.statusProperty().get());
        assertFalse(backend.calls.stream().anyMatch(c -> c.startsWith("evaluate")), "the work never ran");
    }

    @Test
    void anUnavailableModelIsRefusedAtOnce() throws Exception {
        List<Notice> notices = new ArrayList<>();
        EvaluateViewModel evaluate = new EvaluateViewModel(new FakeBackend(dir), TaskExecutor.direct(),
                new SimpleObjectProperty<>(FakeBackend.entry("broken")), files -> { }, notices::add);
        evaluate.evaluate(dir);
        assertEquals("Broken is unavailable: config.json: bad", notices.get(0).message());
        assertFalse(evaluate.runningProperty().get());
    }
}
