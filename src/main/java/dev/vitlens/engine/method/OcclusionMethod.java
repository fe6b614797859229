package dev.vitlens.engine.method;

import dev.vitlens.explain.OcclusionSensitivity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Occlusion sensitivity (Zeiler &amp; Fergus 2014): forward passes only; see {@link OcclusionSensitivity}. */
public final class OcclusionMethod extends ExplanationMethod {

    static final Parameter WINDOW = new Parameter("window", "K", Parameter.Kind.INTEGER, "1",
            "Occlusion: window side in patches.");
    static final Parameter STRIDE = new Parameter("stride", "S", Parameter.Kind.INTEGER, null,
            "Occlusion: window step in patches (default: window).");
    static final Parameter BATCH_SIZE = new Parameter("batch-size", "B", Parameter.Kind.INTEGER, "16",
            "Occlusion: images per inference call.");
    static final Parameter TARGET = new Parameter("target", "CLASS", Parameter.Kind.INTEGER, null,
            "Occlusion: class index to explain (default: the top class).");

    public OcclusionMethod() {
        super("occlusion", "Occlusion",
                "Drop in the target class's probability when a window of patches is hidden under the image's mean "
                        + "colour; signed, since hiding a patch can also help (Zeiler & Fergus 2014).",
                Set.of(Need.SCORER), true, List.of(WINDOW, STRIDE, BATCH_SIZE, TARGET));
    }

    @Override
    protected void checkValues(ParameterValues values) {
        for (Parameter p : List.of(WINDOW, STRIDE, BATCH_SIZE)) {
            Integer value = values.integer(p);
            if (value != null && value < 1) {
                throw new InvalidParameterException(p.name(), p.name() + " must be at least 1, got " + value);
            }
        }
    }

    @Override
    protected Result compute(MethodInput input, ParameterValues values) {
        int window = values.integer(WINDOW);
        Integer strideGiven = values.integer(STRIDE);
        int stride = strideGiven != null ? strideGiven : window;
        Integer targetGiven = values.integer(TARGET);
        int target = targetGiven != null ? targetGiven : input.topClass();
        int classes = input.labels().size();
        if (target < 0 || target >= classes) {
            throw new InvalidParameterException(TARGET.name(), "target " + target + " is outside 0.." + (classes - 1));
        }
        OcclusionSensitivity.Result r = OcclusionSensitivity.compute(input.pixels(), 3, input.inputHeight(),
                input.inputWidth(), input.layout(), input.scorer(), target,
                new OcclusionSensitivity.Options(window, stride, values.integer(BATCH_SIZE),
                        OcclusionSensitivity.ScoreKind.LOGITS));

        String label = input.labels().get(r.targetClass());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("target_class", r.targetClass());
        settings.put("target_label", label);
        settings.put("baseline_probability", r.baselineProbability());
        settings.put("window", window);
        settings.put("stride", stride);
        settings.put("forward_passes", r.forwardPasses());
        settings.put("batches", r.batches());
        String description = String.format(Locale.ROOT, "occlusion: drop in P(%s) from %.1f%% when each %s is hidden "
                        + "(%d forward passes); red helps, blue hurts with the diverging colormap", label,
                r.baselineProbability() * 100, window == 1 ? "patch" : window + "x" + window + " window",
                r.forwardPasses());
        return new Result(r.drop(), description, settings);
    }
}
