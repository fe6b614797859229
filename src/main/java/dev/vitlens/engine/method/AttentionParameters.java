package dev.vitlens.engine.method;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.HeadSelection;
import dev.vitlens.explain.Query;

/** The settings attention-based methods share (one declaration each), and how they read and describe them. */
final class AttentionParameters {

    static final Parameter QUERY = new Parameter("query", "auto|cls|dist|cls+dist|mean|patch:N",
            Parameter.Kind.TEXT, "auto", "Query token(s); auto = CLS (ViT), CLS+DIST (DeiT), mean of patches (BEiT).");

    static final Parameter LAYER = new Parameter("layer", "N", Parameter.Kind.INTEGER, null,
            "Layer, 0-based: the one raw attention shows, the last one rollout and flow include (default: last).");

    private AttentionParameters() {
    }

    static Query query(ParameterValues values) {
        try {
            return Query.parse(values.text(QUERY));
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(QUERY.name(), e.getMessage());
        }
    }

    static HeadSelection heads(Parameter p, ParameterValues values) {
        try {
            return HeadSelection.parse(values.text(p));
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(p.name(), e.getMessage());
        }
    }

    /** The layer asked for, else the last; outside the model's layers is an error naming the range. */
    static int layer(ParameterValues values, int layers) {
        Integer given = values.integer(LAYER);
        int layer = given == null ? layers - 1 : given;
        if (layer < 0 || layer >= layers) {
            throw new InvalidParameterException(LAYER.name(), "layer " + layer + " is outside 0.." + (layers - 1));
        }
        return layer;
    }

    /** A head index must exist in the model. */
    static void checkHead(Parameter p, HeadSelection head, int heads) {
        if (head instanceof HeadSelection.Single single && single.head() >= heads) {
            throw new InvalidParameterException(p.name(), p.name() + " " + single.head() + " is outside 0.."
                    + (heads - 1));
        }
    }

    /** "mean of heads", "head 3". */
    static String describe(HeadSelection head) {
        return head instanceof HeadSelection.Single single ? "head " + single.head()
                : ((HeadSelection.Fused) head).fusion().label() + " of heads";
    }

    /** "auto ([CLS])", "[cls] token", "patch (2, 3)". */
    static String describe(Query query, Family family, TokenLayout layout) {
        if (query instanceof Query.Auto) {
            Query resolved = query.resolve(family);
            return "auto (" + (resolved instanceof Query.Cls ? "[CLS]" : resolved instanceof Query.ClsDist
                    ? "[CLS]+[DIST]" : "mean of patches") + ")";
        }
        if (query instanceof Query.Patch patch) {
            return "patch (" + patch.index() / layout.gridWidth() + ", " + patch.index() % layout.gridWidth() + ")";
        }
        if (query instanceof Query.ClsDist) {
            return "[cls]+[dist] tokens";
        }
        return query instanceof Query.Cls ? "[cls] token" : query instanceof Query.Dist ? "[dist] token"
                : "mean of patches";
    }
}
