package dev.vitlens.explain;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Attention flow (Abnar &amp; Zuidema 2020, "Quantifying Attention Flow in Transformers"): the layers form a graph
 * with one node per token per layer boundary (L+1 rows of T nodes); node (l, i) has an edge to node (l−1, j) whose
 * capacity is Â_l[i][j], the head-averaged attention with the residual connection modelled, Â_l = rownorm(A_l + I)
 * (the same Â as {@link AttentionRollout}). A patch's value is the maximum flow from the query token(s) at the top
 * to that patch's node at the bottom; the paper solves one max-flow problem per input token, and so does this class
 * (Dinic's algorithm: BFS level graph plus blocking flows by DFS).
 *
 * <p>A multi-token query (DeiT's [CLS]+[DIST], BEiT's mean of patches) gets a super-source with an edge of capacity
 * equal to each query token's weight, so the flow still starts from one unit spread as the classifier reads it.
 *
 * <p>Cost: one max-flow per patch over L·T² edges. {@link #edgeSinkLimit} caps L·T²·patches: a ViT-B/16 with 12
 * layers (196 problems over 466k edges each) is refused with a message rather than left running for minutes.
 */
public final class AttentionFlow {

    /**
     * L·T²·patches above which {@link #compute} refuses. Measured on the 2-core development machine: bundled 6-layer
     * models (0.7 and 1.6 million) 33 and 50 ms, ViT-B/16 through 2 layers (15 million) 0.7 s, through 4 layers
     * (30 million) 3.5 s: the growth is faster than linear, so the cap keeps one map around a second.
     */
    public static final long DEFAULT_EDGE_SINK_LIMIT = 20_000_000L;

    private static final double EPS = 1e-12;

    private final long edgeSinkLimit;

    public AttentionFlow(long edgeSinkLimit) {
        this.edgeSinkLimit = edgeSinkLimit;
    }

    public static AttentionFlow standard() {
        return new AttentionFlow(DEFAULT_EDGE_SINK_LIMIT);
    }

    public long edgeSinkLimit() {
        return edgeSinkLimit;
    }

    /** L·T²·patches: edges per problem times problems. */
    public static long cost(int layers, TokenLayout layout) {
        long t = layout.tokens();
        return layers * t * t * layout.patches();
    }

    /**
     * @param cancelled checked between max-flow problems (null: never)
     * @throws IllegalArgumentException when the graph is over {@link #edgeSinkLimit}, with what to do instead
     */
    public HeatGrid compute(float[][][][] attentions, TokenLayout layout, Family family, Query query,
                            BooleanSupplier cancelled) {
        Attentions.validate(attentions, layout, family);
        long cost = cost(attentions.length, layout);
        if (cost > edgeSinkLimit) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "attention flow through %d layers of %d"
                            + " tokens is %d max-flow problems over %,d edges each (%.2g edge-problems, over the"
                            + " limit of %.2g): use --layer to flow through fewer layers, or rollout",
                    attentions.length, layout.tokens(), layout.patches(),
                    (long) attentions.length * layout.tokens() * layout.tokens(), (double) cost,
                    (double) edgeSinkLimit));
        }
        Graph g = graph(attentions, layout.tokens(), query.weights(family, layout));
        float[] grid = new float[layout.patches()];
        for (int p = 0; p < grid.length; p++) {
            if (cancelled != null && cancelled.getAsBoolean()) {
                throw new CancellationException("attention flow cancelled after " + p + " of " + grid.length
                        + " patches");
            }
            grid[p] = (float) g.maxFlow(g.source, g.node(0, layout.prefixTokens() + p));
        }
        return HeatGrid.of(layout.gridHeight(), layout.gridWidth(), grid);
    }

    /** The layer graph: node (l, i) = l·T + i for l = 0 (input) .. L (top), plus the source last. */
    static Graph graph(float[][][][] attentions, int tokens, double[] queryWeights) {
        int layers = attentions.length;
        Graph g = new Graph((layers + 1) * tokens + 1, tokens, layers * tokens * tokens + tokens);
        float[][] fused = new float[tokens][tokens];
        for (int l = 1; l <= layers; l++) {
            for (int i = 0; i < tokens; i++) {
                HeadFusion.MEAN.fuseRowInto(attentions[l - 1], i, fused[i]);
                double rowSum = 1;
                for (int j = 0; j < tokens; j++) {
                    rowSum += fused[i][j];
                }
                for (int j = 0; j < tokens; j++) {
                    double c = (fused[i][j] + (i == j ? 1 : 0)) / rowSum;
                    if (c > 0) {
                        g.addEdge(g.node(l, i), g.node(l - 1, j), c);
                    }
                }
            }
        }
        for (int i = 0; i < tokens; i++) {
            if (queryWeights[i] > 0) {
                g.addEdge(g.source, g.node(layers, i), queryWeights[i]);
            }
        }
        return g;
    }

    /** A flow network in adjacency arrays; edge e and its reverse are e and e^1. */
    static final class Graph {
        final int nodes;
        final int tokens;
        final int source;
        final int[] head;
        int[] next;
        int[] to;
        double[] capacity;
        int edges;
        private final int[] level;
        private final int[] arc;
        private final int[] queue;
        private double[] residual;

        Graph(int nodes, int tokens, int expectedEdges) {
            this.nodes = nodes;
            this.tokens = tokens;
            this.source = nodes - 1;
            head = new int[nodes];
            Arrays.fill(head, -1);
            next = new int[2 * expectedEdges];
            to = new int[2 * expectedEdges];
            capacity = new double[2 * expectedEdges];
            level = new int[nodes];
            arc = new int[nodes];
            queue = new int[nodes];
        }

        int node(int layer, int token) {
            return layer * tokens + token;
        }

        void addEdge(int from, int target, double c) {
            if (edges + 2 > to.length) {
                int n = Math.max(16, to.length * 2);
                next = Arrays.copyOf(next, n);
                to = Arrays.copyOf(to, n);
                capacity = Arrays.copyOf(capacity, n);
            }
            to[edges] = target;
            capacity[edges] = c;
            next[edges] = head[from];
            head[from] = edges++;
            to[edges] = from;
            capacity[edges] = 0;
            next[edges] = head[target];
            head[target] = edges++;
        }

        /** Dinic's algorithm from {@code s} to {@code t} on fresh residual capacities. */
        double maxFlow(int s, int t) {
            residual = Arrays.copyOf(capacity, edges);
            double total = 0;
            while (bfs(s, t)) {
                for (int v = 0; v < nodes; v++) {
                    arc[v] = head[v];
                }
                double pushed;
                while ((pushed = dfs(s, t, Double.POSITIVE_INFINITY)) > EPS) {
                    total += pushed;
                }
            }
            return total;
        }

        private boolean bfs(int s, int t) {
            Arrays.fill(level, -1);
            int qHead = 0;
            int qTail = 0;
            queue[qTail++] = s;
            level[s] = 0;
            while (qHead < qTail) {
                int v = queue[qHead++];
                for (int e = head[v]; e >= 0; e = next[e]) {
                    if (residual[e] > EPS && level[to[e]] < 0) {
                        level[to[e]] = level[v] + 1;
                        queue[qTail++] = to[e];
                    }
                }
            }
            return level[t] >= 0;
        }

        private double dfs(int v, int t, double limit) {
            if (v == t) {
                return limit;
            }
            for (; arc[v] >= 0; arc[v] = next[arc[v]]) {
                int e = arc[v];
                int w = to[e];
                if (residual[e] > EPS && level[w] == level[v] + 1) {
                    double pushed = dfs(w, t, Math.min(limit, residual[e]));
                    if (pushed > EPS) {
                        residual[e] -= pushed;
                        residual[e ^ 1] += pushed;
                        return pushed;
                    }
                }
            }
            return 0;
        }
    }
}
