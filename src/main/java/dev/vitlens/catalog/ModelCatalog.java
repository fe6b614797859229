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

    // ---- changing the user's models ----------------------------------------------------------------------------

    /** Longest display name {@link #renameUserModel} accepts. */
    public static final int MAX_DISPLAY_NAME = 80;
    /** Prefix of a folder being removed: hidden, so the listing never shows a half-deleted model. */
    static final String REMOVING_PREFIX = ".removing-";

    /**
     * Removes one of the user's models. The folder is first renamed to a hidden one (so the catalogue never lists a
     * half-deleted model), then deleted; a leftover of an interrupted delete stays hidden.
     *
     * @throws IllegalArgumentException for an unknown id or a bundled model (bundled models cannot be removed)
     * @throws IOException              when the folder cannot be moved aside (nothing was removed)
     */
    public void removeUserModel(String id) throws IOException {
        Entry entry = requireUserModel(id, "removed");
        dev.vitlens.output.AtomicFiles.removeFolder(entry.dir(), REMOVING_PREFIX + id + "-");
    }

    /**
     * Sets a user model's display name (its {@code vitlens.json} {@code displayName}; every other field is kept) and
     * returns the model as it now loads. The id (folder name) does not change.
     *
     * @throws IllegalArgumentException for an unknown id, a bundled model, or a blank, over-long or control-character
     *                                  name
     * @throws IOException              when vitlens.json cannot be written (it is replaced whole or not at all)
     */
    public ModelInfo renameUserModel(String id, String displayName) throws IOException {
        String name = displayName == null ? "" : displayName.strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("the display name is empty");
        }
        if (name.length() > MAX_DISPLAY_NAME) {
            throw new IllegalArgumentException("the display name is longer than " + MAX_DISPLAY_NAME + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the display name contains control characters");
        }
        Entry entry = requireUserModel(id, "renamed");
        Path metaFile = entry.dir().resolve(ModelInfo.META_FILE);
        com.fasterxml.jackson.databind.node.ObjectNode meta;
        if (Files.isRegularFile(metaFile)) {
            com.fasterxml.jackson.databind.JsonNode read;
            try {
                read = Json.read(metaFile);
            } catch (ModelFormatException e) {
                throw new IllegalArgumentException("cannot rename \"" + id + "\": " + e.getMessage(), e);
            }
            if (!(read instanceof com.fasterxml.jackson.databind.node.ObjectNode object)) {
                throw new IllegalArgumentException("cannot rename \"" + id + "\": " + metaFile + " is not a JSON object");
            }
            meta = object;
        } else {
            meta = Json.mapper().createObjectNode();
        }
        meta.remove("display_name");
        meta.put("displayName", name);
        byte[] bytes = Json.mapper().writer(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(meta);
        dev.vitlens.output.AtomicFiles.write(metaFile, bytes);
        try {
            return ModelFolder.load(entry.dir());
        } catch (ModelFormatException e) {
            throw new IOException("model \"" + id + "\" no longer loads after renaming: " + e.getMessage(), e);
        }
    }

    /** The user's model {@code id}, or a message saying why it cannot be {@code what} (unknown, bundled). */
    private Entry requireUserModel(String id, String what) {
        Entry entry = find(id).orElseThrow(() -> new IllegalArgumentException("no model \"" + id + "\""));
        if (entry.source() != Source.USER) {
            throw new IllegalArgumentException("\"" + entry.displayName() + "\" is a bundled model: only your own"
                    + " (imported) models can be " + what);
        }
        return entry;
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
