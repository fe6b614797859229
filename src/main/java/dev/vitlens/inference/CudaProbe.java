package dev.vitlens.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks, before asking ONNX Runtime for CUDA, whether the CUDA provider library and its CUDA/cuDNN dependencies
 * can be loaded at all. Loading it with {@link System#load} reports the first missing dependency by name (ORT only
 * says "Failed to load shared library"). Linux only; elsewhere ORT's own error is used.
 */
final class CudaProbe {
    private static volatile Optional<String> cached;

    private CudaProbe() {
    }

    /** A reason such as "CUDA libraries not found: libcublasLt.so.12", or empty when loading works/can't tell. */
    static Optional<String> missingLibraries() {
        Optional<String> result = cached;
        if (result == null) {
            result = probe();
            cached = result;
        }
        return result;
    }

    private static Optional<String> probe() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String nativeDir = System.getProperty(OrtNatives.NATIVE_PATH_PROPERTY);
        if (!os.contains("linux") || nativeDir == null) {
            return Optional.empty();
        }
        Path provider = Paths.get(nativeDir).resolve(System.mapLibraryName("onnxruntime_providers_cuda"));
        if (!Files.isRegularFile(provider)) {
            return Optional.of("this ONNX Runtime build has no CUDA support (no " + provider.getFileName() + ")");
        }
        try {
            // The shared provider bridge is a dependency of the CUDA provider; ORT has it loaded already by path.
            Path shared = provider.resolveSibling(System.mapLibraryName("onnxruntime_providers_shared"));
            if (Files.isRegularFile(shared)) {
                System.load(shared.toString());
            }
            System.load(provider.toString());
            return Optional.empty();
        } catch (UnsatisfiedLinkError e) {
            return Optional.of(CudaFailures.reason(e));
        }
    }
}
