package dev.vitlens.engine.method;

import dev.vitlens.explain.AttentionFlow;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.Query;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Attention flow (Abnar &amp; Zuidema 2020) through the layers up to {@code layer}; see {@link AttentionFlow}. */
public final class AttentionFlowMethod extends ExplanationMethod {

    public AttentionFlowMethod() {
        super("flow", "Attention flow",
                "Maximum flow from the query token(s) to each patch through the layer graph whose capacities are "
                        + "the head-averaged attentions with the residual added (Abnar & Zuidema 2020); one max-flow "
                        + "problem per patch.",
                Set.of(Need.ATTENTIONS), false, List.of(AttentionParameters.QUERY, AttentionParameters.LAYER));
    }

    @Override
    protected void checkValues(ParameterValues values) {
        AttentionParameters.query(values);
    }

    @Override
    protected Result compute(MethodInput input, ParameterValues values) {
        float[][][][] attentions = input.attentions();
        Query query = AttentionParameters.query(values);
        int layer = AttentionParameters.layer(values, attentions.length);
        HeatGrid grid = AttentionFlow.standard().compute(Arrays.copyOf(attentions, layer + 1), input.layout(),
                input.family(), query, input.cancelled());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("query", query.resolve(input.family()).label());
        if (layer != attentions.length - 1) {
            settings.put("layer", layer);
        }
        String description = "attention flow through layer " + layer + ", mean of heads, query "
                + AttentionParameters.describe(query, input.family(), input.layout());
        return new Result(grid, description, settings);
    }
}
