package dev.vitlens.camera;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Extension point for a per-face explanation (the explain package's attention rollout plugs in here). Called after
 * classification with the same crops; a failure is reported on the frame and the faces keep their labels.
 */
@FunctionalInterface
public interface FaceHeatmapProvider {

    /** One heatmap per crop, in order (an entry may be {@code null} for "none"). */
    List<Heatmap> heatmaps(List<BufferedImage> crops, List<FaceLabel> labels) throws Exception;
}
