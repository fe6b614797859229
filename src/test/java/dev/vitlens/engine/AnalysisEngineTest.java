package dev.vitlens.engine;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.engine.method.ParameterValues;
import dev.vitlens.explain.AttentionRollout;
import dev.vitlens.explain.Query;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.onnx.TinyVit;
import dev.vitlens.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening models for analysis: when attention outputs are added, required, or reported missing with the reason. */
class AnalysisEngineTest {
    @TempDir
    Path tmp;

    private AnalysisEngine engine() {
        return new AnalysisEngine(RunnerOptions.on(Device.CPU), new AttentionModelCache(tmp.resolve("cache")));
    }

    private static RgbImage picture() {
        BufferedImage image = new BufferedImage(36, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 36; x++) {
                image.setRGB(x, y, (x * 7) << 16 | (y * 5) << 8 | (x * y) % 256);
            }
        }
        return RgbImage.from(image);
    }

    @Test
    void aLogitsOnlyModelIsAnalysedThroughItsDerivedCopyLikeTheNativeExport() throws Exception {
        ModelInfo plain = ModelFolder.load(TinyVit.forImages(5, 2, 2, 4, 32, 8).writeFolder(tmp.resolve("plain")));
        ModelInfo nat = ModelFolder.load(TinyVit.forImages(5, 2, 2, 4, 32, 8).withNativeAttentions(true)
                .writeFolder(tmp.resolve("native")));
        try (ModelSession derived = engine().open(plain, AnalysisEngine.AttentionOutputs.IF_POSSIBLE);
             ModelSession original = engine().open(nat, AnalysisEngine.AttentionOutputs.IF_POSSIBLE)) {
            assertTrue(derived.attentionsAdded());
            assertFalse(original.attentionsAdded());
            assertEquals("plain", derived.model().id(), "the user's model keeps its identity");
            Analysis a = derived.analyse(picture(), 3, true);
            Analysis b = original.analyse(picture(), 3, true);
            assertTrue(a.hasAttentions() && a.attentionsAdded());
            assertEquals(b.top().get(0).index(), a.top().get(0).index());
            Explanation ra = derived.explain(a, ExplanationMethods.defaultMethod(), ParameterValues.none(), null);
            Explanation rb = original.explain(b, ExplanationMethods.defaultMethod(), ParameterValues.none(), null);
            assertArrayEquals(rb.grid().values(), ra.grid().values(), 1e-6f);
            // The engine's rollout is the explain package's rollout of the attentions it kept.
            assertArrayEquals(AttentionRollout.standard().compute(a.attentions(), a.layout(), a.family(), Query.AUTO)
                    .values(), ra.grid().values(), 1e-6f);
            assertFalse(derived.analyse(picture(), 3, false).hasAttentions(), "a gallery run keeps none");
        }
    }

    @Test
    void withoutAttentionStructureItClassifiesAndSaysWhyThereAreNoAttentions() throws Exception {
        ModelInfo info = ModelFolder.load(TinyModels.writeVitFolder(tmp.resolve("flat"), 28, 7, 4, 0, 0));
        ModelLoadException required = assertThrows(ModelLoadException.class,
                () -> engine().open(info, AnalysisEngine.AttentionOutputs.REQUIRED));
        assertTrue(required.getMessage().contains("no attention Softmax found"), required.getMessage());
        try (ModelSession session = engine().open(info, AnalysisEngine.AttentionOutputs.IF_POSSIBLE)) {
            Analysis a = session.analyse(picture(), 2, true);
            assertEquals(2, a.top().size());
            assertFalse(a.hasAttentions());
            assertTrue(a.noAttentionsReason().contains("no attention Softmax found"), a.noAttentionsReason());
            IllegalArgumentException rollout = assertThrows(IllegalArgumentException.class,
                    () -> session.explain(a, ExplanationMethods.get("rollout"), ParameterValues.none(), null));
            assertTrue(rollout.getMessage().contains("no attention Softmax found"), rollout.getMessage());
            // Occlusion needs forward passes only, and stops when cancelled.
            Explanation occlusion = session.explain(a, ExplanationMethods.get("occlusion"), ParameterValues.none(), null);
            assertTrue(occlusion.signed());
            assertEquals(a.top().get(0).index(), occlusion.settings().get("target_class"));
            assertThrows(CancellationException.class,
                    () -> session.explain(a, ExplanationMethods.get("occlusion"), ParameterValues.none(), () -> true));
        }
    }
}
