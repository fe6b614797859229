package dev.vitlens.teach;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.internals.InternalsSession;
import dev.vitlens.internals.LogitLens;
import dev.vitlens.internals.ModelInternals;
import dev.vitlens.internals.Readout;
import dev.vitlens.internals.SpecialTokens;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One model opened for teaching, shared by {@code vitlens teach} and the workbench's Teach page: runs an image once
 * (attentions and hidden states kept), adds the model's weights, the logit lens and the special tokens, and keeps
 * the per-model work (weights, the attention distance averaged over the model's samples) for the next image.
 * Not thread-safe: one caller at a time (the CLI's command, the workbench's interactive worker).
 */
public final class TeachSession implements AutoCloseable {

    private final InternalsSession internals;
    private TeachInput previous;
    private AttentionDistance.Average sampleAverage;
    private boolean sampleAverageTried;

    private TeachSession(InternalsSession internals) {
        this.internals = internals;
    }

    public static TeachSession open(ModelInfo model, RunnerOptions options) throws ModelLoadException {
        return new TeachSession(InternalsSession.open(model, options));
    }

    public ModelInfo model() {
        return internals.model();
    }

    /** Everything the views read for {@code image}; the selection of the previous image is kept when it fits. */
    public TeachInput input(RgbImage image) throws InferenceException {
        ModelInternals run = internals.analyse(image);
        TeachInput in = previous == null ? TeachInput.of(run).withWeights(internals.weights()) : previous.forImage(run);
        in = withReadout(in, run);
        AttentionDistance.Average average = sampleAverage();
        if (average != null) {
            in = in.withSampleDistance(average);
        }
        previous = in;
        return in;
    }

    private TeachInput withReadout(TeachInput in, ModelInternals run) throws InferenceException {
        Optional<Readout> readout = internals.readout();
        if (readout.isEmpty()) {
            return in.withoutReadout(internals.noReadoutReason());
        }
        if (!run.hasHiddenStates()) {
            return in.withoutReadout(run.noHiddenStatesReason());
        }
        TeachInput with = in.withLens(LogitLens.compute(run, readout.get()));
        return with.withTokens(SpecialTokens.compute(run, readout.get()));
    }

    /**
     * Mean attention distance over the model's bundled sample images (computed once per model; null when the model
     * has no samples or no attentions). Unreadable samples are skipped: the average says how many images it used.
     */
    public AttentionDistance.Average sampleAverage() throws InferenceException {
        if (sampleAverageTried) {
            return sampleAverage;
        }
        sampleAverageTried = true;
        List<AttentionDistance.Table> tables = new ArrayList<>();
        for (Path sample : internals.model().samplePaths()) {
            try {
                ModelInternals run = internals.analyse(ImageDecoder.decode(sample).image());
                if (!run.hasAttentions()) {
                    return null;
                }
                tables.add(AttentionDistance.compute(run.attentions(), run.layout()));
            } catch (ImageDecodeException unreadable) {
                // a broken sample file is not the user's problem here; the count shows it was left out
            }
        }
        sampleAverage = tables.isEmpty() ? null : AttentionDistance.average(tables);
        return sampleAverage;
    }

    @Override
    public void close() {
        internals.close();
    }
}
