package dev.vitlens.cli;

import dev.vitlens.imaging.ImageFormats;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Expands command-line paths into image files. Folders are searched recursively without following symbolic links
 * to folders (so a link loop cannot hang); explicitly named files are always kept so a non-image gets a clear
 * per-file error instead of being skipped silently.
 */
final class ImageFiles {
    /** A file to classify, or a path that could not be listed (with the reason). */
    record Item(Path path, String error) {
    }

    private ImageFiles() {
    }

    static List<Item> expand(List<Path> paths) {
        List<Item> items = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                walk(p, items);
            } else {
                items.add(new Item(p, null)); // missing or unreadable files get their error from the decoder
            }
        }
        return items;
    }

    private static void walk(Path root, List<Item> into) {
        List<Item> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            Path name = dir.getFileName();
                            return dir.equals(root) || name == null || !name.toString().startsWith(".")
                                    ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            // Symlinks to files are followed (isRegularFile follows links); links to folders
                            // are not descended because FOLLOW_LINKS is off.
                            if (ImageFormats.isImageFile(file) && Files.isRegularFile(file)) {
                                // An SVG or HEIC is listed with its reason: a user must see every image they gave.
                                found.add(new Item(file, ImageFormats.unreadableReason(file)
                                        .map(why -> "cannot read " + file + ": " + why).orElse(null)));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            found.add(new Item(file, e instanceof java.nio.file.AccessDeniedException
                                    ? "permission denied: " + file : "cannot read " + file + ": " + e.getMessage()));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            found.add(new Item(root, "cannot read folder " + root + ": " + e.getMessage()));
        }
        found.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
        into.addAll(found);
    }
}
