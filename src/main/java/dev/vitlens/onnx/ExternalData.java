package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Tensors whose bytes live in a separate file ({@code data_location = EXTERNAL}, e.g. {@code model.onnx_data}).
 * ONNX resolves their {@code location} relative to the model's folder; a crafted model could point it at any file on
 * disk ({@code ../../.ssh/id_rsa}, an absolute path, a symlink), so every location is checked before a model is
 * imported or run.
 */
public final class ExternalData {
    private ExternalData() {
    }

    /** One external tensor: its name and the location string as written in the model. */
    public record Reference(String tensorName, String location) { }

    public static boolean usesExternalData(ModelProto model) {
        return !references(model).isEmpty();
    }

    /** Every external-data reference in the model: graph and subgraph initializers, constants, functions, training info. */
    public static List<Reference> references(ModelProto model) {
        List<Reference> refs = new ArrayList<>();
        Consumer<TensorProto> collect = t -> {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                String location = null;
                for (StringStringEntryProto e : t.getExternalDataList()) {
                    if (e.getKey().equals("location")) {
                        location = e.getValue();
                    }
                }
                refs.add(new Reference(t.getName(), location));
            }
        };
        visitGraph(model.getGraph(), collect);
        for (FunctionProto f : model.getFunctionsList()) {
            visitNodes(f.getNodeList(), collect);
        }
        for (TrainingInfoProto info : model.getTrainingInfoList()) {
            visitGraph(info.getInitialization(), collect);
            visitGraph(info.getAlgorithm(), collect);
        }
        return refs;
    }

    /**
     * Checks every external-data location of {@code model} stored in {@code modelDir} and returns the distinct files
     * they name (real paths).
     *
     * @throws UnsafeExternalDataException if a location is absolute, contains {@code ..}, or resolves (through symlinks
     *                                     too) outside {@code modelDir}
     * @throws OnnxModelException          if a referenced file is missing or is not a regular file
     */
    public static List<Path> checkLocations(ModelProto model, Path modelDir) throws OnnxModelException {
        Set<Path> files = new LinkedHashSet<>();
        for (Reference ref : references(model)) {
            files.add(resolveSafely(modelDir, ref));
        }
        return List.copyOf(files);
    }

    /** Resolves one reference inside {@code modelDir}, rejecting anything that could escape it. */
    static Path resolveSafely(Path modelDir, Reference ref) throws OnnxModelException {
        String location = ref.location();
        String what = "tensor '" + ref.tensorName() + "'";
        if (location == null || location.isBlank()) {
            throw new UnsafeExternalDataException("unsafe external data location for " + what
                    + ": the tensor is marked external but names no file");
        }
        if (location.indexOf('\0') >= 0) {
            throw unsafe(location, what, "it contains a NUL character");
        }
        if (location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")) {
            throw unsafe(location, what, "it is an absolute path");
        }
        for (String part : location.split("[/\\\\]")) {
            if (part.equals("..")) {
                throw unsafe(location, what, "it contains '..'");
            }
        }
        Path dir = modelDir.toAbsolutePath().normalize();
        Path resolved;
        try {
            Path relative = Path.of(location);
            if (relative.isAbsolute()) {
                throw unsafe(location, what, "it is an absolute path");
            }
            resolved = dir.resolve(relative).normalize();
        } catch (InvalidPathException e) {
            throw unsafe(location, what, "it is not a valid path (" + e.getReason() + ")");
        }
        if (!resolved.startsWith(dir) || resolved.equals(dir)) {
            throw unsafe(location, what, "it resolves outside the model folder " + dir);
        }
        if (!Files.exists(resolved)) {
            if (Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
                throw unsafe(location, what, "it is a symbolic link to a missing target");
            }
            throw new OnnxModelException("external data file '" + location + "' for " + what + " is missing from "
                    + dir);
        }
        Path real;
        Path realDir;
        try {
            real = resolved.toRealPath();
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new OnnxModelException("cannot resolve external data file '" + location + "': " + e.getMessage(), e);
        }
        if (!real.startsWith(realDir)) {
            throw unsafe(location, what, "it leads through a symbolic link to " + real + ", outside the model folder");
        }
        if (!Files.isRegularFile(real)) {
            throw new OnnxModelException("external data location '" + location + "' for " + what
                    + " is not a regular file");
        }
        return real;
    }

    private static UnsafeExternalDataException unsafe(String location, String what, String why) {
        return new UnsafeExternalDataException("unsafe external data location '" + location + "' for " + what
                + ": " + why);
    }

    private static void visitGraph(GraphProto graph, Consumer<TensorProto> visitor) {
        graph.getInitializerList().forEach(visitor);
        for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
            visitSparse(sparse, visitor);
        }
        visitNodes(graph.getNodeList(), visitor);
    }

    private static void visitNodes(List<NodeProto> nodes, Consumer<TensorProto> visitor) {
        for (NodeProto node : nodes) {
            for (AttributeProto a : node.getAttributeList()) {
                if (a.hasT()) {
                    visitor.accept(a.getT());
                }
                a.getTensorsList().forEach(visitor);
                if (a.hasSparseTensor()) {
                    visitSparse(a.getSparseTensor(), visitor);
                }
                for (SparseTensorProto sparse : a.getSparseTensorsList()) {
                    visitSparse(sparse, visitor);
                }
                if (a.hasG()) {
                    visitGraph(a.getG(), visitor);
                }
                for (GraphProto g : a.getGraphsList()) {
                    visitGraph(g, visitor);
                }
            }
        }
    }

    private static void visitSparse(SparseTensorProto sparse, Consumer<TensorProto> visitor) {
        visitor.accept(sparse.getValues());
        visitor.accept(sparse.getIndices());
    }
}
