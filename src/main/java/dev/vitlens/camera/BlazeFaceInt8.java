package dev.vitlens.camera;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.onnx.ChannelBlocks;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.onnx.StaticQuantization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The INT8 variant of the bundled BlazeFace: the graph as {@link ChannelBlocks} rewrites it, quantised by
 * {@link StaticQuantization} with the activation ranges of {@link #RANGES}, a resource next to this class measured
 * by {@code BlazeFaceInt8Check --calibrate} (src/bench/java) on face-mask images. The quantisation runs at load (a
 * few milliseconds) rather than shipping a second .onnx file: the ranges file is small, readable and diffable, and
 * the int8 graph cannot drift from the fp32 one or from the rewrite. The ranges are keyed by the rewritten graph's
 * tensor names, so another model file (or a change to the rewrite that renames tensors) is refused, not quantised
 * with wrong ranges.
 */
final class BlazeFaceInt8 {

    /** Calibrated activation ranges of the bundled model after {@link ChannelBlocks}. */
    static final String RANGES = "face_detection_front_128x128_int8_ranges.txt";

    private BlazeFaceInt8() {
    }

    /** The bundled model's graph as the detector runs it in fp32 (rewritten for the blocked layout). */
    static ModelProto blocked(byte[] fp32) throws OnnxModelException {
        return ChannelBlocks.rewrite(OnnxModelFiles.parse(fp32)).model();
    }

    /** The graph calibrated and quantised: {@link #blocked} after cross-layer equalisation (exact in float). */
    static ModelProto prepared(byte[] fp32) throws OnnxModelException {
        return StaticQuantization.equalize(blocked(fp32));
    }

    /** @throws OnnxModelException when the graph is not the bundled model's (no range for one of its tensors) */
    static byte[] quantize(byte[] fp32) throws OnnxModelException {
        return StaticQuantization.quantize(prepared(fp32), ranges()).bytes();
    }

    static Map<String, StaticQuantization.Range> ranges() throws OnnxModelException {
        try (InputStream in = BlazeFaceInt8.class.getResourceAsStream(RANGES)) {
            if (in == null) {
                throw new OnnxModelException("resource " + RANGES + " is missing from the build");
            }
            return StaticQuantization.parseRanges(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new OnnxModelException("cannot read " + RANGES + ": " + e.getMessage());
        }
    }

    /**
     * The operators ONNX Runtime runs after its graph optimisations (level ALL, as {@code OnnxGraph} loads, one
     * thread), counted by {@code domain.op}: shows whether the QDQ pairs were fused into integer kernels.
     */
    static Map<String, Integer> optimizedOperators(byte[] onnx) throws Exception {
        Path file = Files.createTempFile("vitlens-optimized", ".onnx");
        try {
            BigStack.call("vitlens-optimize", () -> {
                OrtEnvironment env = ModelRunner.sharedEnvironment();
                try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    so.setIntraOpNumThreads(1);
                    so.setInterOpNumThreads(1);
                    so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                    so.setOptimizedModelFilePath(file.toString());
                    env.createSession(onnx, so).close();
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            Map<String, Integer> ops = new TreeMap<>();
            for (NodeProto n : OnnxModelFiles.read(file).getGraph().getNodeList()) {
                ops.merge((n.getDomain().isEmpty() ? "" : n.getDomain() + ".") + n.getOpType(), 1, Integer::sum);
            }
            return ops;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
