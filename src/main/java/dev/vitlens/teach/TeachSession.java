package dev.vitlens.teach;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.internals.InternalsSession;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One model opened for the workbench's Teach page: each image is loaded with everything every view needs
 * ({@link TeachInputs}), the per-model work (weights, the attention distance averaged over the model's sample
 * images) is kept for the next image. Not thread-safe: the workbench calls it from its interactive worker only.
 */
public final class TeachSession implements AutoCloseable {

    private final InternalsSession internals;
    private final Optional<Path> projectRoot;
    private TeachInput previous;
    private SampleDistance.Result samples;
    private String noSamples;

    private TeachSession(InternalsSession internals, Optional<Path> projectRoot) {
        this.internals = internals;
        this.projectRoot = projectRoot;
    }

    /** @param projectRoot where bundled models' samples live ({@code assets/samples} above {@code models/}) */
    public static TeachSession open(ModelInfo model, RunnerOptions options, Optional<Path> projectRoot)
            throws ModelLoadException {
        return new TeachSession(InternalsSession.open(model, options), projectRoot);
    }

    public ModelInfo model() {
        return internals.model();
    }

    /** Everything the views read for {@code image}; the previous image's selection is kept by the caller. */
    public TeachInput input(RgbImage image) throws InferenceException {
        TeachInput in = previous == null ? TeachInputs.load(internals, image, TeachInputs.ALL)
                : TeachInputs.next(internals, previous, image, TeachInputs.ALL);
        SampleDistance.Result average = sampleAverage();
        if (average != null) {
            in = in.withSampleDistance(average.average());
        }
        previous = in;
        return in;
    }

    /** The sample average, computed on first use; null (with {@link #noSampleAverage()}) when there is none. */
    private SampleDistance.Result sampleAverage() throws InferenceException {
        if (samples == null && noSamples == null) {
            List<Path> images = SampleDistance.samples(internals.model(), projectRoot);
            if (images.isEmpty()) {
                noSamples = "model \"" + internals.model().id() + "\" lists no sample images";
            } else {
                try {
                    samples = SampleDistance.average(internals, images);
                } catch (IllegalArgumentException e) {
                    noSamples = e.getMessage();
                }
            }
        }
        return samples;
    }

    /** Why there is no sample average, or empty. */
    public String noSampleAverage() {
        return noSamples == null ? "" : noSamples;
    }

    @Override
    public void close() {
        internals.close();
    }
}
