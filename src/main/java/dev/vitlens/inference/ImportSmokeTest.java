package dev.vitlens.inference;

import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.ModelSmokeTest;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The importer's test inference: loads the candidate with the engine, runs one synthetic image through the model's
 * own preprocessing, fetches every output and checks shapes and values (finite numbers, attention rows summing to
 * 1). A model that loads but fails here would fail on the user's first image.
 */
public final class ImportSmokeTest implements ModelSmokeTest {
    private final RunnerOptions options;

    public ImportSmokeTest(RunnerOptions options) {
        this.options = options;
    }

    /** On the CPU: the check is about the model, and the CPU provider runs every standard operator. */
    public static ImportSmokeTest onCpu() {
        return new ImportSmokeTest(RunnerOptions.on(Device.CPU));
    }

    @Override
    public String run(ModelInfo model) throws ModelLoadException, InferenceException {
        long start = System.nanoTime();
        try (ModelRunner runner = ModelRunner.open(model, options)) {
            FloatBuffer input = Preprocessor.forModel(model).process(syntheticImage(2 * model.inputWidth(),
                    2 * model.inputHeight()));
            List<String> outputs = new ArrayList<>(runner.outputNames());
            outputs.sort(null);
            Map<String, ModelRunner.Tensor> out = runner.run(input, 1, outputs);
            List<String> described = new ArrayList<>();
            for (Map.Entry<String, ModelRunner.Tensor> e : out.entrySet()) {
                check(model, e.getKey(), e.getValue());
                described.add(e.getKey() + Arrays.toString(e.getValue().shape()));
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            return "ran on " + runner.device().id() + " in " + ms + " ms: " + summarize(described);
        }
    }

    /** A smooth colour gradient with a bright square: non-constant, so attention is not trivially uniform. */
    static RgbImage syntheticImage(int width, int height) {
        byte[] px = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                boolean square = x > width / 3 && x < width / 2 && y > height / 3 && y < height / 2;
                px[i] = (byte) (square ? 250 : 255 * x / width);
                px[i + 1] = (byte) (square ? 240 : 255 * y / height);
                px[i + 2] = (byte) (square ? 30 : 128);
            }
        }
        return new RgbImage(width, height, px);
    }

    private static void check(ModelInfo model, String name, ModelRunner.Tensor t) throws InferenceException {
        for (float v : t.data()) {
            if (!Float.isFinite(v)) {
                throw new InferenceException("output \"" + name + "\" contains " + v + " for a synthetic image", null);
            }
        }
        TokenLayout layout = model.layout();
        if (name.equals(ModelInfo.LOGITS_NAME)) {
            expectShape(name, t, 1, model.labels().size());
        } else if (name.equals(ModelInfo.LAST_HIDDEN_STATE_NAME)) {
            expectShape(name, t, layout, 1, layout.tokens(), model.config().hiddenSize());
        } else if (name.equals(ModelInfo.POOLER_OUTPUT_NAME)) {
            expectShape(name, t, 1, model.config().hiddenSize());
        } else if (name.startsWith("attentions.")) {
            int tokens = layout.tokens();
            expectShape(name, t, layout, 1, layout.heads(), tokens, tokens);
            float[] d = t.data();
            for (int row = 0; row < d.length / tokens; row++) {
                double sum = 0;
                for (int j = 0; j < tokens; j++) {
                    sum += d[row * tokens + j];
                }
                if (Math.abs(sum - 1) > 1e-3) {
                    throw new InferenceException("output \"" + name + "\" is not a probability matrix (a row sums to "
                            + sum + "): the attention surgery picked the wrong node", null);
                }
            }
        }
    }

    private static void expectShape(String name, ModelRunner.Tensor t, long... expected) throws InferenceException {
        expectShape(name, t, null, expected);
    }

    /** @param layout when the shape's axis 1 or 2 counts tokens: explains a sequence without [CLS] */
    private static void expectShape(String name, ModelRunner.Tensor t, TokenLayout layout, long... expected)
            throws InferenceException {
        if (!Arrays.equals(t.shape(), expected)) {
            String hint = "";
            if (layout != null && t.shape().length == expected.length) {
                int axis = expected.length == 3 ? 1 : 2;   // [1, T, D] or [1, H, T, T]
                hint = layout.tokenMismatchHint(t.shape()[axis]);
            }
            throw new InferenceException("output \"" + name + "\" has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expected) + hint, null);
        }
    }

    /** "logits[1, 1000], attentions.0..11 [1, 12, 197, 197]" rather than 12 attention entries. */
    private static String summarize(List<String> outputs) {
        List<String> other = new ArrayList<>();
        int attentions = 0;
        String attentionShape = "";
        for (String o : outputs) {
            if (o.startsWith("attentions.")) {
                attentions++;
                attentionShape = o.substring(o.indexOf('['));
            } else {
                other.add(o);
            }
        }
        if (attentions > 0) {
            other.add("attentions.0.." + (attentions - 1) + " " + attentionShape);
        }
        return String.join(", ", other);
    }
}
