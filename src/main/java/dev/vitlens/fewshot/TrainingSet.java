package dev.vitlens.fewshot;

import dev.vitlens.evaluate.LabelMatcher;
import dev.vitlens.imaging.ImageFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The classes to teach, checked: at least two, each named once and holding at least one image. Built from a folder
 * with one sub-folder per class ({@code vitlens fewshot train --data DIR}) or from the workbench's class list.
 *
 * @param classes  the classes, in label order
 * @param warnings things the user should know that do not stop training (unreadable files, classes with one image)
 */
public record TrainingSet(List<ClassExamples> classes, List<String> warnings) {

    /** The most classes a few-shot head is made for; more is a mistake (a folder of folders of something else). */
    public static final int MAX_CLASSES = 1000;

    public TrainingSet {
        classes = List.copyOf(classes);
        warnings = List.copyOf(warnings);
    }

    public List<String> labels() {
        return classes.stream().map(ClassExamples::name).toList();
    }

    public int size() {
        return classes.stream().mapToInt(c -> c.examples().size()).sum();
    }

    /**
     * Checks classes given directly (the workbench's list).
     *
     * @throws FewShotException fewer than two classes, a blank or repeated name, or a class without images
     */
    public static TrainingSet of(List<ClassExamples> classes) throws FewShotException {
        return check(classes, new ArrayList<>());
    }

    /**
     * Reads a folder with one sub-folder per class.
     *
     * @param shots at most this many images per class (0: all), picked at random with {@code seed} so that runs
     *              repeat and the picks do not follow the file names
     */
    public static TrainingSet scan(Path root, int shots, long seed) throws FewShotException {
        if (!Files.exists(root)) {
            throw new FewShotException("no such folder: " + root);
        }
        if (!Files.isDirectory(root)) {
            throw new FewShotException(root + " is not a folder: few-shot training takes a folder with one "
                    + "sub-folder of images per class, named after the class");
        }
        if (shots < 0) {
            throw new FewShotException("--shots must be 0 (all images) or more, not " + shots);
        }
        ImageFolders.ClassListing listing;
        try {
            listing = ImageFolders.classFolders(root);
        } catch (IOException e) {
            throw new FewShotException("cannot list " + root + ": " + ImageFolders.describe(e));
        }
        if (listing.classFolders().isEmpty()) {
            throw new FewShotException("no class folders in " + root + ": put each class's images in a sub-folder "
                    + "named after the class (for example " + root.resolve("cat") + " and " + root.resolve("dog") + ")"
                    + (listing.looseImages() > 0 ? "; the " + listing.looseImages() + " images directly in it belong "
                    + "to no class" : ""));
        }
        List<String> warnings = new ArrayList<>();
        if (listing.looseImages() > 0) {
            warnings.add(listing.looseImages() + " image(s) directly in " + root + " belong to no class and were "
                    + "left out");
        }
        List<ClassExamples> classes = new ArrayList<>();
        Random random = new Random(seed);
        for (Path folder : listing.classFolders()) {
            ImageFolders.Images images = ImageFolders.images(folder);
            images.unreadable().forEach(u -> warnings.add(u.message() + " (left out)"));
            List<Path> files = new ArrayList<>(images.images());
            if (shots > 0 && files.size() > shots) {
                Collections.shuffle(files, random);
                files = new ArrayList<>(files.subList(0, shots));
                files.sort(null);
            }
            classes.add(new ClassExamples(folder.getFileName().toString(),
                    files.stream().map(Example::of).toList()));
        }
        return check(classes, warnings);
    }

    private static TrainingSet check(List<ClassExamples> classes, List<String> warnings) throws FewShotException {
        if (classes.size() < 2) {
            throw new FewShotException(classes.isEmpty() ? "there are no classes: add at least two, each with a few "
                    + "images" : "there is only one class (\"" + classes.get(0).name() + "\"): a classifier needs at "
                    + "least two; add another class, for example the images that are not " + classes.get(0).name());
        }
        if (classes.size() > MAX_CLASSES) {
            throw new FewShotException(classes.size() + " classes is more than the " + MAX_CLASSES + " a few-shot "
                    + "head is made for: is this the right folder?");
        }
        Map<String, String> byKey = new HashMap<>();
        for (ClassExamples c : classes) {
            if (c.name().isBlank()) {
                throw new FewShotException("a class has no name: give every class a name (it becomes the label)");
            }
            String earlier = byKey.putIfAbsent(LabelMatcher.normalise(c.name()), c.name());
            if (earlier != null) {
                throw new FewShotException("classes \"" + earlier + "\" and \"" + c.name() + "\" have the same name "
                        + "(ignoring case, with _ - / and spaces alike): merge or rename one");
            }
        }
        for (ClassExamples c : classes) {
            if (c.examples().isEmpty()) {
                throw new FewShotException("class \"" + c.name() + "\" has no images: add at least one (five or more"
                        + " give a useful accuracy estimate), or remove the class");
            }
        }
        for (ClassExamples c : classes) {
            if (c.examples().size() == 1) {
                warnings.add("class \"" + c.name() + "\" has one image: the new head can learn it, but its accuracy "
                        + "cannot be estimated (leaving its only image out removes the class); add more to measure it");
            }
        }
        return new TrainingSet(classes, warnings);
    }
}
