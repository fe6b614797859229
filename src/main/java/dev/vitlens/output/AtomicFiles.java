package dev.vitlens.output;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that nobody ever sees a half-written one: the content goes to a hidden temporary file in the
 * target's folder, which then replaces the target in one rename. A reader (another process, a crash-restarted
 * one) sees the old file or the new one. If writing fails the target is left as it was and the temporary file is
 * removed. Used for every file ViTLens writes whole: exports, overlays, derived models, extracted resources.
 */
public final class AtomicFiles {

    /** Writes the content to an output stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static final int BUFFER_BYTES = 64 * 1024;

    private AtomicFiles() {
    }

    /**
     * Writes {@code target}, creating missing parent folders. An existing target is replaced: callers only pass a
     * target the user confirmed (the save dialog asks before overwriting) or one they own (caches).
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        Files.createDirectories(folder);
        // Same folder, so the final move is a rename on one file system.
        Path temp = Files.createTempFile(folder, "." + absolute.getFileName() + ".", ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), BUFFER_BYTES)) {
                writer.write(out);
            }
            sharePermissions(temp, absolute);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Fills a folder being built. */
    @FunctionalInterface
    public interface FolderWriter {
        void write(Path building) throws IOException;
    }

    /**
     * Writes a new folder whole: its files go into a hidden sibling, which is renamed to {@code folder} in one step,
     * so nobody sees a half-written folder and a failure leaves nothing behind. Refuses a {@code folder} that exists
     * (an empty one is taken over), so no file of the user's is ever replaced.
     */
    public static void writeNewFolder(Path folder, FolderWriter writer) throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            boolean empty;
            try (var entries = Files.list(target)) {
                empty = Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && entries.findAny().isEmpty();
            } catch (java.nio.file.NotDirectoryException e) {
                empty = false;
            }
            if (!empty) {
                throw new java.nio.file.FileAlreadyExistsException(target.toString(), null,
                        "already exists: choose a new folder name (nothing was overwritten)");
            }
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path building = Files.createTempDirectory(parent, "." + target.getFileName() + ".");
        try {
            Files.setPosixFilePermissions(building, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its default permissions stand
        }
        try {
            writer.write(building);
            Files.deleteIfExists(target); // only ever an empty folder here (checked above)
            try {
                Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(building, target);
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(building, e);
            throw e;
        }
    }

    private static void deleteTree(Path dir, Throwable cause) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    cause.addSuppressed(e);
                }
            });
        } catch (IOException e) {
            cause.addSuppressed(e); // a hidden leftover folder, never the user's files
        }
    }

    /**
     * A temporary file is created owner-only (0600); the file it becomes should not be. A replaced file keeps its
     * permissions; a new one gets rw-r--r--, what a plain file write gives under the usual umask 022.
     */
    private static void sharePermissions(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temp, permissions);
    }

    private static void deleteQuietly(Path temp, Throwable cause) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            cause.addSuppressed(e); // the write's own error is the one to report; a leftover hidden .tmp is harmless
        }
    }
}
