package dev.vitlens.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.imaging.RgbImage;
import dev.vitlens.engine.Classification;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.Embedder;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.ShapeExports;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Imports the exact-shape exports of {@code models/recipes/export_shapes.py} (ViT-B/16 with 1000 labels, BEiT-base,
 * DeiT-base distilled, the ViT in21k backbone), each as exported by optimum (no attentions) and with attentions:
 * both import, run, classify (or embed, for the backbone), and the surgered model's rollout equals its
 * attention-enabled twin's within 1e-5.
 * Skipped without PyTorch; see {@link ShapeExports} for the properties ({@code -Dvitlens.exportShapes.layers=12} for
 * the full-size checkpoints).
 */
class ExactShapeImportTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"vit-base-patch16-224", "beit-base-patch16-224", "deit-base-distilled-patch16-224",
            "vit-base-patch16-224-in21k"})
    void importsBothVariantsWithIdenticalRollouts(String name) throws Exception {
        Path exports = ShapeExports.root();
        ModelCatalog catalog = new ModelCatalog(null, tmp.resolve("models"));
        ModelImporter importer = new ModelImporter(catalog, ModelImporterTest.OrtSmoke::run);

        ImportResult plain = importer.importModel(exports.resolve(name), Optional.empty(), null);
        ImportResult twin = importer.importModel(exports.resolve(name + "-attn"), Optional.empty(), null);

        assertEquals(name, plain.id());
        assertTrue(plain.attentionsAdded(), "optimum-style export gets attentions by surgery");
        assertFalse(twin.attentionsAdded());
        assertTrue(plain.warnings().isEmpty(), plain.warnings()::toString);
        ModelInfo info = plain.info();
        assertEquals(ShapeExports.layers(), info.layout().layers());
        assertEquals(12, info.layout().heads());
        assertEquals(14, info.layout().gridHeight());
        assertEquals(224, info.inputHeight());
        boolean backbone = name.endsWith("in21k");
        assertEquals(!backbone, info.hasClassifier());
        if (backbone) {
            assertTrue(info.hasLastHiddenState() && info.hasPoolerOutput());
        } else {
            assertEquals(1000, info.labels().size());
        }
        Family expected = name.startsWith("deit") ? Family.DEIT : name.startsWith("beit") ? Family.BEIT : Family.VIT;
        assertEquals(expected, info.family());
        if (expected == Family.DEIT) {
            // DeiT: ImageNet mean/std, bicubic, resize 256 then center crop 224.
            assertEquals(ResampleMethod.BICUBIC, info.preprocessor().resample());
            assertTrue(info.preprocessor().doCenterCrop());
            assertEquals(0.485f, info.preprocessor().imageMean()[0]);
        }
        ModelImporterTest.assertSameRolloutAndOutputs(plain.info(), twin.info(),
                backbone ? "pooler_output" : "logits");

        // The user-facing path: classify (top-5 of 1000) or, for the backbone, embed (768-d).
        RgbImage image = RgbImage.blank(300, 200);
        for (int i = 0; i < image.pixels().length; i++) {
            image.pixels()[i] = (byte) (i * 7 % 251);
        }
        RunnerOptions cpu = RunnerOptions.on(Device.CPU);
        if (backbone) {
            try (Embedder embedder = Embedder.open(info, cpu)) {
                Embedder.Embedding e = embedder.embed(image);
                assertEquals(768, e.cls().length);
                assertEquals(768, e.pooled().length);
            }
        } else {
            try (ModelSession classifier = ModelSession.forClassification(info, cpu)) {
                Classification c = classifier.classify(image, 5);
                assertEquals(5, c.top().size());
                assertEquals(1000, c.probabilities().length);
                assertTrue(c.top().get(0).label().startsWith("LABEL_"));
            }
        }
    }
}
