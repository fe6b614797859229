package dev.vitlens.teach;

import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.internals.InternalsSession;
import dev.vitlens.internals.LogitLens;
import dev.vitlens.internals.ModelInternals;
import dev.vitlens.internals.Readout;
import dev.vitlens.internals.SpecialTokens;

import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link TeachInput} from an open {@link InternalsSession}: the heavy part, run once per image off the UI
 * thread (the forward pass, the logit lens over every layer and patch). Not pure: it runs the model.
 */
public final class TeachInputs {

    private TeachInputs() {
    }

    /** Every need of every view. */
    public static final Set<TeachNeed> ALL = Set.of(TeachNeed.values());

    /**
     * One forward pass of {@code image} and the read-outs the {@code needs} ask for (the logit lens is the costly
     * one: (L + 1)·(P + 1) read-outs). What cannot be had is recorded with its reason, never thrown.
     *
     * @throws InferenceException when the forward pass or a read-out fails to run
     */
    public static TeachInput load(InternalsSession session, RgbImage image, Set<TeachNeed> needs)
            throws InferenceException {
        ModelInternals internals = session.analyse(image);
        return complete(session, TeachInput.of(internals), needs);
    }

    /** {@link #load} for the next image of the same model: per-model work in {@code previous} is kept. */
    public static TeachInput next(InternalsSession session, TeachInput previous, RgbImage image, Set<TeachNeed> needs)
            throws InferenceException {
        ModelInternals internals = session.analyse(image);
        TeachInput input = previous.forImage(internals);
        return complete(session, input, needs);
    }

    private static TeachInput complete(InternalsSession session, TeachInput input, Set<TeachNeed> needs)
            throws InferenceException {
        ModelInternals internals = input.internals();
        if (needs.contains(TeachNeed.WEIGHTS) && input.weights() == null) {
            input = input.withWeights(session.weights());
        }
        Optional<Readout> readout = session.readout();
        if (internals.hasHiddenStates()) {
            // the special tokens need only the hidden states; with a read-out they also give each head's prediction
            input = input.withTokens(SpecialTokens.compute(internals, readout.orElse(null)));
        }
        if (readout.isEmpty()) {
            String why = session.noReadoutReason();
            input = input.withoutReadout(why == null || why.isBlank() ? "the model's read-out could not be cut out"
                    : why);
        } else if (!internals.hasHiddenStates()) {
            input = input.withoutReadout("there are no hidden states to read out: "
                    + internals.noHiddenStatesReason());
        } else if (needs.contains(TeachNeed.READOUT)) {
            LogitLens.Result lens = LogitLens.compute(internals, readout.get());
            input = input.withLens(lens);
        }
        return input;
    }
}
