package dev.vitlens.engine.method;

import dev.vitlens.explain.HeatGrid;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One explanation of one image: a value per patch plus what produced it.
 *
 * @param method      the registry name of the method, e.g. {@code rollout}
 * @param grid        one value per patch, raw (renderers normalise)
 * @param signed      true when values are signed around zero (a diverging colormap centred on 0 fits)
 * @param millis      time spent computing it
 * @param description what it shows, for people, e.g. "rollout through layer 6, discard 0.90, mean of heads, ..."
 * @param settings    the settings actually used, for reports (insertion order is the report order)
 */
public record Explanation(String method, HeatGrid grid, boolean signed, double millis, String description,
                          Map<String, Object> settings) {

    public Explanation {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings)); // keeps the report order
    }

    public int gridHeight() {
        return grid.height();
    }

    public int gridWidth() {
        return grid.width();
    }
}
