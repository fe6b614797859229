package dev.vitlens.camera;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Classifies face crops; the live pipeline's only view of a model, so any backend fits (the ONNX engine, a test
 * double). All crops of a frame arrive in ONE call so a backend can run them as one batch.
 */
@FunctionalInterface
public interface FaceClassifier {

    /**
     * @param crops face crops (RGB), any size; never empty
     * @return one label per crop, in the same order
     * @throws Exception any failure; the pipeline reports it for that frame and keeps running
     */
    List<FaceLabel> classify(List<BufferedImage> crops) throws Exception;
}
