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

    /**
     * A classifier that splits its work so the pipeline can time preprocessing (reported with the crop stage)
     * apart from inference (the classify stage).
     *
     * @param <P> the prepared batch, e.g. a float tensor
     */
    interface Staged<P> extends FaceClassifier {

        /** Preprocesses all crops into one batch. */
        P prepare(List<BufferedImage> crops) throws Exception;

        /** Runs the model on a prepared batch of {@code count} crops; one label per crop, in order. */
        List<FaceLabel> infer(P prepared, int count) throws Exception;

        @Override
        default List<FaceLabel> classify(List<BufferedImage> crops) throws Exception {
            return infer(prepare(crops), crops.size());
        }
    }
}
