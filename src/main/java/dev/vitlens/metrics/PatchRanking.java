package dev.vitlens.metrics;

import dev.vitlens.explain.HeatGrid;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Orders of patches, most relevant first: what the deletion and insertion curves remove or reveal. */
public final class PatchRanking {
    private PatchRanking() {
    }

    /**
     * Patches (row-major indices) by decreasing heat value. Ties are broken by the smaller row-major index first
     * (top-left before bottom-right), so the same map always gives the same curve. Signed maps (occlusion) rank
     * their largest positive values first: those are the patches the prediction relies on.
     */
    public static int[] byRelevance(HeatGrid grid) {
        float[] v = grid.values();
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // A stable sort on the value alone keeps equal values in index order.
        Arrays.sort(order, (a, b) -> Float.compare(v[b], v[a]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /** A uniformly random order (Fisher-Yates) drawn from {@code seed}. */
    public static int[] random(int patches, long seed) {
        int[] order = new int[patches];
        for (int i = 0; i < patches; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = patches - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The seed of random ranking {@code s} of image {@code image}: distinct per image and per seed, reproducible. */
    public static long seed(long image, int s) {
        return image * 1_000_003L + s;
    }

    /** Checks that {@code order} is a permutation of 0..patches-1. */
    static void check(int[] order, int patches) {
        if (order.length != patches) {
            throw new IllegalArgumentException("ranking has " + order.length + " patches, the grid has " + patches);
        }
        boolean[] seen = new boolean[patches];
        for (int p : order) {
            if (p < 0 || p >= patches || seen[p]) {
                throw new IllegalArgumentException("ranking is not a permutation of the " + patches + " patches");
            }
            seen[p] = true;
        }
    }
}
