package dev.vitlens.inference;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.onnx.AttentionSurgery;
import dev.vitlens.onnx.ExternalData;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * A runnable variant of a model that outputs its attentions. Models exported with only {@code logits} get the
 * {@link AttentionSurgery} treatment once: the derived model ({@code attentions.i} and {@code attention_mean.i}
 * outputs added) is written with copies of the model's JSON files into
 * {@code <cache>/attention-models/<key>/}, keyed by the original file's path, size and modification time, and
 * reused afterwards. The user's model folder is never written to.
 */
public final class AttentionModelCache {
    /** Bump when the surgery output changes, so stale derived models are not reused. */
    private static final String SURGERY_VERSION = "surgery-v1";

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
        if (info.hasAttentions()) {
            return new Resolved(info, false);
        }
        Path target = root.resolve(key(info.modelFile()));
        if (Files.isRegularFile(target.resolve(ModelInfo.MODEL_FILE))) {
            try {
                return new Resolved(ModelFolder.load(target), true);
            } catch (ModelFormatException e) {
                deleteRecursively(target); // unreadable leftover: rebuild below
            }
        }
        ModelProto derived;
        try {
            ModelProto original = OnnxModelFiles.read(info.modelFile());
            if (ExternalData.usesExternalData(original)) {
                throw new ModelLoadException(info.id() + " has no attention outputs and keeps its weights in external "
                        + "data files; adding attention outputs to such models is not supported");
            }
            derived = AttentionSurgery.addAttentionOutputs(original, true).model();
        } catch (OnnxModelException e) {
            throw new ModelLoadException(info.id() + " has no attention outputs and they cannot be added: "
                    + e.getMessage(), e);
        }
        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, ".building-");
            Files.write(tmp.resolve(ModelInfo.MODEL_FILE), derived.toByteArray());
            for (String name : new String[] {ModelInfo.CONFIG_FILE, ModelInfo.PREPROCESSOR_FILE, ModelInfo.META_FILE}) {
                Path source = info.dir().resolve(name);
                if (Files.isRegularFile(source)) {
                    Files.copy(source, tmp.resolve(name));
                }
            }
            Files.writeString(tmp.resolve("SOURCE.txt"), "derived by ViTLens (" + SURGERY_VERSION + ") from "
                    + info.modelFile().toAbsolutePath() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            tmp = null;
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            // another process finished the same derivation first: use theirs
        } catch (IOException e) {
            throw new ModelLoadException("cannot write the attention-enabled copy of " + info.id() + " to " + target
                    + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                deleteRecursively(tmp);
            }
        }
        try {
            return new Resolved(ModelFolder.load(target), true);
        } catch (ModelFormatException e) {
            throw new ModelLoadException("the attention-enabled copy of " + info.id() + " is invalid: "
                    + e.getMessage(), e);
        }
    }

    static String key(Path modelFile) throws ModelLoadException {
        try {
            Path real = modelFile.toRealPath();
            String identity = SURGERY_VERSION + "\n" + real + "\n" + Files.size(real) + "\n"
                    + Files.getLastModifiedTime(real).toMillis();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + modelFile + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
