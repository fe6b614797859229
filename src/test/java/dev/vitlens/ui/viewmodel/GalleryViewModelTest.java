package dev.vitlens.ui.viewmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gallery view-model over a fake backend, with no FX toolkit. */
class GalleryViewModelTest {

    @TempDir
    Path dir;

    private final List<Path> shown = new ArrayList<>();
    private final List<Notice> notices = new ArrayList<>();

    private List<Path> files(String... names) {
        return java.util.Arrays.stream(names).map(dir::resolve).toList();
    }

    @Test
    void openingClassifiesEveryItemAndShowsTheFirst() throws Exception {
        GalleryViewModel gallery = new GalleryViewModel(new FakeBackend(dir), TaskExecutor.direct(),
                () -> FakeBackend.entry("vit"), shown::add, notices::add);
        gallery.open(files("img-0.png", "bad-1.png", "img-2.png"));

        assertEquals(3, gallery.items().size());
        assertEquals(1.0, gallery.progressProperty().get(), 1e-9);
        assertEquals("3 images, 1 unreadable", gallery.statusProperty().get());
        assertFalse(gallery.runningProperty().get());
        assertEquals("class0", gallery.items().get(0).top1().label());
        assertNull(gallery.items().get(1).top1(), "an unreadable file has no result");
        assertEquals("class2", gallery.items().get(2).top1().label());
        assertEquals(List.of(dir.resolve("img-0.png")), shown);
        assertThrows(UnsupportedOperationException.class, () -> gallery.items().clear());
    }

    @Test
    void nextPreviousAndSelectStayInRange() throws Exception {
        GalleryViewModel gallery = new GalleryViewModel(new FakeBackend(dir), TaskExecutor.direct(),
                () -> FakeBackend.entry("vit"), shown::add, notices::add);
        gallery.previous();
        assertEquals(-1, gallery.indexProperty().get(), "nothing to move through");
        gallery.open(files("img-0.png", "img-1.png"));
        gallery.previous();
        assertEquals(0, gallery.indexProperty().get());
        gallery.next();
        gallery.next();
        assertEquals(1, gallery.indexProperty().get());
        gallery.select(7);
        assertEquals(1, gallery.indexProperty().get());
        gallery.select(0);
        assertEquals(files("img-0.png", "img-1.png", "img-0.png"), shown);
    }

    @Test
    void cancellingStopsTheBatchAndKeepsItsStatus() throws Exception {
        Deque<Runnable> held = new ArrayDeque<>();
        GalleryViewModel gallery = new GalleryViewModel(new FakeBackend(dir), new TaskExecutor(held::add, Runnable::run),
                () -> FakeBackend.entry("vit"), shown::add, notices::add);
        gallery.open(files("img-0.png", "img-1.png"));
        assertTrue(gallery.runningProperty().get());
        assertEquals("0 / 2", gallery.statusProperty().get());
        gallery.cancelBatch();
        assertFalse(gallery.runningProperty().get());
        assertEquals("Cancelled at 0%", gallery.statusProperty().get());
        held.removeFirst().run();
        assertEquals("Cancelled at 0%", gallery.statusProperty().get(), "the cancelled batch publishes nothing");
        assertNull(gallery.items().get(0).top1());
    }

    @Test
    void noUsableModelMeansNoBatch() throws Exception {
        FakeBackend backend = new FakeBackend(dir);
        GalleryViewModel gallery = new GalleryViewModel(backend, TaskExecutor.direct(),
                () -> FakeBackend.entry("broken"), shown::add, notices::add);
        gallery.open(files("img-0.png"));
        assertFalse(backend.calls.stream().anyMatch(c -> c.startsWith("classify")), backend.calls.toString());
        assertEquals("", gallery.statusProperty().get());
    }
}
