package dev.vitlens.ui.viewmodel;

import dev.vitlens.fewshot.ClassExamples;
import dev.vitlens.fewshot.FewShotResult;
import dev.vitlens.fewshot.FewShotTrainer;
import dev.vitlens.imaging.RgbImage;

import dev.vitlens.catalog.ImportResult;
import dev.vitlens.catalog.ModelImporter;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.teach.TeachInput;
import dev.vitlens.evaluate.EvaluationReport;
import dev.vitlens.evaluate.Evaluator;
import dev.vitlens.metrics.Faithfulness;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The one narrow door from the view-models to the engine: catalogue, decoding, inference and explanations.
 * Every method may be slow and is only ever called from a {@link BackgroundTask}, never on the FX thread.
 */
public interface WorkbenchBackend extends AutoCloseable {

    /** The catalogue, including models that cannot run (with the reason). */
    List<ModelEntry> listModels();

    /** Id of the model a new user should see first. */
    String defaultModelId();

    /** Sample images bundled with a model, for the first start. */
    List<Path> sampleImages(String modelId);

    /** Decodes an image file; throws with a specific, user-readable message when it cannot. */
    DecodedImage decode(Path file) throws IOException;

    /**
     * Classifies an image; with {@code withAttentions} it also keeps what the explanations need (the gallery batch
     * skips them: copying every layer's attention maps costs time and memory it never uses).
     */
    Analysis classify(BufferedImage image, String modelId, int topK, boolean withAttentions) throws Exception;

    /**
     * Finds every face in {@code image} (the Live tab's detector) and classifies a square crop of each with
     * {@code modelId}, all crops in one batch ({@link dev.vitlens.faces.PhotoFaces}); boxes are in the image's pixels.
     */
    FaceSearch findFaces(BufferedImage image, String modelId, int topK) throws Exception;

    /**
     * What the teaching views read for {@code image} on {@code modelId}: one forward pass keeping attentions and
     * hidden states, the model's weights and its read-out ({@link dev.vitlens.teach.TeachInput}). Reuses the
     * per-model work of the previous image on the same model.
     */
    TeachInput teach(BufferedImage image, String modelId) throws Exception;

    /** The explanation methods this backend can compute, in registry order (the explorer offers only these). */
    List<ExplanationMethod> supportedMethods();

    /** Computes a patch-grid heatmap; {@code cancelled} lets long methods (occlusion) stop early. */
    Explanation explain(BufferedImage image, Analysis classification, ExplainSettings settings,
                        BooleanSupplier cancelled) throws Exception;

    /** Colours a heatmap as a translucent ARGB image of the given size (alpha from the map, for on-screen blending). */
    BufferedImage renderHeatmap(Explanation heatmap, ColormapChoice colormap, int width, int height);

    /** The image with the heatmap blended over the region the model saw, at the given opacity, for export. */
    BufferedImage renderOverlay(BufferedImage image, ImageRegion region, Explanation heatmap,
                                ColormapChoice colormap, double opacity);

    /**
     * Imports an export folder (or {@code .onnx} file) into the user's models, as {@code vitlens import} does, under
     * a free id derived from its name.
     */
    ImportResult importModel(Path source, ModelImporter.ProgressListener progress) throws Exception;

    /** Removes one of the user's models (bundled ones are refused with the reason). */
    void removeModel(String modelId) throws Exception;

    /** Sets a user model's display name (bundled ones are refused with the reason). */
    void renameModel(String modelId, String displayName) throws Exception;

    /**
     * Evaluates a model on a folder with one sub-folder per class ({@code vitlens evaluate}).
     *
     * @param cancelled checked before every image; a cancelled run throws {@link java.util.concurrent.CancellationException}
     */
    EvaluationReport evaluate(String modelId, Path folder, Evaluator.Listener progress, BooleanSupplier cancelled)
            throws Exception;

    /**
     * Teaches {@code backboneId} the given classes (few-shot: features, then a ridge head with leave-one-out λ), as
     * {@code vitlens fewshot train} does. Nothing is saved.
     *
     * @param cancelled checked before every image; a cancelled run throws {@link java.util.concurrent.CancellationException}
     */
    FewShotResult trainFewShot(String backboneId, List<ClassExamples> classes, FewShotTrainer.Listener progress,
                               BooleanSupplier cancelled) throws Exception;

    /**
     * Saves a fitted head as a new user model (Hugging Face layout, imported like any export), under a free id
     * derived from {@code displayName}.
     */
    ImportResult saveFewShot(FewShotResult result, String displayName, ModelImporter.ProgressListener progress)
            throws Exception;

    /** One still picture from the default camera; throws with the reason (no camera, busy) when there is none. */
    RgbImage cameraSnapshot() throws Exception;

    /**
     * Deletion and insertion curves (RISE) on the analysed image for the class predicted there: of the explorer's
     * method, or with {@code references} of the two references it is compared with, the random baseline and
     * occlusion (they do not depend on the explorer, so an image needs them once). {@code cancelled} stops it
     * between inference batches.
     */
    Faithfulness.ImageResult faithfulness(Analysis analysis, ExplainSettings settings, boolean references,
                                          BooleanSupplier cancelled) throws Exception;

    @Override
    default void close() {
    }
}
