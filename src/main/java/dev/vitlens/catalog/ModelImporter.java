package dev.vitlens.catalog;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ModelImportException.Reason;
import dev.vitlens.onnx.AttentionSurgery;
import dev.vitlens.onnx.ExternalData;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.onnx.OnnxSignature;
import dev.vitlens.onnx.UnsafeExternalDataException;
import dev.vitlens.output.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Imports a Hugging Face ViT / DeiT / BEiT ONNX export (a folder, or an {@code .onnx} file with its JSON files
 * beside it) into the per-user models folder with no configuration:
 * <ol>
 *   <li>reads {@code config.json} and {@code preprocessor_config.json} (family defaults when the latter is missing),</li>
 *   <li>validates the graph against the model contract and the configs (classifier or head-less backbone),</li>
 *   <li>checks that external-data files stay inside the source folder,</li>
 *   <li>adds {@code attentions.i} outputs by graph surgery when the export has none (optimum's default),</li>
 *   <li>runs one test inference, and</li>
 *   <li>installs the folder atomically ({@link AtomicFiles#writeNewFolder(Path, String, AtomicFiles.FolderWriter)}):
 *       everything is written into a hidden temporary folder inside the user models folder, then renamed to its
 *       id.</li>
 * </ol>
 * The source is only ever read. On any failure the temporary folder is deleted and the catalogue is unchanged.
 */
public final class ModelImporter {
    /** Reports coarse progress; {@code fraction} grows from 0 to 1. Called on the importing thread. */
    @FunctionalInterface
    public interface ProgressListener {
        ProgressListener NONE = (step, fraction) -> { };

        void progress(String step, double fraction);
    }

    /** Prefix of the temporary folders; hidden, so the catalogue never lists a half-written import. */
    static final String TEMP_PREFIX = ".import-";
    /** Temporary folders older than this are leftovers of a killed process and are removed. */
    private static final Duration STALE_TEMP_AGE = Duration.ofHours(24);
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");

    private final ModelCatalog catalog;
    private final Path userModelsDir;
    private final ModelSmokeTest smokeTest;
    private final Clock clock;

    /**
     * @param catalog   the catalogue to add to; its user folder receives imports, its bundled folder is checked for
     *                  id clashes
     * @param smokeTest runs the test inference (from the inference layer)
     */
    public ModelImporter(ModelCatalog catalog, ModelSmokeTest smokeTest) {
        this(catalog, smokeTest, Clock.systemUTC());
    }

    ModelImporter(ModelCatalog catalog, ModelSmokeTest smokeTest, Clock clock) {
        this.catalog = catalog;
        this.userModelsDir = catalog.userDir().map(p -> p.toAbsolutePath().normalize()).orElseThrow(
                () -> new IllegalArgumentException("the catalogue has no user models folder to import into"));
        this.smokeTest = smokeTest;
        this.clock = clock;
    }

    public Path userModelsDir() {
        return userModelsDir;
    }

    /** The located model file and the folder its JSON files and external data are read from. */
    record Source(Path modelFile, Path dir) { }

    /**
     * Imports a model.
     *
     * @param source   a folder holding {@code model.onnx} (or a single {@code .onnx} file), or an {@code .onnx} file
     * @param id       the catalogue id to use; by default derived from the folder (or file) name
     * @param listener progress reports
     * @throws ModelImportException with a user-readable message and a {@link Reason}; nothing was installed
     */
    public ImportResult importModel(Path source, Optional<String> id, ProgressListener listener)
            throws ModelImportException {
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        progress.progress("Locating the model", 0.0);
        Source src = locate(source);
        String modelId = id.isPresent() ? validateId(id.get()) : deriveId(src);
        requireFreeId(modelId);

        progress.progress("Reading config.json and preprocessor_config.json", 0.05);
        List<String> warnings = new ArrayList<>();
        ModelConfig config = readConfig(src);
        Path preprocessorFile = src.dir().resolve(ModelInfo.PREPROCESSOR_FILE);
        String generatedPreprocessor = null;
        PreprocessorConfig preprocessor;
        try {
            if (Files.isRegularFile(preprocessorFile)) {
                preprocessor = PreprocessorConfig.read(preprocessorFile, config.family());
            } else {
                generatedPreprocessor = defaultPreprocessorJson(config);
                preprocessor = PreprocessorConfig.parse(generatedPreprocessor, config.family());
                warnings.add("no preprocessor_config.json beside the model: using the Hugging Face "
                        + config.family().displayName() + " defaults (" + preprocessor + ")");
            }
            ModelFolder.checkPreprocessingOutput(config, preprocessor);
        } catch (ModelFormatException e) {
            throw new ModelImportException(Reason.BAD_CONFIG, e.getMessage(), e);
        }

        progress.progress("Reading and checking " + src.modelFile().getFileName(), 0.1);
        ModelProto model = readModel(src);
        OnnxSignature signature = signatureOf(src);
        try {
            ModelFolder.checkGraph(config, signature);
        } catch (ModelFormatException e) {
            String file = src.modelFile().getFileName().toString();
            throw new ModelImportException(Reason.BAD_MODEL, e.getMessage().replace(ModelInfo.MODEL_FILE, file), e);
        }
        List<Path> externalFiles = checkExternalData(model, src);

        ModelProto surgered = null;
        if (signature.attentionOutputs() == 0) {
            progress.progress("Adding attention outputs (graph surgery)", 0.2);
            surgered = addAttentions(model, config, warnings);
        }
        model = null; // a ViT-B graph is ~350 MB: let it go before the copy and the test inference

        Path finalDir = userModelsDir.resolve(modelId);
        // Held here only until it is written: a ViT-B graph is ~350 MB, let it go before the test inference.
        AtomicReference<ModelProto> toWrite = new AtomicReference<>(surgered);
        surgered = null;
        AtomicReference<Installed> installed = new AtomicReference<>();
        String preprocessorJson = generatedPreprocessor; // null: copy the source's file
        try {
            Files.createDirectories(userModelsDir);
            AtomicFiles.removeStaleBuilds(userModelsDir, TEMP_PREFIX, clock.instant().minus(STALE_TEMP_AGE));
            AtomicFiles.writeNewFolder(finalDir, TEMP_PREFIX + modelId + "-", temp -> {
                installed.set(fill(temp, modelId, src, config, signature, toWrite, externalFiles,
                        preprocessorJson, preprocessorFile, warnings, progress));
                progress.progress("Installing as \"" + modelId + "\"", 0.95);
                requireFreeId(modelId); // again: another import may have taken it meanwhile
            });
            ModelInfo info;
            try {
                info = ModelFolder.load(finalDir);
            } catch (ModelFormatException e) {
                // Cannot happen short of concurrent tampering: the same files were validated a moment ago.
                throw new IOException("installed model no longer loads: " + e.getMessage(), e);
            }
            progress.progress("Imported \"" + modelId + "\"", 1.0);
            Installed done = installed.get();
            return new ImportResult(modelId, finalDir, info, src.modelFile(), done.attentionsAdded(),
                    done.externalFiles(), done.smoke(), warnings);
        } catch (IOException e) {
            if (e instanceof FileAlreadyExistsException taken && finalDir.toString().equals(taken.getFile())) {
                throw idTaken(modelId, finalDir); // another import installed the same id while this one ran
            }
            throw new ModelImportException(Reason.IO, "import failed: " + describeIo(e), e);
        }
    }

    /** What {@link #fill} put into the folder being built. */
    private record Installed(boolean attentionsAdded, List<String> externalFiles, String smoke) { }

    /**
     * Writes the model folder into {@code temp} (hidden, inside the user models folder), checks that it loads and
     * runs its test inference.
     */
    private Installed fill(Path temp, String modelId, Source src, ModelConfig config, OnnxSignature signature,
                           AtomicReference<ModelProto> surgered, List<Path> externalFiles, String generatedPreprocessor,
                           Path preprocessorFile, List<String> warnings, ProgressListener progress)
            throws IOException, ModelImportException {
        progress.progress("Copying the model into " + userModelsDir, 0.3);
        Path targetModel = temp.resolve(ModelInfo.MODEL_FILE);
        if (surgered.get() != null) {
            writeModel(surgered.getAndSet(null), targetModel);
        } else {
            Files.copy(src.modelFile(), targetModel);
        }
        List<String> copiedExternal = new ArrayList<>();
        Path realSourceDir = src.dir().toRealPath();
        for (Path file : externalFiles) {
            Path relative = realSourceDir.relativize(file);
            Path target = temp.resolve(relative.toString()).normalize();
            if (!target.startsWith(temp)) {
                throw new ModelImportException(Reason.UNSAFE_EXTERNAL_DATA,
                        "external data file " + file + " is outside the model folder");
            }
            Files.createDirectories(target.getParent());
            Files.copy(file, target);
            copiedExternal.add(relative.toString().replace('\\', '/'));
        }
        Files.copy(src.dir().resolve(ModelInfo.CONFIG_FILE), temp.resolve(ModelInfo.CONFIG_FILE));
        if (generatedPreprocessor != null) {
            Files.writeString(temp.resolve(ModelInfo.PREPROCESSOR_FILE), generatedPreprocessor);
        } else {
            Files.copy(preprocessorFile, temp.resolve(ModelInfo.PREPROCESSOR_FILE));
        }
        boolean attentionsAdded = signature.attentionOutputs() == 0
                && OnnxSignature.read(targetModel).attentionOutputs() > 0;
        writeMeta(temp, modelId, src, config, signature, attentionsAdded, copiedExternal, warnings);

        progress.progress("Checking the imported folder", 0.6);
        ModelInfo candidate;
        try {
            candidate = ModelFolder.load(temp);
        } catch (ModelFormatException e) {
            throw new ModelImportException(Reason.BAD_MODEL, "the imported model is not usable: "
                    + e.getMessage(), e);
        }

        progress.progress("Running a test inference", 0.7);
        String smoke;
        try {
            smoke = smokeTest.run(candidate);
        } catch (Exception e) {
            throw new ModelImportException(Reason.SMOKE_TEST_FAILED, "the model does not run: "
                    + Json.firstLine(e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
        return new Installed(attentionsAdded, copiedExternal, smoke);
    }

    // ------------------------------------------------------------------------------------------ locating, ids

    static Source locate(Path source) throws ModelImportException {
        if (source == null) {
            throw new ModelImportException(Reason.SOURCE_NOT_FOUND, "no model path given");
        }
        Path path = source.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new ModelImportException(Reason.SOURCE_NOT_FOUND, "no such file or folder: " + source);
        }
        if (Files.isDirectory(path)) {
            Path model = path.resolve(ModelInfo.MODEL_FILE);
            if (Files.isRegularFile(model)) {
                return new Source(model, path);
            }
            List<Path> onnx = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(path, "*.onnx")) {
                files.forEach(f -> {
                    if (Files.isRegularFile(f)) {
                        onnx.add(f);
                    }
                });
            } catch (IOException e) {
                throw new ModelImportException(Reason.IO, "cannot list " + path + ": " + e.getMessage(), e);
            }
            if (onnx.size() == 1) {
                return new Source(onnx.get(0), path);
            }
            throw new ModelImportException(Reason.SOURCE_NOT_FOUND, onnx.isEmpty()
                    ? "no model.onnx in " + path + " (export the model with `optimum-cli export onnx`)"
                    : "no model.onnx in " + path + " and several .onnx files " + names(onnx)
                    + ": pass the one to import");
        }
        if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            throw new ModelImportException(Reason.SOURCE_NOT_FOUND, source + " is not an .onnx file or a model"
                    + " folder");
        }
        return new Source(path, path.getParent());
    }

    private static String names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).sorted().toList().toString();
    }

    /** The folder name (or the file name without .onnx when it is not {@code model.onnx}), made a valid id. */
    static String deriveId(Source src) {
        String file = src.modelFile().getFileName().toString();
        String stem = file.substring(0, file.length() - ".onnx".length());
        String base = stem.equalsIgnoreCase("model") && src.dir().getFileName() != null
                ? src.dir().getFileName().toString() : stem;
        return slug(base, "imported-model");
    }

    /**
     * A valid model id made from a name: lower case, runs of other characters as one {@code -}, at most 80
     * characters; {@code fallback} when nothing is left ("Shoes & Bags" is {@code shoes-bags}).
     */
    public static String slug(String name, String fallback) {
        String id = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                .replaceAll("^[._-]+", "").replaceAll("[-]+$", "");
        if (id.length() > 80) {
            id = id.substring(0, 80).replaceAll("[-.]+$", "");
        }
        return id.isEmpty() ? fallback : id;
    }

    /**
     * The id an import of {@code source} would get, made free: the derived id, else it with {@code -2}, {@code -3},
     * ... appended (the workbench imports a dropped folder without asking for an id).
     */
    public String freeId(Path source) throws ModelImportException {
        String base = deriveId(locate(source));
        for (int n = 1; n < 1000; n++) {
            String suffix = n == 1 ? "" : "-" + n;
            String candidate = (base.length() + suffix.length() > 80 ? base.substring(0, 80 - suffix.length()) : base)
                    + suffix;
            if (!Files.exists(userModelsDir.resolve(candidate), LinkOption.NOFOLLOW_LINKS)
                    && catalog.find(candidate).isEmpty()) {
                return candidate;
            }
        }
        throw new ModelImportException(Reason.ID_TAKEN, "no free model id for " + source + " (" + base
                + " ... " + base + "-999 are taken)");
    }

    static String validateId(String id) throws ModelImportException {
        if (id == null || !VALID_ID.matcher(id).matches() || id.endsWith(".")) {
            throw new ModelImportException(Reason.INVALID_ID, "invalid model id \"" + id + "\": use 1-80 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    private void requireFreeId(String id) throws ModelImportException {
        Path userPath = userModelsDir.resolve(id);
        if (Files.exists(userPath, LinkOption.NOFOLLOW_LINKS)) {
            throw idTaken(id, userPath);
        }
        Optional<ModelCatalog.Entry> existing = catalog.find(id);
        if (existing.isPresent()) {
            throw idTaken(id, existing.get().dir());
        }
    }

    private static ModelImportException idTaken(String id, Path where) {
        return new ModelImportException(Reason.ID_TAKEN, "a model with id \"" + id + "\" already exists (" + where
                + "); choose another id with --id");
    }

    // ------------------------------------------------------------------------------------------ reading, checks

    private static ModelConfig readConfig(Source src) throws ModelImportException {
        Path file = src.dir().resolve(ModelInfo.CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelImportException(Reason.NO_CONFIG, "no config.json beside " + src.modelFile().getFileName()
                    + " in " + src.dir() + ": ViTLens needs the Hugging Face config.json (model_type, id2label,"
                    + " image_size, ...); `optimum-cli export onnx` writes it next to model.onnx");
        }
        try {
            return ModelConfig.read(file);
        } catch (ModelFormatException e) {
            throw new ModelImportException(Reason.BAD_CONFIG, e.getMessage(), e);
        }
    }

    private static ModelProto readModel(Source src) throws ModelImportException {
        try {
            return OnnxModelFiles.read(src.modelFile());
        } catch (OnnxModelException e) {
            throw new ModelImportException(Reason.BAD_MODEL, src.modelFile().getFileName()
                    + " is not a readable ONNX model (truncated or corrupt file?): " + Json.firstLine(e.getMessage()),
                    e);
        }
    }

    private static OnnxSignature signatureOf(Source src) throws ModelImportException {
        try {
            return OnnxSignature.read(src.modelFile());
        } catch (IOException | RuntimeException e) {
            throw new ModelImportException(Reason.BAD_MODEL, src.modelFile().getFileName()
                    + " is not a readable ONNX model: " + Json.firstLine(e.getMessage()), e);
        }
    }

    private static List<Path> checkExternalData(ModelProto model, Source src) throws ModelImportException {
        try {
            return ExternalData.checkLocations(model, src.dir());
        } catch (UnsafeExternalDataException e) {
            throw new ModelImportException(Reason.UNSAFE_EXTERNAL_DATA, "refusing to import "
                    + src.modelFile().getFileName() + ": " + e.getMessage(), e);
        } catch (OnnxModelException e) {
            throw new ModelImportException(Reason.BAD_MODEL, src.modelFile().getFileName() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The model with {@code attentions.i} outputs, or null (with a warning) when surgery is impossible: the model
     * still classifies, only attention maps are unavailable.
     */
    private static ModelProto addAttentions(ModelProto model, ModelConfig config, List<String> warnings) {
        try {
            AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(model, false);
            if (result.attentionOutputs().size() != config.layers()) {
                warnings.add("no attention maps: found " + result.attentionOutputs().size() + " attention layers in"
                        + " the graph but config.json num_hidden_layers is " + config.layers());
                return null;
            }
            return result.model();
        } catch (OnnxModelException e) {
            warnings.add("no attention maps: " + e.getMessage());
            return null;
        }
    }

    /** Family defaults sized for the config's image size (HF's defaults assume 224 px inputs). */
    static String defaultPreprocessorJson(ModelConfig config) {
        PreprocessorConfig d = PreprocessorConfig.defaults(config.family());
        ObjectNode o = Json.mapper().createObjectNode();
        int h = config.imageHeight();
        int w = config.imageWidth();
        boolean crop = d.doCenterCrop() && h == 224 && w == 224;
        o.put("do_resize", true);
        ObjectNode size = o.putObject("size");
        size.put("height", crop ? d.size().height() : h).put("width", crop ? d.size().width() : w);
        o.put("resample", d.resample().pilCode());
        o.put("do_center_crop", crop);
        o.putObject("crop_size").put("height", h).put("width", w);
        o.put("do_rescale", d.doRescale());
        o.put("rescale_factor", d.rescaleFactor());
        o.put("do_normalize", d.doNormalize());
        ArrayNode mean = o.putArray("image_mean");
        ArrayNode std = o.putArray("image_std");
        for (int c = 0; c < 3; c++) {
            mean.add(d.imageMean()[c]);
            std.add(d.imageStd()[c]);
        }
        return o.toPrettyString();
    }

    // ------------------------------------------------------------------------------------------ writing

    private static void writeModel(ModelProto model, Path target) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 20)) {
            model.writeTo(out);
        }
    }

    private void writeMeta(Path dir, String id, Source src, ModelConfig config, OnnxSignature signature,
                           boolean attentionsAdded, List<String> externalFiles, List<String> warnings)
            throws IOException {
        VitLensMeta sourceMeta = VitLensMeta.EMPTY;
        Path sourceMetaFile = src.dir().resolve(ModelInfo.META_FILE);
        if (Files.isRegularFile(sourceMetaFile)) {
            try {
                sourceMeta = VitLensMeta.read(sourceMetaFile);
            } catch (ModelFormatException e) {
                warnings.add("ignored the source's vitlens.json: " + e.getMessage());
            }
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("displayName", sourceMeta.displayName() != null ? sourceMeta.displayName() : id);
        o.put("description", !sourceMeta.description().isBlank() ? sourceMeta.description()
                : "Imported " + config.family().displayName() + " model from " + src.modelFile());
        o.put("family", config.family().name().toLowerCase(Locale.ROOT));
        if (sourceMeta.faceClassifier()) {
            o.put("faceClassifier", true); // the export's own vitlens.json says it classifies face crops
        }
        ObjectNode imported = o.putObject("import");
        imported.put("source", src.modelFile().toString());
        imported.put("date", clock.instant().toString());
        imported.put("family", config.family().displayName());
        imported.put("modelType", config.modelType());
        imported.put("head", signature.output(ModelInfo.LOGITS_NAME).isPresent() ? "classifier" : "none");
        imported.put("attentions", signature.attentionOutputs() > 0 ? "native" : attentionsAdded ? "surgery" : "none");
        imported.put("attentionsAddedBySurgery", attentionsAdded);
        ArrayNode external = imported.putArray("externalData");
        externalFiles.forEach(external::add);
        Files.writeString(dir.resolve(ModelInfo.META_FILE),
                Json.mapper().writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
    }

    /** A file-system failure as "path: what happened" (NIO's own messages are often just the path). */
    static String describeIo(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            String what;
            if (f instanceof java.nio.file.AccessDeniedException) {
                what = "permission denied";
            } else if (f instanceof java.nio.file.NoSuchFileException) {
                what = "no such file or folder (or the file system does not allow creating it)";
            } else if (f instanceof java.nio.file.FileAlreadyExistsException) {
                what = "already exists";
            } else {
                what = f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            }
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
