package dev.vitlens.engine.method;

import dev.vitlens.explain.HeadSelection;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.Query;
import dev.vitlens.explain.RawAttention;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One layer's attention from the query token(s) to the patches; see {@link RawAttention}. */
public final class RawAttentionMethod extends ExplanationMethod {

    static final Parameter HEAD = new Parameter("head", "N|mean|max|min", Parameter.Kind.TEXT, "mean",
            "Raw attention: a head index or a fusion of all heads.");

    public RawAttentionMethod() {
        super("attention", "Raw attention",
                "One layer's attention weights from the query token(s) to each patch, for one head or fused heads.",
                Set.of(Need.ATTENTIONS), false, List.of(AttentionParameters.QUERY, AttentionParameters.LAYER, HEAD));
    }

    @Override
    protected void checkValues(ParameterValues values) {
        AttentionParameters.query(values);
        AttentionParameters.heads(HEAD, values);
    }

    @Override
    protected Result compute(MethodInput input, ParameterValues values) {
        float[][][][] attentions = input.attentions();
        Query query = AttentionParameters.query(values);
        HeadSelection head = AttentionParameters.heads(HEAD, values);
        AttentionParameters.checkHead(HEAD, head, attentions[0].length);
        int layer = AttentionParameters.layer(values, attentions.length);
        HeatGrid grid = RawAttention.compute(attentions, input.layout(), input.family(), layer, head, query);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("query", query.resolve(input.family()).label());
        settings.put("layer", layer);
        settings.put("head", head.label());
        String description = "raw attention, layer " + layer + ", " + AttentionParameters.describe(head)
                + ", query " + AttentionParameters.describe(query, input.family(), input.layout());
        return new Result(grid, description, settings);
    }
}
