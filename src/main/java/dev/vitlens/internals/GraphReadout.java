package dev.vitlens.internals;

import dev.vitlens.inference.GraphRunner;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.onnx.ReadoutGraph;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The read-out {@link ReadoutGraph} cut out of a model, run as its own ONNX Runtime session. What the graph allows
 * (a batch of states in one run; 2-token states read like full-length ones) is measured once when it is opened, not
 * assumed.
 */
final class GraphReadout implements Readout {
    /** Floats per run: keeps a batched lens over ViT-B's 196 patches x 13 states from allocating gigabytes at once. */
    private static final int MAX_FLOATS_PER_RUN = 1 << 22;

    private final GraphRunner runner;
    private final List<String> outputs;
    private final List<String> heads;
    private final boolean batches;
    private final boolean twoTokens;

    private GraphReadout(GraphRunner runner, List<String> heads, boolean batches, boolean twoTokens) {
        this.runner = runner;
        this.heads = heads;
        List<String> outs = new ArrayList<>();
        outs.add(ReadoutGraph.LOGITS);
        outs.addAll(heads);
        this.outputs = List.copyOf(outs);
        this.batches = batches;
        this.twoTokens = twoTokens;
    }

    /**
     * Opens {@code dir/<name>.onnx} and probes it with a state of {@code tokens} x {@code width}.
     *
     * @throws ModelLoadException when it cannot be loaded or cannot even read a full-length state
     */
    static GraphReadout open(Path dir, String name, RunnerOptions options, int tokens, int width)
            throws ModelLoadException {
        GraphRunner runner = GraphRunner.open(dir, name, options);
        try {
            List<String> heads = new ArrayList<>();
            for (String head : List.of(ReadoutGraph.HEAD_CLS, ReadoutGraph.HEAD_DISTILLATION)) {
                if (runner.outputNames().contains(head)) {
                    heads.add(head);
                }
            }
            float[] row = new float[width];
            Random random = new Random(15);
            for (int d = 0; d < width; d++) {
                row[d] = (float) random.nextGaussian();
            }
            float[] full = repeat(row, tokens);
            float[] expected;
            try {
                expected = logits(runner, full, 1, tokens, width);
            } catch (InferenceException e) {
                throw new ModelLoadException("the read-out cannot read a [1, " + tokens + ", " + width + "] state: "
                        + e.getMessage(), e);
            }
            boolean twoTokens = sameOutput(runner, repeat(row, 2), 1, 2, width, expected);
            float[] two = new float[2 * full.length];
            System.arraycopy(full, 0, two, 0, full.length);
            System.arraycopy(full, 0, two, full.length, full.length);
            boolean batches = sameOutput(runner, two, 2, tokens, width, concat(expected, expected));
            return new GraphReadout(runner, List.copyOf(heads), batches, twoTokens);
        } catch (ModelLoadException | RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    @Override
    public boolean readsTwoTokenStates() {
        return twoTokens;
    }

    /** Whether several states go through one run (else one run per state). */
    boolean batches() {
        return batches;
    }

    @Override
    public Result apply(float[][][] hidden) throws InferenceException {
        int n = hidden.length;
        if (n == 0) {
            return new Result(new float[0][], Map.of());
        }
        int tokens = hidden[0].length;
        int width = hidden[0][0].length;
        int perState = tokens * width;
        int chunk = batches ? Math.max(1, Math.min(n, MAX_FLOATS_PER_RUN / perState)) : 1;
        float[][] logits = new float[n][];
        Map<String, float[][]> headLogits = new LinkedHashMap<>();
        for (String head : heads) {
            headLogits.put(head.substring(head.indexOf('.') + 1), new float[n][]);
        }
        for (int start = 0; start < n; start += chunk) {
            int count = Math.min(chunk, n - start);
            float[] flat = new float[count * perState];
            for (int b = 0; b < count; b++) {
                float[][] state = hidden[start + b];
                if (state.length != tokens) {
                    throw new InferenceException("all states of one read-out call must have " + tokens + " tokens",
                            null);
                }
                for (int t = 0; t < tokens; t++) {
                    if (state[t].length != width) {
                        throw new InferenceException("every token must have " + width + " values", null);
                    }
                    System.arraycopy(state[t], 0, flat, b * perState + t * width, width);
                }
            }
            Map<String, ModelRunner.Tensor> out = runner.run(ReadoutGraph.INPUT, flat,
                    new long[] {count, tokens, width}, outputs);
            split(out.get(ReadoutGraph.LOGITS), logits, start, count);
            for (String head : heads) {
                split(out.get(head), headLogits.get(head.substring(head.indexOf('.') + 1)), start, count);
            }
        }
        return new Result(logits, headLogits);
    }

    private static void split(ModelRunner.Tensor t, float[][] into, int start, int count) {
        int per = t.data().length / count;
        for (int b = 0; b < count; b++) {
            float[] row = new float[per];
            System.arraycopy(t.data(), b * per, row, 0, per);
            into[start + b] = row;
        }
    }

    private static float[] logits(GraphRunner runner, float[] flat, int batch, int tokens, int width)
            throws InferenceException {
        return runner.run(ReadoutGraph.INPUT, flat, new long[] {batch, tokens, width}, List.of(ReadoutGraph.LOGITS))
                .get(ReadoutGraph.LOGITS).data();
    }

    /** Whether the graph runs on this state and gives {@code expected} (1e-4 relative: a different kernel order). */
    private static boolean sameOutput(GraphRunner runner, float[] flat, int batch, int tokens, int width,
                                      float[] expected) {
        try {
            float[] actual = logits(runner, flat, batch, tokens, width);
            if (actual.length != expected.length) {
                return false;
            }
            for (int i = 0; i < actual.length; i++) {
                if (Math.abs(actual[i] - expected[i]) > 1e-4 * Math.max(1, Math.abs(expected[i]))) {
                    return false;
                }
            }
            return true;
        } catch (InferenceException e) {
            return false; // e.g. a reshape to the model's fixed token count
        }
    }

    private static float[] repeat(float[] row, int times) {
        float[] out = new float[row.length * times];
        for (int t = 0; t < times; t++) {
            System.arraycopy(row, 0, out, t * row.length, row.length);
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() {
        runner.close();
    }
}
