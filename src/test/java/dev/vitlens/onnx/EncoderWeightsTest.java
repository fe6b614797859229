package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vitlens.catalog.Family;
import dev.vitlens.testing.ShapeExports;
import dev.vitlens.testing.TinyVitExport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static dev.vitlens.testing.ExportedWeights.assertClose;
import static dev.vitlens.onnx.HiddenStateSurgeryTest.inputShape;
import static dev.vitlens.onnx.HiddenStateSurgeryTest.pixels;
import static dev.vitlens.testing.ExportedWeights.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The weights found by structure are the initializers the exporter named for them ({@code ...patch_embeddings
 * .projection.weight}, {@code ...position_embeddings}, the bias each BEiT layer adds to its scores), and BEiT's table
 * recovered from a folded bias is the one an unfolded graph gathers from.
 */
class EncoderWeightsTest {
    private static final Path MODELS = Path.of("models");

    @Test
    void vitFashion() throws Exception {
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("vit-fashion/model.onnx"));
        EncoderWeights.Result w = EncoderWeights.read(model, 1, 7, 7);
        assertTrue(w.notes().isEmpty(), w.notes().toString());
        assertArrayEquals(new long[] {64, 3, 4, 4}, w.patchFilters().dims());
        assertArrayEquals(values(model, "model.vit.embeddings.patch_embeddings.projection.weight"),
                w.patchFilters().values());
        assertArrayEquals(new long[] {50, 64}, w.positionEmbeddings().dims());
        assertArrayEquals(values(model, "model.vit.embeddings.position_embeddings"), w.positionEmbeddings().values());
        assertTrue(w.relativePositionBias().isEmpty());
    }

    @Test
    void deitMask() throws Exception {
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("deit-mask/model.onnx"));
        EncoderWeights.Result w = EncoderWeights.read(model, 2, 8, 8);
        assertTrue(w.notes().isEmpty(), w.notes().toString());
        assertArrayEquals(values(model, "model.deit.embeddings.patch_embeddings.projection.weight"),
                w.patchFilters().values());
        assertArrayEquals(new long[] {66, 64}, w.positionEmbeddings().dims());
        assertArrayEquals(values(model, "model.deit.embeddings.position_embeddings"), w.positionEmbeddings().values());
        assertTrue(w.relativePositionBias().isEmpty());
    }

    @Test
    void beitFashionHasRelativeBiasAndNoAbsolutePositions() throws Exception {
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("beit-fashion/model.onnx"));
        EncoderWeights.Result w = EncoderWeights.read(model, 1, 7, 7);
        assertArrayEquals(values(model, "model.beit.embeddings.patch_embeddings.projection.weight"),
                w.patchFilters().values());
        assertNull(w.positionEmbeddings());
        assertEquals(1, w.notes().size(), w.notes().toString());
        assertTrue(w.notes().get(0).startsWith("no absolute position embeddings"), w.notes().get(0));
        assertEquals(6, w.relativePositionBias().size());
        for (int layer = 0; layer < 6; layer++) {
            EncoderWeights.Tensor table = w.relativePositionBias().get(layer);
            assertArrayEquals(new long[] {13 * 13 + 3, 4}, table.dims());
            float[] folded = values(model, scoreBias(model, "/model/beit", layer));
            assertTableMatches(table, folded, 7, 7, 4);
        }
    }

    @Test
    void beitTableIsReadWhereTheGraphGathersFromIt() throws Exception {
        ModelProto model = OnnxModelFiles.read(MODELS.resolve("beit-fashion/model.onnx"));
        ModelProto unfolded = unfold(model);
        EncoderWeights.Result w = EncoderWeights.read(unfolded, 1, 7, 7);
        assertEquals(6, w.relativePositionBias().size());
        for (int layer = 0; layer < 6; layer++) {
            assertArrayEquals(values(unfolded, "test/table." + layer), w.relativePositionBias().get(layer).values());
        }
        // the unfolded graph computes the same thing, so the gathered table really is the folded bias
        Map<String, float[]> a = OrtRunner.run(model.toByteArray(), "pixel_values", pixels(model), inputShape(model),
                Set.of("logits"));
        Map<String, float[]> b = OrtRunner.run(unfolded.toByteArray(), "pixel_values", pixels(model),
                inputShape(model), Set.of("logits"));
        assertClose(a.get("logits"), b.get("logits"), 1e-5, "logits of the unfolded graph");
    }

    @Test
    void aRandomScoreBiasIsNotTakenForARelativePositionBias() {
        // TinyVitExport's BEiT adds random [1, heads, T, T] constants: equal offsets do not share values
        ModelProto model = new TinyVitExport().family(Family.BEIT).build(null);
        EncoderWeights.Result w = EncoderWeights.read(model, 1, 4, 4);
        assertTrue(w.relativePositionBias().isEmpty());
        assertTrue(w.notes().stream().anyMatch(n -> n.contains("not a relative position bias")), w.notes().toString());
        assertNotNull(w.patchFilters());
        assertNotNull(w.positionEmbeddings());
    }

    @Test
    void exactShapeExports() throws Exception {
        Path root = ShapeExports.root();
        for (String name : ShapeExports.NAMES) {
            ModelProto model = OnnxModelFiles.read(root.resolve(name).resolve("model.onnx"));
            String family = name.startsWith("beit") ? "beit" : name.startsWith("deit") ? "deit" : "vit";
            int prefix = family.equals("deit") ? 2 : 1;
            EncoderWeights.Result w = EncoderWeights.read(model, prefix, 14, 14);
            assertArrayEquals(new long[] {768, 3, 16, 16}, w.patchFilters().dims(), name);
            assertArrayEquals(values(model, "model." + family + ".embeddings.patch_embeddings.projection.weight"),
                    w.patchFilters().values(), name);
            if (family.equals("beit")) {
                assertNull(w.positionEmbeddings(), name);
                assertEquals(ShapeExports.layers(), w.relativePositionBias().size(), name);
                for (int layer = 0; layer < ShapeExports.layers(); layer++) {
                    EncoderWeights.Tensor table = w.relativePositionBias().get(layer);
                    assertArrayEquals(new long[] {27 * 27 + 3, 12}, table.dims(), name);
                    assertTableMatches(table, values(model, scoreBias(model, "/model/beit", layer)), 14, 14, 12);
                }
            } else {
                assertTrue(w.notes().isEmpty(), name + ": " + w.notes());
                assertArrayEquals(new long[] {196 + prefix, 768}, w.positionEmbeddings().dims(), name);
                assertArrayEquals(values(model, "model." + family + ".embeddings.position_embeddings"),
                        w.positionEmbeddings().values(), name);
                assertTrue(w.relativePositionBias().isEmpty(), name);
            }
        }
    }

    /** The constant torch's export adds in "/encoder/layer.i/attention/attention/Add". */
    private static String scoreBias(ModelProto model, String prefix, int layer) {
        String name = prefix + "/encoder/layer." + layer + "/attention/attention/Add";
        NodeProto add = model.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
        return add.getInput(1);
    }

    /** bias[h][i][j] == table[index(i, j)][h] with Hugging Face's index, written out here from its definition. */
    private static void assertTableMatches(EncoderWeights.Tensor table, float[] bias, int gh, int gw, int heads) {
        int n = gh * gw;
        int t = n + 1;
        int distances = (2 * gh - 1) * (2 * gw - 1) + 3;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    int k;
                    if (i == 0 && j == 0) {
                        k = distances - 1;
                    } else if (i == 0) {
                        k = distances - 3;
                    } else if (j == 0) {
                        k = distances - 2;
                    } else {
                        int dy = (i - 1) / gw - (j - 1) / gw + gh - 1;
                        int dx = (i - 1) % gw - (j - 1) % gw + gw - 1;
                        k = dy * (2 * gw - 1) + dx;
                    }
                    assertEquals(bias[(h * t + i) * t + j], table.values()[k * heads + h], 0f,
                            "head " + h + " tokens " + i + "," + j);
                }
            }
        }
    }

    /** Replaces each layer's folded [1, heads, T, T] bias by Unsqueeze(Transpose(Reshape(Gather(table, index)))). */
    private static ModelProto unfold(ModelProto model) throws Exception {
        int gh = 7;
        int gw = 7;
        int t = gh * gw + 1;
        int distances = (2 * gh - 1) * (2 * gw - 1) + 3;
        long[] index = new long[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                int k;
                if (i == 0 && j == 0) {
                    k = distances - 1;
                } else if (i == 0) {
                    k = distances - 3;
                } else if (j == 0) {
                    k = distances - 2;
                } else {
                    k = ((i - 1) / gw - (j - 1) / gw + gh - 1) * (2 * gw - 1) + ((i - 1) % gw - (j - 1) % gw + gw - 1);
                }
                index[i * t + j] = k;
            }
        }
        GraphProto.Builder g = model.getGraph().toBuilder();
        g.addInitializer(TensorProto.newBuilder().setName("test/index").setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(t * t).addAllInt64Data(java.util.Arrays.stream(index).boxed().toList()));
        g.addInitializer(TensorProto.newBuilder().setName("test/shape").setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(3).addInt64Data(t).addInt64Data(t).addInt64Data(-1));
        g.addInitializer(TensorProto.newBuilder().setName("test/axes").setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(1).addInt64Data(0));
        for (int layer = 0; layer < 6; layer++) {
            // the table from the folded bias, independently of the reader: entry k is bias at any (i, j) with index k
            float[] bias = values(model, scoreBias(model, "/model/beit", layer));
            int heads = 4;
            float[] table = new float[distances * heads];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    for (int h = 0; h < heads; h++) {
                        table[(int) index[i * t + j] * heads + h] = bias[(h * t + i) * t + j];
                    }
                }
            }
            TensorProto.Builder tb = TensorProto.newBuilder().setName("test/table." + layer)
                    .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(distances).addDims(heads);
            for (float v : table) {
                tb.addFloatData(v);
            }
            g.addInitializer(tb);
            String p = "test/layer." + layer + "/";
            g.addNode(TinyVit.node("Gather", p + "Gather", new String[] {"test/table." + layer, "test/index"},
                    p + "gathered"));
            g.addNode(TinyVit.node("Reshape", p + "Reshape", new String[] {p + "gathered", "test/shape"}, p + "ttH"));
            g.addNode(TinyVit.node("Transpose", p + "Transpose", new String[] {p + "ttH"}, p + "Htt")
                    .addAttribute(TinyVit.ints("perm", 2, 0, 1)));
            g.addNode(TinyVit.node("Unsqueeze", p + "Unsqueeze", new String[] {p + "Htt", "test/axes"}, p + "bias"));
            String addName = "/model/beit/encoder/layer." + layer + "/attention/attention/Add";
            for (int i = 0; i < g.getNodeCount(); i++) {
                if (g.getNode(i).getName().equals(addName)) {
                    g.setNode(i, g.getNode(i).toBuilder().setInput(1, p + "bias"));
                }
            }
        }
        // nodes must stay sorted for ONNX Runtime: move the new ones to the front (they read only initializers)
        java.util.List<NodeProto> nodes = new java.util.ArrayList<>(g.getNodeList());
        java.util.List<NodeProto> added = nodes.stream().filter(n -> n.getName().startsWith("test/")).toList();
        nodes.removeAll(added);
        nodes.addAll(0, added);
        g.clearNode().addAllNode(nodes);
        return model.toBuilder().setGraph(g).build();
    }
}
