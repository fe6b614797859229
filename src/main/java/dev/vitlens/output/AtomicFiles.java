package dev.vitlens.output;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;

/**
 * Writes files so that nobody ever sees a half-written one: the content goes to a hidden temporary file in the
 * target's folder, which then replaces the target in one rename. A reader (another process, a crash-restarted
 * one) sees the old file or the new one. If writing fails the target is left as it was and the temporary file is
 * removed. Used for every file ViTLens writes whole: exports, overlays, derived models, extracted resources.
 * Folders are published the same way (built in a hidden sibling, then renamed): new ones the user names
 * ({@link #writeNewFolder}: lessons, few-shot models, imports), cache entries several processes may build at once
 * ({@link #writeSharedFolder}: derived models, extracted natives), and removals ({@link #removeFolder}).
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

    /** Fills a folder being built; {@code E} lets a caller's own checked failure pass through unchanged. */
    @FunctionalInterface
    public interface FolderWriter<E extends Exception> {
        void write(Path building) throws IOException, E;
    }

    /**
     * Writes a new folder whole: its files go into a hidden sibling, which is renamed to {@code folder} in one step,
     * so nobody sees a half-written folder and a failure leaves nothing behind. Refuses a {@code folder} that exists
     * (an empty one is taken over), so no file of the user's is ever replaced.
     *
     * @throws FileAlreadyExistsException naming {@code folder} when it exists and is not empty, before anything is
     *                                    written or because another writer published it while this one was building
     */
    public static <E extends Exception> void writeNewFolder(Path folder, FolderWriter<E> writer)
            throws IOException, E {
        Path target = folder.toAbsolutePath().normalize();
        writeNewFolder(target, "." + target.getFileName() + ".", writer);
    }

    /**
     * {@link #writeNewFolder(Path, FolderWriter)} building in a hidden sibling named {@code buildPrefix} + a random
     * part, so that leftovers of a killed process can be found again ({@link #removeStaleBuilds}).
     */
    public static <E extends Exception> void writeNewFolder(Path folder, String buildPrefix, FolderWriter<E> writer)
            throws IOException, E {
        Path target = folder.toAbsolutePath().normalize();
        if (!isAbsentOrEmptyFolder(target)) {
            throw alreadyExists(target);
        }
        publish(target, buildPrefix, writer);
    }

    /**
     * Writes a folder that several processes may build at once with the same content (a cache entry): whoever
     * renames first wins and the others discard their copy. A {@code folder} that exists is left as it is and
     * nothing is written.
     *
     * @return true when this call published the folder, false when it was there already or another writer won
     */
    public static <E extends Exception> boolean writeSharedFolder(Path folder, FolderWriter<E> writer)
            throws IOException, E {
        Path target = folder.toAbsolutePath().normalize();
        if (!isAbsentOrEmptyFolder(target)) {
            return false;
        }
        try {
            publish(target, "." + target.getFileName() + ".", writer);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (target.toString().equals(e.getFile())) {
                return false; // another process finished the same folder first: use theirs
            }
            throw e;
        }
    }

    /**
     * Removes the hidden build folders {@code parent/buildPrefix*} last modified before {@code cutoff}: leftovers of
     * a process killed while building (never younger ones, which another process may still be filling). Best effort.
     */
    public static void removeStaleBuilds(Path parent, String buildPrefix, Instant cutoff) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, buildPrefix + "*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(dir).toInstant().isBefore(cutoff)) {
                    deleteTree(dir);
                }
            }
        } catch (IOException ignored) {
            // best effort: hidden leftovers are never listed
        }
    }

    /**
     * Removes a folder so that nobody sees it half-deleted: it is first renamed to a hidden sibling named
     * {@code asidePrefix} + a random part, then deleted (a leftover of an interrupted delete stays hidden).
     *
     * @throws IOException when the folder cannot be moved aside (then nothing was removed)
     */
    public static void removeFolder(Path folder, String asidePrefix) throws IOException {
        Path target = folder.toAbsolutePath().normalize();
        Path aside = Files.createTempDirectory(target.getParent(), asidePrefix);
        Files.delete(aside); // only the unique name was wanted; the move below recreates it
        Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(aside);
    }

    /** Deletes a folder and everything in it, as far as it can (best effort: used on hidden leftovers). */
    public static void deleteTree(Path dir) {
        deleteTree(dir, null);
    }

    private static <E extends Exception> void publish(Path target, String buildPrefix, FolderWriter<E> writer)
            throws IOException, E {
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path building = Files.createTempDirectory(parent, buildPrefix);
        try {
            Files.setPosixFilePermissions(building, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its default permissions stand
        }
        try {
            writer.write(building);
            try {
                Files.deleteIfExists(target); // only ever an empty folder here (checked by the callers)
                try {
                    Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(building, target);
                }
            } catch (IOException e) {
                if (!isAbsentOrEmptyFolder(target)) {
                    // Someone published the folder while this one was building; the rename's own message names
                    // the hidden folder, which is about to go.
                    FileAlreadyExistsException taken = alreadyExists(target);
                    taken.addSuppressed(e);
                    throw taken;
                }
                throw e;
            }
        } catch (Exception e) {
            deleteTree(building, e);
            throw e;
        }
    }

    private static boolean isAbsentOrEmptyFolder(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var entries = Files.list(target)) {
            return entries.findAny().isEmpty();
        } catch (NoSuchFileException e) {
            return true; // removed meanwhile
        }
    }

    private static FileAlreadyExistsException alreadyExists(Path target) {
        return new FileAlreadyExistsException(target.toString(), null,
                "already exists: choose a new folder name (nothing was overwritten)");
    }

    /** {@code cause}, when given, collects what could not be deleted. */
    private static void deleteTree(Path dir, Throwable cause) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    if (cause != null) {
                        cause.addSuppressed(e);
                    }
                }
            });
        } catch (IOException e) {
            if (cause != null) {
                cause.addSuppressed(e); // a hidden leftover folder, never the user's files
            }
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
