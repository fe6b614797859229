package dev.vitlens.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static List<Path> listing(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
