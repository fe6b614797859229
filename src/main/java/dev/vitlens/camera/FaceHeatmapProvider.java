package dev.vitlens.camera;

import dev.vitlens.explain.HeatGrid;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Extension point for a per-face explanation (the explain package's attention rollout plugs in here). Called after
 * classification with the same crops; a failure is reported on the frame and the faces keep their labels.
 */
@FunctionalInterface
public interface FaceHeatmapProvider {

    /** One heatmap per crop (values in [0, 1]), in order (an entry may be {@code null} for "none"). */
    List<HeatGrid> heatmaps(List<BufferedImage> crops, List<FaceLabel> labels) throws Exception;
}
