package dev.vitlens.catalog;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The models the user can pick: every sub-folder of the bundled and per-user model folders that holds any model file
 * (model.onnx, config.json, preprocessor_config.json, vitlens.json). A malformed one is listed as unavailable with
 * the reason; listing never fails because of one bad model.
 */
public final class ModelCatalog {

    /** Where an entry came from. */
    public enum Source { BUNDLED, USER, PATH }

    /**
     * One model folder: {@code info} when valid, else {@code problem} says why it can't be used.
     */
    public record Entry(String id, Path dir, Source source, ModelInfo info, String problem) {
        public boolean available() {
            return info != null;
        }

        public String displayName() {
            return info != null ? info.displayName() : id;
        }

        /** The model info, or a {@link ModelFormatException} carrying the reason it is unavailable. */
        public ModelInfo require() throws ModelFormatException {
            if (info == null) {
                throw new ModelFormatException("model \"" + id + "\" (" + dir + ") is unavailable: " + problem);
            }
            return info;
        }
    }

    private final Path bundledDir;
    private final Path userDir;

    /** Either folder may be null or missing. */
    public ModelCatalog(Path bundledDir, Path userDir) {
        this.bundledDir = bundledDir;
        this.userDir = userDir;
    }

    /** The catalogue over {@link ModelDirectories#bundled()} and {@link ModelDirectories#user()}. */
    public static ModelCatalog standard() {
        return new ModelCatalog(ModelDirectories.bundled().orElse(null), ModelDirectories.user());
    }

    public Optional<Path> bundledDir() {
        return Optional.ofNullable(bundledDir);
    }

    public Optional<Path> userDir() {
        return Optional.ofNullable(userDir);
    }

    /** Scans both folders now: bundled models first, then the user's, each sorted by id. */
    public List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        scan(bundledDir, Source.BUNDLED, entries);
        scan(userDir, Source.USER, entries);
        return entries;
    }

    /** Available entries only. */
    public List<Entry> available() {
        return list().stream().filter(Entry::available).toList();
    }

    /** Finds a model by id (folder name); a bundled model wins over a user model with the same id. */
    public Optional<Entry> find(String id) {
        if (id == null || id.isBlank() || id.contains("/") || id.contains("\\") || id.equals(".")
                || id.equals("..")) {
            return Optional.empty();
        }
        for (Object[] root : new Object[][] {{bundledDir, Source.BUNDLED}, {userDir, Source.USER}}) {
            Path dir = (Path) root[0];
            if (dir != null && Files.isDirectory(dir.resolve(id))) {
                return Optional.of(load(dir.resolve(id), (Source) root[1]));
            }
        }
        return Optional.empty();
    }

    /**
     * Resolves a user argument: a catalogue id, else a path to a model folder. Throws with a clear message when
     * neither exists; a folder that exists but is invalid comes back as an unavailable entry.
     */
    public Entry resolve(String idOrPath) throws ModelFormatException {
        Optional<Entry> byId = find(idOrPath);
        if (byId.isPresent()) {
            return byId.get();
        }
        Path path;
        try {
            path = Paths.get(idOrPath);
        } catch (RuntimeException e) {
            path = null;
        }
        if (path != null && Files.isDirectory(path)) {
            return byPath(path);
        }
        StringBuilder known = new StringBuilder();
        for (Entry e : list()) {
            known.append(known.length() > 0 ? ", " : "").append(e.id());
        }
        throw new ModelFormatException("unknown model \"" + idOrPath + "\": not a model id ("
                + (known.length() > 0 ? "known: " + known : "no models found in " + describeRoots())
                + ") and not a model folder");
    }

    /** Loads any folder as an entry (for models outside the catalogue folders). */
    public static Entry byPath(Path dir) {
        return load(dir.toAbsolutePath().normalize(), Source.PATH);
    }

    private String describeRoots() {
        return (bundledDir == null ? "(no bundled models folder)" : bundledDir) + " or " + userDir;
    }

    private static void scan(Path root, Source source, List<Entry> into) {
        if (root == null || !Files.isDirectory(root)) {
            return;
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root, Files::isDirectory)) {
            stream.forEach(dirs::add);
        } catch (IOException | RuntimeException e) {
            into.add(new Entry(root.getFileName() == null ? root.toString() : root.getFileName().toString(), root,
                    source, null, "cannot list models folder: " + e.getMessage()));
            return;
        }
        dirs.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path dir : dirs) {
            if (dir.getFileName().toString().startsWith(".") || !looksLikeModel(dir)) {
                continue; // hidden folders (an import in progress) and unrelated folders (models/recipes) are not models
            }
            into.add(load(dir, source));
        }
    }

    /** A folder holding any of the model files is a (possibly broken) model; others are ignored. */
    static boolean looksLikeModel(Path dir) {
        for (String name : new String[] {ModelInfo.MODEL_FILE, ModelInfo.CONFIG_FILE, ModelInfo.PREPROCESSOR_FILE,
                ModelInfo.META_FILE}) {
            if (Files.exists(dir.resolve(name))) {
                return true;
            }
        }
        return false;
    }

    private static Entry load(Path dir, Source source) {
        String id = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        try {
            return new Entry(id, dir, source, ModelFolder.load(dir), null);
        } catch (ModelFormatException e) {
            return new Entry(id, dir, source, null, e.getMessage());
        } catch (RuntimeException e) {
            // A malformed folder must never break the listing.
            return new Entry(id, dir, source, null, "unexpected error reading model: " + e);
        }
    }
}
