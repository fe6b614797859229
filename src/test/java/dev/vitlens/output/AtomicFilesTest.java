package dev.vitlens.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesOnlyOnSuccessAndLeavesNoTempFiles() throws IOException {
        Path target = dir.resolve("out.json");
        Files.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        AtomicFiles.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), listing(dir));
    }

    @Test
    void aNewFolderAppearsWholeOrNotAtAllAndNeverReplacesTheUsersFolder() throws IOException {
        Path model = dir.resolve("my-model");
        // the disk fills after the first file: nothing is left, not even a hidden half-built folder
        assertThrows(IOException.class, () -> AtomicFiles.writeNewFolder(model, building -> {
            Files.writeString(building.resolve("model.onnx"), "half");
            throw new IOException("No space left on device");
        }));
        assertEquals(List.of(), listing(dir));

        AtomicFiles.writeNewFolder(model, building -> Files.writeString(building.resolve("config.json"), "{}"));
        assertEquals("{}", Files.readString(model.resolve("config.json")));
        // an existing folder with files is refused and kept as it is
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> AtomicFiles.writeNewFolder(model, building -> Files.writeString(building.resolve("x"), "y")));
        assertEquals(List.of(model.resolve("config.json")), listing(model));
        // an empty folder (made by a save dialog) is taken over
        Path empty = Files.createDirectories(dir.resolve("empty"));
        AtomicFiles.writeNewFolder(empty, building -> Files.writeString(building.resolve("a"), "b"));
        assertEquals("b", Files.readString(empty.resolve("a")));
    }

    @Test
    void whileWritingTheTargetStillHoldsTheOldContent() throws IOException {
        Path target = dir.resolve("overlay.png");
        Files.writeString(target, "old");
        byte[] big = new byte[1 << 20];
        AtomicFiles.write(target, out -> {
            out.write(big, 0, big.length / 2);
            out.flush();
            // A reader now (another process, or this one after a crash) must not see the half-written bytes.
            assertEquals("old", Files.readString(target));
            out.write(big, big.length / 2, big.length / 2);
        });
        assertArrayEquals(big, Files.readAllBytes(target));
    }

    @Test
    void aFailedFirstWriteCreatesNothing() {
        Path target = dir.resolve("results.csv");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IllegalStateException("bug in the writer");
        }));
        assertFalse(Files.exists(target));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void newFilesAreReadableByOthersAndReplacedFilesKeepTheirPermissions() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(
                java.nio.file.attribute.PosixFileAttributeView.class), "skipped: no POSIX permissions here");
        Path fresh = dir.resolve("overlay-new.png");
        AtomicFiles.write(fresh, new byte[] {1});
        // not the temporary file's owner-only 0600: an exported picture is meant to be shared
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(fresh)));
        Path kept = dir.resolve("results-private.json");
        Files.writeString(kept, "old");
        Files.setPosixFilePermissions(kept, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(kept, new byte[] {2});
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(kept)));
    }

    @Test
    void createsMissingParentFolders() throws IOException {
        Path target = dir.resolve("a/b/model.onnx");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of(target), listing(target.getParent()));
    }

    /** A caller's own checked failure, to see that it passes through the folder writer unchanged. */
    static final class NotImported extends Exception {
        NotImported(String message) {
            super(message);
        }
    }

    @Test
    void aNewFolderIsRefusedWhenAnotherWriterPublishesItMeanwhileAndAFailureLeavesNothing() throws IOException {
        Path folder = dir.resolve("lesson");
        FileAlreadyExistsException taken = assertThrows(FileAlreadyExistsException.class,
                () -> AtomicFiles.writeNewFolder(folder, building -> {
                    Files.writeString(building.resolve("mine.txt"), "mine");
                    Files.createDirectories(folder);
                    Files.writeString(folder.resolve("theirs.txt"), "theirs"); // the other writer renames first
                }));
        assertEquals(folder.toString(), taken.getFile());
        assertEquals(List.of(folder.resolve("theirs.txt")), listing(folder), "theirs is kept, not merged");
        assertEquals(List.of(folder), listing(dir), "no hidden folder left");

        Path other = dir.resolve("import");
        NotImported failure = assertThrows(NotImported.class, () -> AtomicFiles.writeNewFolder(other, ".import-x-",
                building -> {
                    Files.writeString(building.resolve("model.onnx"), "half");
                    throw new NotImported("smoke test failed");
                }));
        assertEquals("smoke test failed", failure.getMessage());
        assertEquals(List.of(folder), listing(dir));
    }

    @Test
    void aSharedFolderIsWrittenOnceAndALostRaceKeepsTheWinnersCopy() throws IOException {
        Path entry = dir.resolve("cache/abc");
        assertTrue(AtomicFiles.writeSharedFolder(entry, b -> Files.writeString(b.resolve("model.onnx"), "first")));
        assertFalse(AtomicFiles.writeSharedFolder(entry, b -> {
            throw new AssertionError("an existing entry is not rebuilt");
        }));

        Path raced = dir.resolve("cache/def");
        assertFalse(AtomicFiles.writeSharedFolder(raced, building -> {
            Files.writeString(building.resolve("model.onnx"), "loser");
            Files.createDirectories(raced);
            Files.writeString(raced.resolve("model.onnx"), "winner");
        }));
        assertEquals("winner", Files.readString(raced.resolve("model.onnx")));
        assertEquals("first", Files.readString(entry.resolve("model.onnx")));
        assertEquals(List.of(entry, raced), listing(entry.getParent()), "the loser's copy is gone");
    }

    @Test
    void staleBuildsAreRemovedButYoungOnesAndOtherFoldersStay() throws IOException {
        Path old = Files.createDirectories(dir.resolve(".import-a-1"));
        Files.writeString(old.resolve("model.onnx"), "half");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path young = Files.createDirectories(dir.resolve(".import-b-2"));
        Path removing = Files.createDirectories(dir.resolve(".removing-c-3"));
        Files.setLastModifiedTime(removing, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        AtomicFiles.removeStaleBuilds(dir, ".import-", Instant.now().minus(Duration.ofHours(24)));
        assertEquals(List.of(young, removing), listing(dir));
    }

    @Test
    void aRemovedFolderIsGoneWithNoHiddenLeftover() throws IOException {
        Path model = Files.createDirectories(dir.resolve("mine/sub"));
        Files.writeString(model.resolve("model.onnx"), "weights");
        AtomicFiles.removeFolder(dir.resolve("mine"), ".removing-mine-");
        assertEquals(List.of(), listing(dir));
        assertThrows(NoSuchFileException.class, () -> AtomicFiles.removeFolder(dir.resolve("mine"), ".removing-"));
        assertEquals(List.of(), listing(dir), "a failed removal leaves no hidden folder either");
    }

    private static List<Path> listing(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
