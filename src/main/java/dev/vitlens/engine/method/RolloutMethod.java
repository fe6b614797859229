package dev.vitlens.engine.method;

import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.AttentionRollout;
import dev.vitlens.explain.HeadFusion;
import dev.vitlens.explain.HeadSelection;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.Query;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Attention rollout (Abnar &amp; Zuidema 2020) through the layers up to {@code layer}; see {@link AttentionRollout}. */
public final class RolloutMethod extends ExplanationMethod {

    static final Parameter FUSION = new Parameter("fusion", "mean|max|min|N", Parameter.Kind.TEXT, "mean",
            "How rollout fuses the heads of a layer: mean, max or min, or one head's index to roll out that head alone.");

    static final Parameter DISCARD = new Parameter("discard", "0.0-0.99", Parameter.Kind.DECIMAL, "0",
            "Rollout: fraction of the weakest patch-to-patch attentions dropped per layer.");

    public RolloutMethod() {
        super("rollout", "Attention rollout",
                "Product of the layers' attentions, with the residual connection modelled, from the query "
                        + "token(s) down to each patch (Abnar & Zuidema 2020).",
                Set.of(Need.ATTENTIONS), false,
                List.of(AttentionParameters.QUERY, FUSION, DISCARD, AttentionParameters.LAYER));
    }

    @Override
    protected void checkValues(ParameterValues values) {
        double discard = values.decimal(DISCARD);
        if (!(discard >= 0 && discard <= 0.99)) {
            throw new InvalidParameterException(DISCARD.name(), "discard must be between 0 and 0.99, got " + discard);
        }
        AttentionParameters.query(values);
        AttentionParameters.heads(FUSION, values);
    }

    @Override
    protected Result compute(MethodInput input, ParameterValues values) {
        float[][][][] attentions = input.attentions();
        TokenLayout layout = input.layout();
        Query query = AttentionParameters.query(values);
        HeadSelection heads = AttentionParameters.heads(FUSION, values);
        AttentionParameters.checkHead(FUSION, heads, attentions[0].length);
        double discard = values.decimal(DISCARD);
        int layer = AttentionParameters.layer(values, attentions.length);

        float[][][][] upTo = Arrays.copyOf(attentions, layer + 1);
        HeadFusion fusion = HeadFusion.MEAN;
        int headCount = layout.heads();
        if (heads instanceof HeadSelection.Single single) {
            // One head rolled out alone: a one-head model made of that head.
            upTo = Arrays.stream(upTo).map(h -> new float[][][] {h[single.head()]}).toArray(float[][][][]::new);
            headCount = 1;
        } else {
            fusion = ((HeadSelection.Fused) heads).fusion();
        }
        TokenLayout used = new TokenLayout(layout.prefixTokens(), layout.gridHeight(), layout.gridWidth(),
                layout.patchSize(), upTo.length, headCount);
        HeatGrid grid = new AttentionRollout(fusion, discard).compute(upTo, used, input.family(), query);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("query", query.resolve(input.family()).label());
        settings.put("fusion", heads.label());
        settings.put("discard", discard);
        if (layer != attentions.length - 1) {
            settings.put("layer", layer);
        }
        String description = String.format(Locale.ROOT, "rollout through layer %d, discard %.2f", layer, discard)
                + ", " + AttentionParameters.describe(heads) + ", query "
                + AttentionParameters.describe(query, input.family(), layout);
        return new Result(grid, description, settings);
    }
}
