package dev.vitlens.bench;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.onnx.AttentionSurgery;
import dev.vitlens.onnx.DynamicQuantization;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The benchmark's "explain" twin of a model: {@link AttentionSurgery} output with {@code attentions.i} (promoted
 * when the graph lacks them) and the in-graph head means {@code attention_mean.i}. Cached under
 * {@code <work dir>/derived/<id>-<size>-<mtime>/} (default work dir {@code <cache>/bench}); the user's model folder is only read.
 */
final class DerivedModels {
    private DerivedModels() {
    }

    /** The twin's folder (model.onnx plus copies of the JSON configs) and its attention/mean output names. */
    record Twin(ModelInfo info, List<String> attentionOutputs, List<String> meanOutputs) {
    }

    /** The INT8 twin: {@link DynamicQuantization} of the weight MatMuls. */
    record Quantized(ModelInfo info, int matMuls, long floatMb, long int8Mb) {
    }

    static Quantized int8(ModelInfo info, Path workDir) throws OnnxModelException, IOException {
        Path original = info.modelFile();
        Path dir = workDir.resolve("int8").resolve(key(info));
        Path model = dir.resolve(ModelInfo.MODEL_FILE);
        Path facts = dir.resolve("quantization.txt");
        if (!Files.isRegularFile(model) || !Files.isRegularFile(facts)) {
            DynamicQuantization.Result result = DynamicQuantization.quantize(OnnxModelFiles.read(original));
            OnnxModelFiles.saveDerived(result.model(), original, model);
            copyConfigs(info, dir);
            Files.writeString(facts, result.quantizedMatMuls().size() + " " + result.floatBytes() / 1_000_000 + " "
                    + result.int8Bytes() / 1_000_000);
        }
        String[] f = Files.readString(facts).trim().split(" ");
        ModelInfo twin = new ModelInfo(info.id() + "+int8", dir, info.config(), info.preprocessor(), info.meta(),
                info.layout(), info.signature());
        return new Quantized(twin, Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
    }

    private static String key(ModelInfo info) throws IOException {
        Path original = info.modelFile();
        return info.id().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + Files.size(original) + "-"
                + Files.getLastModifiedTime(original).toMillis();
    }

    private static void copyConfigs(ModelInfo info, Path dir) throws IOException {
        for (String json : new String[] {ModelInfo.CONFIG_FILE, ModelInfo.PREPROCESSOR_FILE}) {
            Files.copy(info.dir().resolve(json), dir.resolve(json), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static Twin withHeadMeans(ModelInfo info, Path workDir) throws OnnxModelException, IOException {
        Path original = info.modelFile();
        String key = key(info);
        Path dir = workDir.resolve("derived").resolve(key);
        Path model = dir.resolve(ModelInfo.MODEL_FILE);
        ModelProto proto;
        if (!Files.isRegularFile(model)) {
            AttentionSurgery.Result result = AttentionSurgery.addAttentionOutputs(OnnxModelFiles.read(original), true);
            OnnxModelFiles.saveDerived(result.model(), original, model);
            copyConfigs(info, dir);
            proto = result.model();
        } else {
            proto = OnnxModelFiles.read(model);
        }
        List<String> attentions = AttentionSurgery.attentionOutputs(proto);
        List<String> means = AttentionSurgery.meanOutputs(proto);
        ModelInfo twin = new ModelInfo(info.id() + "+head-means", dir, info.config(), info.preprocessor(),
                info.meta(), info.layout(), info.signature());
        return new Twin(twin, attentions, means);
    }
}
