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
