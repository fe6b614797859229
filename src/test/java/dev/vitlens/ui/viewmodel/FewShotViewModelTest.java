package dev.vitlens.ui.viewmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.fewshot.FewShotResult;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.ui.viewmodel.FewShotViewModel.ClassItem;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Few-shot page's logic without FX: classes built from files, folders, pastes and snapshots; the real
 * training on the fake backend's tiny ViT; out-of-date results; saving; and the messages for bad input.
 */
class FewShotViewModelTest {
    @TempDir
    Path dir;

    private Path png(String relative, Color colour, int seed) throws Exception {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, 32, 32);
        g.setColor(Color.GRAY);
        g.fillRect(seed * 3, seed * 2, 6, 6); // a little difference between images of a class
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    private static Notice last(ViewModelFixture f) {
        List<Notice> all = f.workbench.notices();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    @Test
    void buildsClassesFitsSavesAndSelectsTheNewModel() throws Exception {
        for (int i = 0; i < 3; i++) {
            png("data/red/r" + i + ".png", Color.RED, i);
            png("data/blue/b" + i + ".png", Color.BLUE, i);
        }
        Files.writeString(dir.resolve("data/red/notes.txt"), "not an image");
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            FewShotViewModel fs = f.workbench.fewShot();
            fs.backboneProperty().set(FakeBackend.entry("vit"));

            fs.addClassFolders(dir.resolve("data"));
            assertEquals(List.of("blue", "red"), fs.classes().stream().map(c -> c.nameProperty().get()).toList());
            assertEquals(3, fs.classes().get(1).examples().size(), "the text file is not an image");

            ClassItem green = fs.addClass();
            green.nameProperty().set("green");
            fs.addFiles(green, List.of(png("g/g0.png", Color.GREEN, 0), png("g/g1.png", Color.GREEN, 1),
                    dir.resolve("data/red/notes.txt")));
            assertEquals(2, green.examples().size());
            assertEquals(Notice.Severity.WARNING, last(f).severity());
            assertTrue(last(f).message().contains("notes.txt is not an image file"), last(f).message());

            fs.fit();
            FewShotResult result = fs.resultProperty().get();
            assertNotNull(result, fs.statusProperty().get());
            assertEquals(List.of("blue", "red", "green"), result.labels());
            assertEquals(8, result.size());
            assertFalse(fs.staleProperty().get());
            assertTrue(fs.statusProperty().get().startsWith("Leave-one-out accuracy "), fs.statusProperty().get());
            assertFalse(fs.runningProperty().get());

            // renaming a class makes the shown result out of date; saving is refused until fitted again
            green.nameProperty().set("lime");
            assertTrue(fs.staleProperty().get());
            fs.save("Colours");
            assertEquals("Fit first", last(f).title());
            assertFalse(f.backend.calls.contains("save fewshot colours"));

            fs.fit();
            assertEquals("lime", fs.resultProperty().get().labels().get(2));
            fs.save("Colours");
            assertTrue(f.backend.calls.contains("save fewshot colours"), f.backend.calls.toString());
            assertEquals("colours", f.session().selectedModelProperty().get().id(), "the new model is selected");
            assertEquals(Notice.Severity.SUCCESS, last(f).severity());
        }
    }

    @Test
    void badClassesAreExplainedBeforeAnyWork() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            FewShotViewModel fs = f.workbench.fewShot();
            fs.backboneProperty().set(FakeBackend.entry("vit"));
            ClassItem a = fs.addClass();
            fs.fit();
            assertTrue(fs.statusProperty().get().contains("only one class"), fs.statusProperty().get());

            ClassItem b = fs.addClass();
            fs.addFiles(a, List.of(png("a.png", Color.RED, 0)));
            fs.fit();
            assertTrue(fs.statusProperty().get().contains("class \"" + b.nameProperty().get() + "\" has no images"),
                    fs.statusProperty().get());

            b.nameProperty().set(a.nameProperty().get().toUpperCase());
            fs.addFiles(b, List.of(png("b.png", Color.BLUE, 0)));
            fs.fit();
            assertTrue(fs.statusProperty().get().contains("have the same name"), fs.statusProperty().get());
            assertFalse(f.backend.calls.stream().anyMatch(c -> c.startsWith("fewshot")), "nothing was run");
            assertNull(fs.resultProperty().get());

            // one image per class: fits, says the accuracy cannot be measured
            b.nameProperty().set("other");
            fs.fit();
            assertNotNull(fs.resultProperty().get());
            assertTrue(fs.statusProperty().get().contains("not measurable"), fs.statusProperty().get());
            assertEquals("n/a (1 image)", FewShotViewModel.classAccuracy(fs.resultProperty().get(), 0));
        }
    }

    @Test
    void aBrokenBackboneIsReported() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            FewShotViewModel fs = f.workbench.fewShot();
            fs.backboneProperty().set(FakeBackend.entry("broken"));
            fs.fit();
            assertEquals("No backbone", last(f).title());
            assertTrue(last(f).message().contains("unavailable"), last(f).message());
        }
    }

    @Test
    void snapshotsAndPastesBecomeExamplesAndAMissingCameraIsExplained() throws Exception {
        try (ViewModelFixture f = new ViewModelFixture(dir)) {
            f.workbench.start(List.of());
            FewShotViewModel fs = f.workbench.fewShot();
            ClassItem item = fs.addClass();

            fs.snapshot(item);
            assertEquals("No camera picture", last(f).title());
            assertTrue(last(f).message().contains("No camera"), last(f).message());
            assertTrue(item.examples().isEmpty());

            f.backend.camera = RgbImage.blank(64, 48);
            fs.snapshot(item);
            assertEquals(1, item.examples().size());
            assertEquals("snapshot 2", item.examples().get(0).name());

            fs.paste(item, List.of(), new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB));
            assertEquals(2, item.examples().size());
            fs.paste(item, List.of(), null);
            assertEquals("Nothing to paste", last(f).title());

            fs.removeExample(item, item.examples().get(0));
            assertEquals(1, item.examples().size());
            fs.removeClass(item);
            assertTrue(fs.classes().isEmpty());
        }
    }
}
