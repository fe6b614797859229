package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.Explanation;
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
