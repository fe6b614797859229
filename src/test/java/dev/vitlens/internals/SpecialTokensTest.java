package dev.vitlens.internals;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.testing.ExportedWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.vitlens.testing.ExportedWeights.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each family's special tokens do, with DeiT's numbers against a naive computation in the test. */
class SpecialTokensTest {
    private static final RunnerOptions CPU = RunnerOptions.on(Device.CPU).withThreads(2, 1);

    @TempDir
    Path tmp;

    @Test
    void deitHasTwoTokensAndTwoHeads() throws Exception {
        ModelInfo info = ModelFolder.load(Path.of("models", "deit-mask"));
        ModelProto model = OnnxModelFiles.read(info.modelFile());
        try (InternalsSession session = InternalsSession.open(info, CPU, new AttentionModelCache(tmp))) {
            ModelInternals internals = session.analyse(InternalsSessionTest.testImage(64, 64, 4));
            SpecialTokens.Result r = SpecialTokens.compute(internals, session.readout().orElseThrow());
            assertEquals(SpecialTokens.Pooling.CLS_AND_DISTILLATION_TOKENS, r.pooling());
            assertTrue(r.hasDistillationToken());
            float[][][] h = internals.hiddenStates();
            assertEquals(h.length, r.clsDistSimilarity().length);
            for (int l = 0; l < h.length; l++) {
                double dot = 0;
                double a = 0;
                double b = 0;
                for (int d = 0; d < h[l][0].length; d++) {
                    dot += h[l][0][d] * h[l][1][d];
                    a += h[l][0][d] * h[l][0][d];
                    b += h[l][1][d] * h[l][1][d];
                }
                assertEquals(dot / Math.sqrt(a * b), r.clsDistSimilarity()[l], 1e-5, "layer " + l);
            }
            assertEquals(List.of("cls", "distillation"), List.copyOf(r.headProbabilities().keySet()));
            float[][] last = h[h.length - 1];
            float[] cls = ExportedWeights.softmax(ExportedWeights.linear(model, "model.cls_classifier",
                    ExportedWeights.layerNorm(model, "/model/deit/layernorm", last[0])));
            float[] dist = ExportedWeights.softmax(ExportedWeights.linear(model, "model.distillation_classifier",
                    ExportedWeights.layerNorm(model, "/model/deit/layernorm", last[1])));
            assertClose(cls, r.headProbabilities().get("cls"), 1e-4, "[CLS] head");
            assertClose(dist, r.headProbabilities().get("distillation"), 1e-4, "[DIST] head");
            assertTrue(r.description().contains("[DIST]"), r.description());
        }
    }

    @Test
    void vitReadsClsAndBeitThePatchMean() throws Exception {
        for (String id : List.of("vit-fashion", "beit-fashion")) {
            ModelInfo info = ModelFolder.load(Path.of("models", id));
            try (InternalsSession session = InternalsSession.open(info, CPU, new AttentionModelCache(tmp))) {
                ModelInternals internals = session.analyse(InternalsSessionTest.testImage(28, 28, 4));
                SpecialTokens.Result r = SpecialTokens.compute(internals, session.readout().orElseThrow());
                assertFalse(r.hasDistillationToken(), id);
                assertNull(r.clsDistSimilarity(), id);
                assertTrue(r.headProbabilities().isEmpty(), id);
                if (id.startsWith("vit")) {
                    assertEquals(SpecialTokens.Pooling.CLS_TOKEN, r.pooling());
                    assertTrue(r.description().contains("[CLS]"), r.description());
                } else {
                    assertEquals(SpecialTokens.Pooling.MEAN_OF_PATCHES, r.pooling());
                    assertTrue(r.description().contains("mean of the patch tokens"), r.description());
                }
            }
        }
    }
}
