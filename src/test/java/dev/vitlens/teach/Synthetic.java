package dev.vitlens.teach;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelConfig;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.PreprocessorConfig;
import dev.vitlens.catalog.ResampleMethod;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.catalog.VitLensMeta;
import dev.vitlens.internals.LogitLens;
import dev.vitlens.internals.ModelInternals;
import dev.vitlens.internals.ModelWeights;
import dev.vitlens.internals.SpecialTokens;
import dev.vitlens.onnx.OnnxSignature;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Reproducible random internals and weights of any shape, for the views' unit tests (no model needed). */
final class Synthetic {
    private Synthetic() {
    }

    /** A model of the given family and shape; 3 channels, labels "c0".."c{classes-1}". */
    static ModelInfo model(Family family, int grid, int patch, int layers, int heads, int hidden, int classes) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            labels.add("c" + i);
        }
        int size = grid * patch;
        ModelConfig config = new ModelConfig(family.name().toLowerCase(), family, List.of(), labels, size, size, patch,
                3, hidden, layers, heads, family == Family.BEIT);
        PreprocessorConfig pre = new PreprocessorConfig(true, PreprocessorConfig.Size.exact(size, size),
                ResampleMethod.BILINEAR, false, size, size, Double.NaN, true, 1 / 255.0, true,
                PreprocessorConfig.IMAGENET_DEFAULT_MEAN, PreprocessorConfig.IMAGENET_DEFAULT_STD);
        TokenLayout layout = new TokenLayout(family.prefixTokens(), grid, grid, patch, layers, heads);
        return new ModelInfo("synthetic-" + family.name().toLowerCase(), Path.of("synthetic"), config, pre,
                VitLensMeta.EMPTY, layout, new OnnxSignature(List.of(), List.of()));
    }

    static ModelInternals internals(ModelInfo model, long seed) {
        Random r = new Random(seed);
        TokenLayout l = model.layout();
        int t = l.tokens();
        float[][][][] att = new float[l.layers()][l.heads()][t][];
        for (int a = 0; a < l.layers(); a++) {
            for (int h = 0; h < l.heads(); h++) {
                for (int q = 0; q < t; q++) {
                    att[a][h][q] = softmax(r, t, 3);
                }
            }
        }
        int d = model.config().hiddenSize();
        float[][][] hidden = new float[l.layers() + 1][t][d];
        for (float[][] state : hidden) {
            for (float[] tok : state) {
                for (int k = 0; k < d; k++) {
                    tok[k] = (float) r.nextGaussian();
                }
            }
        }
        float[] pixels = new float[3 * model.inputHeight() * model.inputWidth()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat() * 4 - 2;
        }
        return new ModelInternals(model, pixels, softmax(r, model.labels().size(), 2), att, hidden, "", "");
    }

    /**
     * Filters made of {@code rank} strong directions with well separated scales plus a little noise, so the leading
     * principal components are well defined; a learned position embedding per token; BEiT-sized bias tables.
     */
    static ModelWeights weights(ModelInfo model, int filters, long seed) {
        Random r = new Random(seed);
        TokenLayout l = model.layout();
        int p = l.patchSize();
        int k = 3 * p * p;
        int rank = Math.min(6, k);
        double[][] dirs = new double[rank][k];
        for (double[] dir : dirs) {
            for (int j = 0; j < k; j++) {
                dir[j] = r.nextGaussian();
            }
        }
        float[][][][] w = new float[filters][3][p][p];
        for (int f = 0; f < filters; f++) {
            double[] coeff = new double[rank];
            for (int i = 0; i < rank; i++) {
                coeff[i] = r.nextGaussian() * (rank - i) * 2.0;
            }
            int j = 0;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < p; y++) {
                    for (int x = 0; x < p; x++) {
                        double v = 0.3 + 0.05 * r.nextGaussian();
                        for (int i = 0; i < rank; i++) {
                            v += coeff[i] * dirs[i][j];
                        }
                        w[f][c][y][x] = (float) v;
                        j++;
                    }
                }
            }
        }
        int d = model.config().hiddenSize();
        float[][] pos = null;
        List<float[][]> bias = new ArrayList<>();
        if (model.family() == Family.BEIT) {
            int rows = (2 * l.gridHeight() - 1) * (2 * l.gridWidth() - 1) + 3;
            for (int layer = 0; layer < l.layers(); layer++) {
                float[][] table = new float[rows][l.heads()];
                for (float[] row : table) {
                    for (int h = 0; h < row.length; h++) {
                        row[h] = (float) r.nextGaussian();
                    }
                }
                bias.add(table);
            }
        } else {
            pos = new float[l.tokens()][d];
            for (float[] row : pos) {
                for (int j = 0; j < d; j++) {
                    row[j] = (float) r.nextGaussian();
                }
            }
        }
        return new ModelWeights(w, pos, bias, List.of());
    }

    static LogitLens.Result lens(ModelInternals internals, long seed) {
        Random r = new Random(seed);
        TokenLayout l = internals.layout();
        int classes = internals.probabilities().length;
        float[][] layers = new float[l.layers() + 1][];
        float[][][] patches = new float[l.layers() + 1][l.patches()][];
        for (int i = 0; i <= l.layers(); i++) {
            layers[i] = i == l.layers() ? internals.probabilities().clone() : softmax(r, classes, 2);
            for (int p = 0; p < l.patches(); p++) {
                patches[i][p] = softmax(r, classes, 2);
            }
        }
        return new LogitLens.Result(layers, patches);
    }

    static SpecialTokens.Result tokens(ModelInternals internals, long seed) {
        Random r = new Random(seed);
        int classes = internals.probabilities().length;
        Family f = internals.model().family();
        if (f == Family.DEIT) {
            float[] cos = new float[internals.layout().layers() + 1];
            for (int i = 0; i < cos.length; i++) {
                cos[i] = r.nextFloat() * 2 - 1;
            }
            Map<String, float[]> heads = new LinkedHashMap<>();
            // deliberately not in head order: the view orders cls before distillation
            heads.put("distillation", softmax(r, classes, 2));
            heads.put("cls", softmax(r, classes, 2));
            return new SpecialTokens.Result(f, SpecialTokens.Pooling.CLS_AND_DISTILLATION_TOKENS,
                    "DeiT reads [CLS] and [DIST].", cos, heads);
        }
        return new SpecialTokens.Result(f, f == Family.BEIT ? SpecialTokens.Pooling.MEAN_OF_PATCHES
                : SpecialTokens.Pooling.CLS_TOKEN, f.displayName() + " reads one thing.", null, Map.of());
    }

    /** Everything for one image. */
    static TeachInput input(ModelInfo model, long seed) {
        ModelInternals in = internals(model, seed);
        return TeachInput.of(in).withWeights(weights(model, model.config().hiddenSize(), seed + 1))
                .withLens(lens(in, seed + 2)).withTokens(tokens(in, seed + 3));
    }

    /** A random softmax row: logits ~ N(0, spread²). */
    static float[] softmax(Random r, int n, double spread) {
        double[] e = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            e[i] = r.nextGaussian() * spread;
            max = Math.max(max, e[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            e[i] = Math.exp(e[i] - max);
            sum += e[i];
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }
}
