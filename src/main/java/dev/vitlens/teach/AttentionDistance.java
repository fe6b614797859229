package dev.vitlens.teach;

import dev.vitlens.catalog.TokenLayout;

import java.util.List;

/**
 * Mean attention distance (ViT paper, Fig. 7 right; probing-vits): for each layer and head, for every query patch
 * token, the sum over key patch tokens of attention × the Euclidean distance between the two patch centres in input
 * pixels, averaged over the query patches. Prefix tokens ([CLS], [DIST]) are left out as queries and as keys, and
 * the patch weights are not renormalised: attention a patch pays to a prefix token adds no distance. How much that
 * is, is reported next to the distance ({@link Table#prefixAttention}).
 */
public final class AttentionDistance {

    /**
     * @param distance        {@code [layer][head]} mean attention distance in input pixels
     * @param prefixAttention {@code [layer][head]} mean attention a query patch pays to the prefix tokens (0..1)
     */
    public record Table(double[][] distance, double[][] prefixAttention) {
    }

    /**
     * The distance table averaged over several images (the model's samples).
     *
     * @param images          how many images went into the mean
     * @param distance        {@code [layer][head]} in input pixels
     * @param prefixAttention {@code [layer][head]}
     */
    public record Average(int images, double[][] distance, double[][] prefixAttention) {
    }

    private AttentionDistance() {
    }

    /** Distances between patch centres in input pixels, {@code [P][P]}. */
    public static double[][] patchDistances(TokenLayout layout) {
        int w = layout.gridWidth();
        int n = layout.patches();
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dr = i / w - j / w;
                int dc = i % w - j % w;
                d[i][j] = layout.patchSize() * Math.sqrt(dr * dr + dc * dc);
            }
        }
        return d;
    }

    /** The table for one image's attentions {@code [L][H][T][T]}. */
    public static Table compute(float[][][][] attentions, TokenLayout layout) {
        return compute(attentions, layout, patchDistances(layout));
    }

    static Table compute(float[][][][] attentions, TokenLayout layout, double[][] distances) {
        int pre = layout.prefixTokens();
        int n = layout.patches();
        int layers = attentions.length;
        double[][] distance = new double[layers][];
        double[][] prefix = new double[layers][];
        for (int l = 0; l < layers; l++) {
            int heads = attentions[l].length;
            distance[l] = new double[heads];
            prefix[l] = new double[heads];
            for (int h = 0; h < heads; h++) {
                float[][] a = attentions[l][h];
                if (a.length != layout.tokens()) {
                    throw new IllegalArgumentException("layer " + l + " head " + h + " has " + a.length
                            + " query tokens, expected " + layout.tokens());
                }
                double sum = 0;
                double toPrefix = 0;
                for (int q = 0; q < n; q++) {
                    float[] row = a[pre + q];
                    double[] dq = distances[q];
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += row[pre + k] * dq[k];
                    }
                    sum += s;
                    for (int k = 0; k < pre; k++) {
                        toPrefix += row[k];
                    }
                }
                distance[l][h] = sum / n;
                prefix[l][h] = toPrefix / n;
            }
        }
        return new Table(distance, prefix);
    }

    /**
     * The mean of several images' tables.
     *
     * @throws IllegalArgumentException for no tables or tables of different shapes
     */
    public static Average average(List<Table> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("no images to average over");
        }
        Table first = tables.get(0);
        int layers = first.distance().length;
        double[][] distance = new double[layers][];
        double[][] prefix = new double[layers][];
        for (int l = 0; l < layers; l++) {
            distance[l] = new double[first.distance()[l].length];
            prefix[l] = new double[first.distance()[l].length];
        }
        for (Table t : tables) {
            if (t.distance().length != layers) {
                throw new IllegalArgumentException("tables of different depths cannot be averaged");
            }
            for (int l = 0; l < layers; l++) {
                if (t.distance()[l].length != distance[l].length) {
                    throw new IllegalArgumentException("tables with different head counts cannot be averaged");
                }
                for (int h = 0; h < distance[l].length; h++) {
                    distance[l][h] += t.distance()[l][h] / tables.size();
                    prefix[l][h] += t.prefixAttention()[l][h] / tables.size();
                }
            }
        }
        return new Average(tables.size(), distance, prefix);
    }
}
