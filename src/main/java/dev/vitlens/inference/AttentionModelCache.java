package dev.vitlens.inference;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.onnx.AttentionSurgery;
import dev.vitlens.onnx.ExternalData;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.output.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Runnable variants of a model, derived once and kept on disk. The standard variant ({@link #ATTENTIONS}) outputs the
 * attentions: models exported with only {@code logits} get the {@link AttentionSurgery} treatment once, and the
 * derived model ({@code attentions.i} and {@code attention_mean.i} outputs added) is written with copies of the
 * model's JSON files into {@code <cache>/attention-models/<key>/}, keyed by the variant and the original file's path,
 * size and modification time, and reused afterwards. Other {@link Variant}s (e.g. the teaching views' copy with
 * hidden-state outputs and a read-out) are cached the same way. The user's model folder is never written to.
 */
public final class AttentionModelCache {
    /** Bump when the surgery output changes, so stale derived models are not reused. */
    private static final String SURGERY_VERSION = "surgery-v1";

    /** One way of deriving a runnable copy of a model; its files are written once and reused. */
    public interface Variant {
        /** Part of the cache key: change it whenever the derived files change, so stale copies are not reused. */
        String version();

        /** What the derivation adds, for messages ("attention outputs"). */
        String adds();

        /** What the derived copy is called in messages ("attention-enabled copy"). */
        String copyName();

        /** Whether the model can run as it is (nothing derived, nothing written). */
        boolean runsAsIs(ModelInfo info);

        /**
         * The files of the derived folder besides the copied JSON files: {@code model.onnx} and any others (name to
         * bytes).
         */
        Map<String, byte[]> derive(ModelInfo info, ModelProto original) throws OnnxModelException;
    }

    /** The copy with {@code attentions.i} and {@code attention_mean.i} outputs. */
    public static final Variant ATTENTIONS = new Variant() {
        @Override
        public String version() {
            return SURGERY_VERSION;
        }

        @Override
        public String adds() {
            return "attention outputs";
        }

        @Override
        public String copyName() {
            return "attention-enabled copy";
        }

        @Override
        public boolean runsAsIs(ModelInfo info) {
            return info.hasAttentions();
        }

        @Override
        public Map<String, byte[]> derive(ModelInfo info, ModelProto original) throws OnnxModelException {
            return Map.of(ModelInfo.MODEL_FILE, AttentionSurgery.addAttentionOutputs(original, true).bytes());
        }
    };

    private final Path root;

    /**
     * @param model   what to run: the original when it already outputs attentions, else the derived copy
     * @param derived whether {@code model} is a derived copy
     */
    public record Resolved(ModelInfo model, boolean derived) { }

    public AttentionModelCache(Path root) {
        this.root = root;
    }

    /** Overrides the folder of derived models (tests point it at a temporary folder). */
    public static final String DIR_PROPERTY = "vitlens.attention.cache.dir";

    /** {@code -Dvitlens.attention.cache.dir}, else {@code attention-models} under {@link OrtNatives#cacheRoot()}. */
    public static AttentionModelCache standard() {
        String property = System.getProperty(DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return new AttentionModelCache(Path.of(property));
        }
        return new AttentionModelCache(OrtNatives.cacheRoot().resolve("attention-models"));
    }

    /**
     * @throws ModelLoadException when the attention Softmax nodes cannot be found (fused attention, unusual graph),
     *                            the model keeps weights in external data, or the cache cannot be written
     */
    public Resolved withAttentions(ModelInfo info) throws ModelLoadException {
        return resolve(info, ATTENTIONS);
    }

    /**
     * The model itself when {@code variant} says it runs as it is, else its derived copy (built on first use).
     *
     * @throws ModelLoadException when the derivation fails (its message says why), the model keeps weights in
     *                            external data, or the cache cannot be written
     */
    public Resolved resolve(ModelInfo info, Variant variant) throws ModelLoadException {
        if (variant.runsAsIs(info)) {
            return new Resolved(info, false);
        }
        Path target = root.resolve(key(info.modelFile(), variant.version()));
        if (Files.isRegularFile(target.resolve(ModelInfo.MODEL_FILE))) {
            try {
                return new Resolved(ModelFolder.load(target), true);
            } catch (ModelFormatException e) {
                AtomicFiles.deleteTree(target); // unreadable leftover: rebuild below
            }
        }
        Map<String, byte[]> derived = derive(info, variant);
        if (!derived.containsKey(ModelInfo.MODEL_FILE)) {
            throw new IllegalStateException("a derivation must write " + ModelInfo.MODEL_FILE);
        }
        try {
            // Another process may finish the same derivation first: then its copy is used.
            AtomicFiles.writeSharedFolder(target, building -> {
                for (Map.Entry<String, byte[]> file : derived.entrySet()) {
                    Files.write(building.resolve(file.getKey()), file.getValue());
                }
                for (String name : new String[] {ModelInfo.CONFIG_FILE, ModelInfo.PREPROCESSOR_FILE,
                        ModelInfo.META_FILE}) {
                    Path source = info.dir().resolve(name);
                    if (Files.isRegularFile(source)) {
                        Files.copy(source, building.resolve(name));
                    }
                }
                Files.writeString(building.resolve("SOURCE.txt"), "derived by ViTLens (" + variant.version()
                        + ") from " + info.modelFile().toAbsolutePath() + "\n", StandardCharsets.UTF_8);
            });
        } catch (IOException e) {
            throw new ModelLoadException("cannot write the " + variant.copyName() + " of " + info.id() + " to " + target
                    + ": " + e.getMessage(), e);
        }
        try {
            return new Resolved(ModelFolder.load(target), true);
        } catch (ModelFormatException e) {
            throw new ModelLoadException("the " + variant.copyName() + " of " + info.id() + " is invalid: "
                    + e.getMessage(), e);
        }
    }

    private static Map<String, byte[]> derive(ModelInfo info, Variant variant) throws ModelLoadException {
        try {
            ModelProto original = OnnxModelFiles.read(info.modelFile());
            if (ExternalData.usesExternalData(original)) {
                throw new ModelLoadException(info.id() + " has no " + variant.adds() + " and keeps its weights in "
                        + "external data files; adding " + variant.adds() + " to such models is not supported");
            }
            return variant.derive(info, original);
        } catch (OnnxModelException e) {
            throw new ModelLoadException(info.id() + " has no " + variant.adds() + " and they cannot be added: "
                    + e.getMessage(), e);
        }
    }

    static String key(Path modelFile, String version) throws ModelLoadException {
        try {
            Path real = modelFile.toRealPath();
            String identity = version + "\n" + real + "\n" + Files.size(real) + "\n"
                    + Files.getLastModifiedTime(real).toMillis();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + modelFile + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
