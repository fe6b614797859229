package dev.vitlens.evaluate;

import dev.vitlens.imaging.ImageFolders;
import dev.vitlens.imaging.ImageFormats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        List<Path> folders;
        int loose;
        try {
            ImageFolders.ClassListing listing = ImageFolders.classFolders(root);
            folders = listing.classFolders();
            loose = listing.looseImages();
        } catch (IOException e) {
            throw new EvaluationException("cannot list " + root + ": " + ImageFolders.describe(e));
        }
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
        ImageFolders.Images listed = ImageFolders.images(dir);
        into.addAll(listed.images());
        listed.unreadable().forEach(u -> errors.add(new FileError(u.file(), u.message())));
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
