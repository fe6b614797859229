package dev.vitlens.internals;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.testing.ExportedWeights;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.vitlens.testing.ExportedWeights.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The lens against the head recomputed in plain Java from torch's named weights: per layer on the whole hidden
 * state, and per patch on a state whose every row is that patch's token (the definition of reading one token as if
 * it were what the head pools); the 2-token shortcut must give what the full-length state gives.
 */
class LogitLensTest {
    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> bundledModels() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String id : List.of("vit-fashion", "deit-mask", "beit-fashion")) {
            tests.add(DynamicTest.dynamicTest(id, () -> check(id)));
        }
        return tests;
    }

    private void check(String id) throws Exception {
        ModelInfo info = ModelFolder.load(Path.of("models", id));
        ModelProto model = OnnxModelFiles.read(info.modelFile());
        String family = info.family().name().toLowerCase(java.util.Locale.ROOT);
        try (InternalsSession session = InternalsSession.open(info, RunnerOptions.on(Device.CPU).withThreads(2, 1),
                new AttentionModelCache(tmp))) {
            ModelInternals internals = session.analyse(InternalsSessionTest.testImage(100, 80, 11));
            Readout readout = session.readout().orElseThrow();
            LogitLens.Result lens = LogitLens.compute(internals, readout);
            float[][][] hidden = internals.hiddenStates();
            int prefix = info.layout().prefixTokens();
            int tokens = hidden[0].length;
            for (int l = 0; l < hidden.length; l++) {
                assertClose(ExportedWeights.softmax(ExportedWeights.head(model, family, hidden[l])),
                        lens.layerProbabilities()[l], 1e-4, id + " layer " + l);
                for (int p = 0; p < info.layout().patches(); p += 7) {
                    float[][] everyRow = new float[tokens][];
                    Arrays.fill(everyRow, hidden[l][prefix + p]);
                    assertClose(ExportedWeights.softmax(ExportedWeights.head(model, family, everyRow)),
                            lens.patchProbabilities()[l][p], 1e-4, id + " layer " + l + " patch " + p);
                }
            }
            // the same lens through full-length states only
            Readout fullLength = new Readout() {
                @Override
                public Result apply(float[][][] h) throws InferenceException {
                    return readout.apply(h);
                }

                @Override
                public void close() {
                }
            };
            LogitLens.Result slow = LogitLens.compute(internals, fullLength);
            for (int l = 0; l < hidden.length; l++) {
                assertEquals(lens.patchProbabilities()[l].length, slow.patchProbabilities()[l].length);
                for (int p = 0; p < lens.patchProbabilities()[l].length; p++) {
                    assertClose(slow.patchProbabilities()[l][p], lens.patchProbabilities()[l][p], 1e-5,
                            id + " 2-token vs full-length, layer " + l + " patch " + p);
                }
            }
        }
    }
}
