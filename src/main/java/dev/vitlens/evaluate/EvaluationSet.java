package dev.vitlens.evaluate;

import dev.vitlens.imaging.ImageFormats;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A labelled folder, listed: one sub-folder per class, each matched to a model label by {@link LabelMatcher}, with
 * its image files (searched recursively; hidden folders skipped; symbolic links to files followed, links to folders
 * inside a class not descended). Listing reads only names, never pixels.
 */
public final class EvaluationSet {

    /** A class folder matched to label {@code labelIndex}, with its image files sorted by path. */
    public record ClassFolder(String label, int labelIndex, Path dir, List<Path> images) {
        public ClassFolder {
            images = List.copyOf(images);
        }
    }

    /** A file that cannot be evaluated, with the reason. */
    public record FileError(Path file, String message) {
    }

    /** How many labels an error message lists before it abbreviates. */
    private static final int LABELS_SHOWN = 30;

    private final Path root;
    private final List<String> labels;
    private final List<ClassFolder> classes;
    private final List<Path> unmatchedFolders;
    private final List<FileError> unreadable;
    private final int looseImages;

    private EvaluationSet(Path root, List<String> labels, List<ClassFolder> classes, List<Path> unmatchedFolders,
                          List<FileError> unreadable, int looseImages) {
        this.root = root;
        this.labels = List.copyOf(labels);
        this.classes = List.copyOf(classes);
        this.unmatchedFolders = List.copyOf(unmatchedFolders);
        this.unreadable = List.copyOf(unreadable);
        this.looseImages = looseImages;
    }

    /**
     * Lists {@code root} against a model's labels.
     *
     * @throws EvaluationException when {@code root} is not a folder, has no sub-folders, none of them matches a label
     *                             (the message lists the labels), two of them mean the same label, a name is ambiguous
     *                             between labels, or the matched folders hold no image at all
     */
    public static EvaluationSet scan(Path root, List<String> labels) throws EvaluationException {
        if (labels.isEmpty()) {
            throw new EvaluationException("the model has no labels to evaluate against");
        }
        if (!Files.exists(root)) {
            throw new EvaluationException("no such folder: " + root);
        }
        if (!Files.isDirectory(root)) {
            throw new EvaluationException(root + " is not a folder: evaluate takes a folder with one sub-folder per"
                    + " class, named after the model's labels");
        }
        List<Path> folders = new ArrayList<>();
        int loose = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    folders.add(entry);
                } else if (ImageFormats.isImageFile(entry)) {
                    loose++;
                }
            }
        } catch (IOException e) {
            throw new EvaluationException("cannot list " + root + ": " + describe(e));
        }
        folders.sort(Comparator.comparing(p -> p.getFileName().toString()));
        if (folders.isEmpty()) {
            throw new EvaluationException("no class folders in " + root + ": put each class's images in a"
                    + " sub-folder named after its label (" + describeLabels(labels) + ")");
        }
        LabelMatcher matcher = new LabelMatcher(labels);
        Map<Integer, Path> byLabel = new LinkedHashMap<>();
        List<Path> unmatched = new ArrayList<>();
        for (Path folder : folders) {
            String name = folder.getFileName().toString();
            LabelMatcher.Match match = matcher.match(name);
            if (!match.ambiguous().isEmpty()) {
                throw new EvaluationException("class folder \"" + name + "\" could mean any of the labels "
                        + match.ambiguous().stream().map(i -> quote(labels.get(i))).collect(Collectors.joining(", "))
                        + ": rename it to one of them exactly");
            }
            if (!match.matched()) {
                unmatched.add(folder);
                continue;
            }
            Path earlier = byLabel.putIfAbsent(match.index(), folder);
            if (earlier != null) {
                throw new EvaluationException("class folders \"" + earlier.getFileName() + "\" and \"" + name
                        + "\" both mean the label " + quote(labels.get(match.index()))
                        + " (names are matched ignoring case, with _ - / and spaces alike): merge or rename one");
            }
        }
        if (byLabel.isEmpty()) {
            throw new EvaluationException("no class folder in " + root + " matches a label of the model: found "
                    + folders.stream().map(f -> quote(f.getFileName().toString())).collect(Collectors.joining(", "))
                    + "; the labels are " + describeLabels(labels)
                    + " (matched ignoring case, with _ - / and spaces alike)");
        }
        List<ClassFolder> classes = new ArrayList<>();
        List<FileError> unreadable = new ArrayList<>();
        byLabel.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            List<Path> images = new ArrayList<>();
            listImages(e.getValue(), images, unreadable);
            classes.add(new ClassFolder(labels.get(e.getKey()), e.getKey(), e.getValue(), images));
        });
        if (classes.stream().allMatch(c -> c.images().isEmpty()) && unreadable.isEmpty()) {
            throw new EvaluationException("the class folders in " + root + " hold no image files ("
                    + String.join(", ", ImageFormats.EXTENSIONS.stream().sorted().toList()) + ")");
        }
        return new EvaluationSet(root, labels, classes, unmatched, unreadable, loose);
    }

    /** Image files under {@code dir}, sorted; unreadable formats and unlistable paths go to {@code errors}. */
    private static void listImages(Path dir, List<Path> into, List<FileError> errors) {
        List<Path> found = new ArrayList<>();
        List<FileError> bad = new ArrayList<>();
        // A class folder may itself be a link; walk its target but report paths under the name the user gave.
        Path start = dir;
        try {
            if (Files.isSymbolicLink(dir)) {
                start = dir.toRealPath();
            }
        } catch (IOException e) {
            errors.add(new FileError(dir, "cannot read folder " + dir + ": " + describe(e)));
            return;
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
                            if (ImageFormats.isImageFile(file) && Files.isRegularFile(file)) {
                                var reason = ImageFormats.unreadableReason(file);
                                if (reason.isPresent()) {
                                    bad.add(new FileError(shown, "cannot read " + shown + ": " + reason.get()));
                                } else {
                                    found.add(shown);
                                }
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            Path shown = dir.resolve(walkRoot.relativize(file).toString());
                            bad.add(new FileError(shown, "cannot read " + shown + ": " + describe(e)));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            bad.add(new FileError(dir, "cannot read folder " + dir + ": " + describe(e)));
        }
        found.sort(Comparator.comparing(Path::toString));
        bad.sort(Comparator.comparing(f -> f.file().toString()));
        into.addAll(found);
        errors.addAll(bad);
    }

    static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    /** The labels, quoted, abbreviated after {@value #LABELS_SHOWN}. */
    static String describeLabels(List<String> labels) {
        String shown = labels.stream().limit(LABELS_SHOWN).map(EvaluationSet::quote).collect(Collectors.joining(", "));
        return labels.size() > LABELS_SHOWN ? shown + ", ... (" + labels.size() + " labels)" : shown;
    }

    public Path root() {
        return root;
    }

    /** The model's labels, in index order. */
    public List<String> labels() {
        return labels;
    }

    /** The matched class folders in label-index order, empty ones included. */
    public List<ClassFolder> classes() {
        return classes;
    }

    /** Sub-folders whose names match no label; their images are not evaluated. */
    public List<Path> unmatchedFolders() {
        return unmatchedFolders;
    }

    /** Matched class folders without any image file. */
    public List<Path> emptyFolders() {
        return classes.stream().filter(c -> c.images().isEmpty()).map(ClassFolder::dir).toList();
    }

    /** Image files found that cannot be decoded at all (SVG, HEIC, unreadable paths), with the reason. */
    public List<FileError> unreadable() {
        return unreadable;
    }

    /** Image files directly in the root folder: they belong to no class and are not evaluated. */
    public int looseImages() {
        return looseImages;
    }

    /** Image files to classify. */
    public int imageCount() {
        return classes.stream().mapToInt(c -> c.images().size()).sum();
    }
}
