package dev.vitlens.engine;

import java.util.List;

/**
 * What a classifier says about one image.
 *
 * @param top           the best classes, best first (empty for a backbone, which has no labels)
 * @param probabilities softmax over all classes (empty for a backbone)
 * @param timings       per-stage milliseconds for this image (batch stages divided evenly)
 */
public record Classification(List<Prediction> top, float[] probabilities, Timings timings) {

    public Classification {
        top = List.copyOf(top);
    }

    /** Milliseconds spent per stage for one image. */
    public record Timings(double decodeMs, double preprocessMs, double inferenceMs) {
        public Timings withDecode(double millis) {
            return new Timings(millis, preprocessMs, inferenceMs);
        }
    }
}
