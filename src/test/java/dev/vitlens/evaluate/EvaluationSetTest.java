package dev.vitlens.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing a labelled folder: which folders count, which are reported, which are errors. No model runs here. */
class EvaluationSetTest {
    static final List<String> LABELS = List.of("T-shirt/top", "Ankle boot", "Bag", "with_mask");

    @TempDir
    Path tmp;

    private Path file(String relative) throws Exception {
        Path f = tmp.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "only the name matters when listing");
        return f;
    }

    @Test
    void matchesFoldersListsImagesAndReportsTheRest() throws Exception {
        Path a = file("t_shirt_top/b.png");
        Path b = file("t_shirt_top/a.jpg");
        Path nested = file("t_shirt_top/more/c.PNG");
        file("t_shirt_top/notes.txt");
        file("t_shirt_top/.hidden/d.png");
        Path svg = file("ankle_boot/drawing.svg");
        Path boot = file("ankle_boot/x.webp");
        Files.createDirectories(tmp.resolve("bag"));
        file("dogs/e.png");
        file("loose.png");
        file(".cache/f.png");

        EvaluationSet set = EvaluationSet.scan(tmp, LABELS);

        assertEquals(List.of("T-shirt/top", "Ankle boot", "Bag"),
                set.classes().stream().map(EvaluationSet.ClassFolder::label).toList(), "label order");
        assertEquals(List.of(0, 1, 2), set.classes().stream().map(EvaluationSet.ClassFolder::labelIndex).toList());
        assertEquals(List.of(b, a, nested), set.classes().get(0).images(), "sorted, recursive, hidden folders skipped");
        assertEquals(List.of(boot), set.classes().get(1).images());
        assertEquals(List.of(tmp.resolve("bag")), set.emptyFolders());
        assertEquals(List.of(tmp.resolve("dogs")), set.unmatchedFolders(), ".cache is hidden, not unmatched");
        assertEquals(1, set.looseImages());
        assertEquals(1, set.unreadable().size());
        assertEquals(svg, set.unreadable().get(0).file());
        assertTrue(set.unreadable().get(0).message().contains("SVG"), set.unreadable().get(0).message());
        assertEquals(4, set.imageCount());
    }

    @Test
    void aLinkedClassFolderIsListedUnderItsOwnName() throws Exception {
        Path real = file("elsewhere/bag-images/one.png").getParent();
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createSymbolicLink(root.resolve("Bag"), real);
        EvaluationSet set = EvaluationSet.scan(root, LABELS);
        assertEquals(List.of(root.resolve("Bag").resolve("one.png")), set.classes().get(0).images());
    }

    @Test
    void twoFoldersForOneLabelAreAnError() throws Exception {
        file("t_shirt_top/a.png");
        file("T-Shirt Top/b.png");
        EvaluationException e = assertThrows(EvaluationException.class, () -> EvaluationSet.scan(tmp, LABELS));
        assertTrue(e.getMessage().contains("\"T-Shirt Top\" and \"t_shirt_top\"")
                && e.getMessage().contains("\"T-shirt/top\""), e.getMessage());
    }

    @Test
    void foldersThatMatchNoLabelAreAnErrorListingTheLabels() throws Exception {
        file("cats/a.png");
        file("dogs/b.png");
        EvaluationException e = assertThrows(EvaluationException.class, () -> EvaluationSet.scan(tmp, LABELS));
        assertTrue(e.getMessage().contains("\"cats\", \"dogs\""), e.getMessage());
        assertTrue(e.getMessage().contains("\"T-shirt/top\", \"Ankle boot\", \"Bag\", \"with_mask\""), e.getMessage());
    }

    @Test
    void ambiguousNamesEmptySetsAndNonFoldersAreErrors() throws Exception {
        Path ambiguous = Files.createDirectories(tmp.resolve("a"));
        file("a/with mask/x.png");
        EvaluationException e = assertThrows(EvaluationException.class,
                () -> EvaluationSet.scan(ambiguous, List.of("with_mask", "With-Mask")));
        assertTrue(e.getMessage().contains("could mean any of the labels \"with_mask\", \"With-Mask\""), e.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("b/bag"));
        e = assertThrows(EvaluationException.class, () -> EvaluationSet.scan(empty.getParent(), LABELS));
        assertTrue(e.getMessage().contains("hold no image files"), e.getMessage());

        Path flat = Files.createDirectories(tmp.resolve("c"));
        file("c/one.png");
        e = assertThrows(EvaluationException.class, () -> EvaluationSet.scan(flat, LABELS));
        assertTrue(e.getMessage().startsWith("no class folders in") && e.getMessage().contains("\"Bag\""),
                e.getMessage());

        Path notAFolder = file("d.png");
        e = assertThrows(EvaluationException.class, () -> EvaluationSet.scan(notAFolder, LABELS));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
        e = assertThrows(EvaluationException.class, () -> EvaluationSet.scan(tmp.resolve("missing"), LABELS));
        assertTrue(e.getMessage().startsWith("no such folder"), e.getMessage());
    }

    @Test
    void longLabelListsAreAbbreviated() {
        List<String> many = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "n" + i).toList();
        String text = EvaluationSet.describeLabels(many);
        assertTrue(text.startsWith("\"n0\", \"n1\"") && text.endsWith("... (1000 labels)") && !text.contains("n999"),
                text);
    }
}
