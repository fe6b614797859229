package dev.vitlens.teach;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.internals.InternalsSession;
import dev.vitlens.internals.ModelInternals;
import dev.vitlens.onnx.OnnxModelFiles;
import dev.vitlens.output.JsonOutput;
import dev.vitlens.testing.OrtModels;
import dev.vitlens.testing.ShapeExports;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every view on real models through the backend ({@link InternalsSession}): the bundled ones and the ViT-B/16-shaped
 * exports (196 patches; the optimum-style variant, with no attention outputs, is opened as an imported model would
 * be). Each view's numbers are checked against what this test computes on its own: the attentions and logits of a
 * plain ONNX Runtime run, and the weights read straight from the graph's initializers by their Hugging Face names.
 */
class ModelViewsTest {
    /** The derived copies (attention and hidden-state outputs, read-out) go here, not to the user's cache. */
    @TempDir
    static Path cache;

    record Case(ModelInfo info, Path reference) {
    }

    static Case bundled(String id) throws Exception {
        Path dir = Path.of("models", id);
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.onnx")), "no bundled model " + dir);
        return new Case(ModelFolder.load(dir), dir.resolve("model.onnx"));
    }

    /** The optimum-style export opened as-is; the reference run uses its twin that exports attentions. */
    static Case shape(String name) throws Exception {
        Path root = ShapeExports.root();
        return new Case(ModelFolder.load(root.resolve(name)), root.resolve(name + "-attn").resolve("model.onnx"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-fashion", "deit-mask", "beit-fashion"})
    void bundledModels(String id) throws Exception {
        check(bundled(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit-base-patch16-224", "deit-base-distilled-patch16-224", "beit-base-patch16-224"})
    void vitB16ShapedExports(String name) throws Exception {
        check(shape(name));
    }

    /** A backbone without classification head (ViT in21k): every view but the logit lens, which says why not. */
    @org.junit.jupiter.api.Test
    void aBackboneShowsEveryViewButTheLens() throws Exception {
        ModelInfo info = ModelFolder.load(ShapeExports.root().resolve("vit-base-patch16-224-in21k"));
        RgbImage image = picture(info.inputHeight(), info.inputWidth());
        TeachInput input = BigStack.call("teach-test", () -> {
            try (InternalsSession session = InternalsSession.open(info, RunnerOptions.on(Device.CPU),
                    new AttentionModelCache(cache))) {
                return TeachInputs.load(session, image, TeachInputs.ALL);
            }
        });
        for (TeachingView v : TeachingViews.ALL) {
            if (v.name().equals("logit-lens")) {
                String why = v.unavailable(input).orElseThrow();
                assertTrue(why.startsWith("logit-lens needs the model's read-out"), why);
            } else if (v.name().equals("prediction")) {
                String why = v.unavailable(input).orElseThrow();
                assertTrue(why.contains("no classification head"), why);
            } else {
                assertTrue(v.unavailable(input).isEmpty(), v.name() + ": " + v.unavailable(input));
                ViewData data = v.compute(input);
                assertTrue(data.render().getWidth() > 300, v.name());
            }
        }
        JsonNode tokens = JsonOutput.tree(TeachingViews.get("tokens").compute(input));
        assertEquals(0, tokens.get("probabilities").size(), "no head, no prediction");
    }

    /** The user's path: an optimum-style ViT-B/16 export imported with zero configuration, then the whole lesson. */
    @Test
    void anImportedVitB16ExportRunsTheWholeLesson() throws Exception {
        java.nio.file.Path users = cache.resolve("imported-user-models");
        dev.vitlens.catalog.ModelCatalog catalog = new dev.vitlens.catalog.ModelCatalog(null, users);
        dev.vitlens.catalog.ImportResult imported = new dev.vitlens.catalog.ModelImporter(catalog,
                dev.vitlens.inference.ImportSmokeTest.onCpu()).importModel(
                ShapeExports.root().resolve("vit-base-patch16-224"), java.util.Optional.empty(), null);
        ModelInfo info = imported.info();
        assertEquals(196, info.layout().patches());
        RgbImage image = picture(info.inputHeight(), info.inputWidth());
        TeachInput input = BigStack.call("teach-test", () -> {
            try (InternalsSession session = InternalsSession.open(info, RunnerOptions.on(Device.CPU),
                    new AttentionModelCache(cache))) {
                return TeachInputs.load(session, image, TeachInputs.ALL);
            }
        });
        for (Lesson.Step step : Lesson.steps(input)) {
            TeachingView v = TeachingViews.get(step.view());
            assertTrue(v.unavailable(input).isEmpty(), v.name() + ": " + v.unavailable(input));
            assertTrue(v.compute(input).render().getWidth() > 300, v.name());
        }
        float[][] lens = input.lens().layerProbabilities();
        assertEquals(info.layout().layers() + 1, lens.length);
        float[] probabilities = input.internals().probabilities();
        for (int c = 0; c < probabilities.length; c++) {
            assertEquals(probabilities[c], lens[lens.length - 1][c], 1e-4, "the lens ends at the model's output");
        }
    }

    /** A picture with structure (gradient, bright square) at the model's input size. */
    static RgbImage picture(int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean square = x > width / 4 && x < width / 2 && y > height / 3 && y < 3 * height / 4;
                int v = square ? 240 : (x * 255 / width + y * 97 / height) % 256;
                image.setRGB(x, y, v << 16 | (255 - v) << 8 | (v * 3) % 256);
            }
        }
        return RgbImage.from(image);
    }

    static void check(Case c) throws Exception {
        ModelInfo info = c.info();
        TokenLayout layout = info.layout();
        RgbImage image = picture(info.inputHeight(), info.inputWidth());
        TeachInput input = BigStack.call("teach-test", () -> {
            try (InternalsSession session = InternalsSession.open(info, RunnerOptions.on(Device.CPU),
                    new AttentionModelCache(cache))) {
                return TeachInputs.load(session, image, TeachInputs.ALL);
            }
        });
        ModelInternals in = input.internals();
        assertArrayEquals(Preprocessor.forModel(info).toArray(image), in.pixels(), 0f, "the model's own input");

        // reference: a plain ONNX Runtime run of the exported graph
        Set<String> outputs = new HashSet<>();
        outputs.add("logits");
        for (int l = 0; l < layout.layers(); l++) {
            outputs.add("attentions." + l);
        }
        Map<String, OrtModels.Tensor> ref = BigStack.call("teach-ref", () -> OrtModels.run(c.reference(), in.pixels(),
                new long[] {1, 3, info.inputHeight(), info.inputWidth()}, outputs));
        float[][][][] attentions = OrtModels.attentions(ref, layout.layers());
        float[] probabilities = softmax(ref.get("logits").values());
        for (TeachingView v : TeachingViews.ALL) {
            assertTrue(v.unavailable(input).isEmpty(), v.name() + " on " + info.id() + ": " + v.unavailable(input));
        }

        // heads: the query rows of the reference attentions
        int query = layout.tokenOfPatch(layout.gridHeight() / 2, 1);
        TeachInput queried = input.withSelection(input.selection().withQuery(query));
        JsonNode heads = JsonOutput.tree(TeachingViews.get("heads").compute(queried));
        for (int l = 0; l < layout.layers(); l++) {
            for (int h = 0; h < layout.heads(); h++) {
                for (int p = 0; p < layout.patches(); p += 5) {
                    assertEquals(attentions[l][h][query][layout.prefixTokens() + p],
                            heads.get("maps").get(l).get(h).get(p).floatValue(), 2e-5, info.id() + " heads");
                }
            }
        }

        // attention distance: the naive loop over the reference attentions
        JsonNode distance = JsonOutput.tree(TeachingViews.get("attention-distance").compute(input)).get("distance");
        double[][] naive = AttentionDistanceTest.naive(attentions, layout);
        for (int l = 0; l < layout.layers(); l++) {
            for (int h = 0; h < layout.heads(); h++) {
                assertEquals(naive[l][h], distance.get(l).get(h).asDouble(), 1e-3 + 1e-4 * naive[l][h],
                        info.id() + " distance " + l + "/" + h);
            }
        }

        // logit lens: one entry per hidden state, the last the model's own probabilities
        JsonNode lens = JsonOutput.tree(TeachingViews.get("logit-lens").compute(input)).get("layers");
        assertEquals(layout.layers() + 1, lens.size());
        JsonNode last = lens.get(layout.layers());
        assertEquals(layout.layers(), last.get("layer").asInt());
        for (int k = 0; k < probabilities.length; k++) {
            assertEquals(probabilities[k], last.get("probabilities").get(k).floatValue(), 1e-4, info.id() + " lens");
        }

        Map<String, float[]> init = initializers(c.reference(), info);
        float[][][] hidden = in.hiddenStates();
        int d = hidden[0][0].length;

        // hidden state 0 is the embeddings: the patch convolution, the prefix tokens, the position embeddings
        float[] conv = init.get("patch_embeddings.projection.weight");
        float[] bias = init.get("patch_embeddings.projection.bias");
        float[] pos = init.get("position_embeddings");
        int p = layout.patchSize();
        int plane = info.inputHeight() * info.inputWidth();
        for (int patch = 0; patch < layout.patches(); patch += 7) {
            int row = patch / layout.gridWidth();
            int col = patch % layout.gridWidth();
            int token = layout.prefixTokens() + patch;
            for (int j = 0; j < d; j += 5) {
                double s = bias[j];
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < p; y++) {
                        for (int x = 0; x < p; x++) {
                            s += conv[((j * 3 + ch) * p + y) * p + x]
                                    * in.pixels()[ch * plane + (row * p + y) * info.inputWidth() + col * p + x];
                        }
                    }
                }
                if (pos != null) {
                    s += pos[token * d + j];
                }
                assertEquals(s, hidden[0][token][j], 1e-3, info.id() + " embedding of token " + token);
            }
        }
        float[] cls = init.get("cls_token");
        for (int j = 0; j < d; j += 3) {
            assertEquals(cls[j] + (pos == null ? 0 : pos[j]), hidden[0][0][j], 1e-5, info.id() + " [CLS] embedding");
        }

        // tokens: DeiT's [CLS]/[DIST] cosine from the hidden states; its two heads average to the model
        JsonNode tokens = JsonOutput.tree(TeachingViews.get("tokens").compute(input));
        if (info.family() == Family.DEIT) {
            for (int i = 0; i <= layout.layers(); i++) {
                assertEquals(PositionSimilarityViewTest.cosine(hidden[i][0], hidden[i][1]),
                        tokens.get("cls_dist_similarity").get(i).asDouble(), 1e-4, info.id() + " cos " + i);
            }
            assertEquals(2, tokens.get("heads").size());
            float[] a = floats(tokens.get("heads").get(0).get("probabilities"));
            float[] b = floats(tokens.get("heads").get(1).get("probabilities"));
            float[] mean = new float[a.length];
            for (int k = 0; k < a.length; k++) {
                mean[k] = (float) ((Math.log(a[k]) + Math.log(b[k])) / 2); // logits up to a constant
            }
            float[] combined = softmax(mean);
            for (int k = 0; k < a.length; k++) {
                assertEquals(probabilities[k], combined[k], 1e-4, info.id() + " heads combined");
            }
        } else {
            assertTrue(tokens.get("cls_dist_similarity").isNull());
        }

        // position: cosine of the initializer's patch rows, or BEiT's folded bias tensors by offset
        JsonNode position = JsonOutput.tree(TeachingViews.get("position-similarity").compute(input));
        if (pos != null) {
            JsonNode sim = position.get("similarity");
            assertEquals(layout.patches(), sim.size());
            int pre = layout.prefixTokens();
            for (int i = 0; i < layout.patches(); i += 3) {
                for (int j = 0; j < layout.patches(); j += 4) {
                    float[] a = java.util.Arrays.copyOfRange(pos, (pre + i) * d, (pre + i + 1) * d);
                    float[] b = java.util.Arrays.copyOfRange(pos, (pre + j) * d, (pre + j + 1) * d);
                    assertEquals(PositionSimilarityViewTest.cosine(a, b), sim.get(i).get(j).asDouble(), 1e-5);
                }
            }
        } else {
            assertEquals(Family.BEIT, info.family());
            assertEquals("relative_position_bias", position.get("shows").asText());
            checkBeitBias(c.reference(), layout, position);
        }

        // filters: the initializer's convolution weight, decomposed by the test's own power iteration
        JsonNode filters = JsonOutput.tree(TeachingViews.get("filters").compute(input));
        float[][][][] bank = new float[d][3][p][p];
        for (int j = 0; j < d; j++) {
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < p; y++) {
                    for (int x = 0; x < p; x++) {
                        bank[j][ch][y][x] = conv[((j * 3 + ch) * p + y) * p + x];
                    }
                }
            }
        }
        double[][] cov = FilterPcaTest.covariance(FilterPcaTest.centred(bank));
        double[] explained = floatsAsDoubles(filters.get("explained_variance"));
        double total = 0;
        for (int k = 0; k < cov.length; k++) {
            total += cov[k][k];
        }
        for (int i = 0; i < 3; i++) {
            float[] v = floats(filters.get("components").get(i));
            double[] cv = FilterPcaTest.times(cov, v);
            double lambda = explained[i] * total;
            for (int k = 0; k < cv.length; k += 3) {
                assertEquals(lambda * v[k], cv[k], 1e-4 * explained[0] * total, info.id() + " component " + i);
            }
        }
        if (d <= 64) {
            // trained filters have well separated leading variances: power iteration converges to the same axes
            double[][] power = FilterPcaTest.powerIteration(cov, 2);
            for (int i = 0; i < 2; i++) {
                if (explained[i] - explained[i + 1] > 0.05 * explained[i]) {
                    float[] v = floats(filters.get("components").get(i));
                    double dot = 0;
                    for (int k = 0; k < v.length; k++) {
                        dot += power[i][k] * v[k];
                    }
                    assertEquals(1.0, Math.abs(dot), 1e-3, info.id() + " component " + i + " vs power iteration");
                }
            }
        }
    }

    /**
     * The bias each BEiT layer adds to its attention scores, as the graph holds it (folded by the exporter into a
     * {@code [1, heads, T, T]} constant added to the scores), in layer order; the view's maps must give the same
     * number for every pair of tokens. (The randomly initialised ViT-B/16-shaped BEiT has all-zero tables, as Hugging
     * Face initialises them; there this checks shapes and zeros, the trained beit-fashion checks the layout.)
     */
    static void checkBeitBias(Path model, TokenLayout layout, JsonNode view) throws Exception {
        ModelProto proto = OnnxModelFiles.read(model);
        Map<String, TensorProto> byName = new HashMap<>();
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            byName.put(t.getName(), t);
        }
        int t = layout.tokens();
        List<float[]> folded = new ArrayList<>();
        for (NodeProto node : proto.getGraph().getNodeList()) {
            // exporters share equal constants between layers through Identity nodes
            if (node.getOpType().equals("Identity") && byName.containsKey(node.getInput(0))) {
                byName.put(node.getOutput(0), byName.get(node.getInput(0)));
            }
            if (!node.getOpType().equals("Add")) {
                continue;
            }
            for (String in : node.getInputList()) {
                TensorProto c = byName.get(in);
                if (c != null && c.getDimsCount() == 4 && c.getDims(1) == layout.heads() && c.getDims(2) == t
                        && c.getDims(3) == t) {
                    folded.add(values(c));
                }
            }
        }
        Assumptions.assumeTrue(folded.size() == layout.layers(), "the graph does not hold one folded bias per layer");
        JsonNode bias = view.get("bias");
        boolean shared = view.get("shared").asBoolean();
        int w = layout.gridWidth();
        for (int l = 0; l < layout.layers(); l++) {
            JsonNode layerMaps = bias.get(shared ? 0 : l);
            float[] f = folded.get(l);
            for (int h = 0; h < layout.heads(); h++) {
                JsonNode map = layerMaps.get(h);
                for (int q = 0; q < layout.patches(); q += 3) {
                    for (int k = 0; k < layout.patches(); k += 2) {
                        int dy = k / w - q / w + layout.gridHeight() - 1;
                        int dx = k % w - q % w + w - 1;
                        assertEquals(f[(h * t + 1 + q) * t + 1 + k], map.get(dy).get(dx).floatValue(), 1e-5,
                                "layer " + l + " head " + h + " query " + q + " key " + k);
                    }
                }
                JsonNode prefix = view.get("prefix_bias").get(shared ? 0 : l).get(h);
                assertEquals(f[(h * t) * t + 5], prefix.get(0).floatValue(), 1e-5, "[CLS] to a patch");
                assertEquals(f[(h * t + 5) * t], prefix.get(1).floatValue(), 1e-5, "a patch to [CLS]");
                assertEquals(f[(h * t) * t], prefix.get(2).floatValue(), 1e-5, "[CLS] to itself");
            }
        }
    }

    /** The embedding initializers by their Hugging Face name's tail (the test's own, name-based reading). */
    static Map<String, float[]> initializers(Path model, ModelInfo info) throws Exception {
        ModelProto proto = OnnxModelFiles.read(model);
        String stem = info.config().modelType().replace("-", "_") + ".embeddings.";
        Map<String, float[]> out = new LinkedHashMap<>();
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            String name = t.getName();
            int at = name.indexOf(stem);
            // "vit.embeddings.x" or "model.vit.embeddings.x", not "xvit.embeddings.x"
            if (at == 0 || at > 0 && name.charAt(at - 1) == '.') {
                out.put(name.substring(at + stem.length()), values(t));
            }
        }
        assertFalse(out.isEmpty(), "no embedding initializers named *" + stem + "* in " + model);
        return out;
    }

    static float[] values(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[b.remaining() / 4];
            b.asFloatBuffer().get(v);
            return v;
        }
        float[] v = new float[t.getFloatDataCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getFloatData(i);
        }
        return v;
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.exp(logits[i] - max);
            sum += e[i];
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < e.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).floatValue();
        }
        return v;
    }

    static double[] floatsAsDoubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }
}
