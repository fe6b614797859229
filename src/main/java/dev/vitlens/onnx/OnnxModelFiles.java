package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vitlens.output.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading and writing ONNX {@link ModelProto}s. Nothing here ever writes over a model the user gave us. */
public final class OnnxModelFiles {
    /** Protobuf messages cannot exceed 2 GiB; bigger models keep their weights in external data files. */
    private static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;

    private OnnxModelFiles() {
    }

    /** Reads {@code model.onnx}. External data files are not loaded; see {@link ExternalData}. */
    public static ModelProto read(Path path) throws OnnxModelException {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new OnnxModelException("model file not found: " + path);
        } catch (IOException e) {
            throw new OnnxModelException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
        if (size > PROTOBUF_LIMIT) {
            throw new OnnxModelException("model file " + path + " is " + size + " bytes; an ONNX protobuf cannot exceed "
                    + "2 GiB (larger models must keep their weights in external data files)");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return parse(in, path.toString());
        } catch (IOException e) {
            throw new OnnxModelException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Parses a serialized model. */
    public static ModelProto parse(byte[] bytes) throws OnnxModelException {
        try {
            return parse(CodedInputStream.newInstance(bytes), "model bytes");
        } catch (IOException e) {
            throw new OnnxModelException("not a valid ONNX model: " + e.getMessage(), e);
        }
    }

    private static ModelProto parse(InputStream in, String what) throws IOException, OnnxModelException {
        return parse(CodedInputStream.newInstance(in, 1 << 16), what);
    }

    private static ModelProto parse(CodedInputStream coded, String what) throws IOException, OnnxModelException {
        // Default limits are far below a ViT-B's 330 MB of initializers.
        coded.setSizeLimit(Integer.MAX_VALUE);
        ModelProto model;
        try {
            model = ModelProto.parseFrom(coded);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxModelException(what + " is not a valid ONNX model: " + e.getMessage(), e);
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new OnnxModelException(what + " is not an ONNX model (no graph nodes)");
        }
        return model;
    }

    /**
     * Saves a derived model (e.g. after {@link AttentionSurgery}) into a cache path chosen by the caller, atomically
     * (temporary file in the target folder, then a rename). Refuses to write to the original model's path.
     *
     * @param original the model file the derived model came from, which must never be overwritten
     */
    public static void saveDerived(ModelProto model, Path original, Path target) throws OnnxModelException {
        Path absTarget = target.toAbsolutePath().normalize();
        Path absOriginal = original.toAbsolutePath().normalize();
        try {
            if (absTarget.equals(absOriginal) || (Files.exists(absTarget) && Files.isSameFile(absTarget, absOriginal))) {
                throw new OnnxModelException("refusing to overwrite the original model " + original
                        + "; derived models go to a separate cache path");
            }
        } catch (IOException e) {
            throw new OnnxModelException("cannot check target path " + target + ": " + e.getMessage(), e);
        }
        if (ExternalData.usesExternalData(model)) {
            throw new OnnxModelException("model keeps weights in external data files whose locations are relative to "
                    + absOriginal.getParent() + "; a copy saved elsewhere could not find them");
        }
        writeAtomically(model, absTarget);
    }

    /** Writes {@code model} to {@code target} through a temporary file and an atomic rename. */
    static void writeAtomically(ModelProto model, Path target) throws OnnxModelException {
        try {
            AtomicFiles.write(target, model::writeTo);
        } catch (IOException e) {
            throw new OnnxModelException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
