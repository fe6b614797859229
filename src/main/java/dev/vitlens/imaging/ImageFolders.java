package dev.vitlens.imaging;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * Folders of images as the labelled-folder features read them (evaluate, few-shot training): one sub-folder per
 * class, each searched recursively for image files. Hidden files and folders are skipped; symbolic links to files are
 * followed, links to folders inside a class are not descended. Listing reads only names, never pixels.
 */
public final class ImageFolders {

    /** A file (or folder) that could not be used, with a sentence saying why. */
    public record Unreadable(Path file, String message) {
    }

    /**
     * The immediate entries of a labelled folder.
     *
     * @param classFolders visible sub-folders, sorted by name
     * @param looseImages  image files directly in the folder (belonging to no class)
     */
    public record ClassListing(List<Path> classFolders, int looseImages) {
        public ClassListing {
            classFolders = List.copyOf(classFolders);
        }
    }

    /** The images of one folder: usable files, sorted, and the ones that cannot be read. */
    public record Images(List<Path> images, List<Unreadable> unreadable) {
        public Images {
            images = List.copyOf(images);
            unreadable = List.copyOf(unreadable);
        }
    }

    private ImageFolders() {
    }

    /** Lists the class sub-folders of {@code root}; the caller has checked that it is a folder. */
    public static ClassListing classFolders(Path root) throws IOException {
        List<Path> folders = new ArrayList<>();
        int loose = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                if (entry.getFileName().toString().startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    folders.add(entry);
                } else if (ImageFormats.isImageFile(entry)) {
                    loose++;
                }
            }
        }
        folders.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return new ClassListing(folders, loose);
    }

    /**
     * Image files under {@code dir} (recursively), sorted by path. Files in formats that cannot be decoded and paths
     * that cannot be listed are returned as {@link Unreadable} rather than thrown, so one bad file never hides the
     * rest.
     */
    public static Images images(Path dir) {
        List<Path> found = new ArrayList<>();
        List<Unreadable> bad = new ArrayList<>();
        // A class folder may itself be a link; walk its target but report paths under the name the user gave.
        Path start = dir;
        try {
            if (Files.isSymbolicLink(dir)) {
                start = dir.toRealPath();
            }
        } catch (IOException e) {
            return new Images(List.of(), List.of(new Unreadable(dir, "cannot read folder " + dir + ": "
                    + describe(e))));
        }
        Path walkRoot = start;
        try {
            Files.walkFileTree(walkRoot, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                            Path name = d.getFileName();
                            return d.equals(walkRoot) || name == null || !name.toString().startsWith(".")
                                    ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            Path shown = dir.resolve(walkRoot.relativize(file).toString());
                            if (file.getFileName().toString().startsWith(".")) {
                                return FileVisitResult.CONTINUE;
                            }
                            if (ImageFormats.isImageFile(file) && Files.isRegularFile(file)) {
                                var reason = ImageFormats.unreadableReason(file);
                                if (reason.isPresent()) {
                                    bad.add(new Unreadable(shown, "cannot read " + shown + ": " + reason.get()));
                                } else {
                                    found.add(shown);
                                }
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            Path shown = dir.resolve(walkRoot.relativize(file).toString());
                            bad.add(new Unreadable(shown, "cannot read " + shown + ": " + describe(e)));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            bad.add(new Unreadable(dir, "cannot read folder " + dir + ": " + describe(e)));
        }
        found.sort(Comparator.comparing(Path::toString));
        bad.sort(Comparator.comparing(f -> f.file().toString()));
        return new Images(found, bad);
    }

    /** A short reason for an I/O failure ("permission denied" rather than the exception's class). */
    public static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
