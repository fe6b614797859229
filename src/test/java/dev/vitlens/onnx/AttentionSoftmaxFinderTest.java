package dev.vitlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionSoftmaxFinderTest {

    private static TinyVit vit(int layers) {
        return new TinyVit(1, layers, 2, 5, 4);
    }

    @Test
    void findsEveryLayerInOrder() throws Exception {
        List<AttentionSoftmax> found = AttentionSoftmaxFinder.find(vit(4).build());
        assertEquals(4, found.size());
        for (int l = 0; l < 4; l++) {
            assertEquals(l, found.get(l).layer());
            assertEquals("/vit/encoder/layer." + l + "/attention/probs", found.get(l).outputName());
            assertEquals(OptionalInt.of(l), found.get(l).nameIndex());
        }
    }

    @Test
    void ordersByDataFlowWithoutNamesEvenIfTheFileIsUnsorted() throws Exception {
        TinyVit v = vit(3);
        v.softmaxName = l -> "";
        ModelProto model = v.build();
        List<NodeProto> reversed = new ArrayList<>(model.getGraph().getNodeList());
        Collections.reverse(reversed);
        ModelProto shuffled = model.toBuilder().setGraph(model.getGraph().toBuilder().clearNode().addAllNode(reversed)).build();
        List<AttentionSoftmax> found = AttentionSoftmaxFinder.find(shuffled);
        assertEquals(3, found.size());
        for (int l = 0; l < 3; l++) {
            assertEquals("/vit/encoder/layer." + l + "/attention/probs", found.get(l).outputName());
        }
    }

    @Test
    void refusesNamesThatContradictTheDataFlow() {
        TinyVit v = vit(3);
        v.softmaxName = l -> "/deit/encoder/layer." + (2 - l) + "/attention/attention/Softmax";
        AttentionNotFoundException e = assertThrows(AttentionNotFoundException.class, () -> AttentionSoftmaxFinder.find(v.build()));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
    }

    @Test
    void refusesNamesWithMissingLayers() {
        TinyVit v = vit(2);
        v.softmaxName = l -> "/beit/encoder/layer." + (l * 2) + "/attention/attention/Softmax";
        AttentionNotFoundException e = assertThrows(AttentionNotFoundException.class, () -> AttentionSoftmaxFinder.find(v.build()));
        assertTrue(e.getMessage().contains("refusing to guess"), e.getMessage());
    }

    @Test
    void acceptsScaleByMulBiasAndOldOpsetWithExplicitLastAxis() throws Exception {
        TinyVit v = vit(2);
        v.scaleOp = "Mul";
        v.withBias = true;
        v.opset = 11;
        v.softmaxAxis = 3L; // opset < 13 default axis 1 would not be a row softmax; 3 is the last of 4 axes
        assertEquals(2, AttentionSoftmaxFinder.find(v.build()).size());
    }

    @Test
    void rejectsSoftmaxOverAnotherAxis() {
        TinyVit v = vit(2);
        v.softmaxAxis = 1L;
        AttentionNotFoundException e = assertThrows(AttentionNotFoundException.class, () -> AttentionSoftmaxFinder.find(v.build()));
        assertTrue(e.getMessage().contains("2 Softmax node(s), none over the last axis"), e.getMessage());
    }

    @Test
    void rejectsDefaultAxisBeforeOpset13() {
        TinyVit v = vit(2);
        v.opset = 12;
        v.softmaxAxis = null; // default axis = 1 before opset 13
        assertThrows(AttentionNotFoundException.class, () -> AttentionSoftmaxFinder.find(v.build()));
    }

    @Test
    void reportsFusedAttention() {
        ModelProto model = graphOf(
                TinyVit.node("MultiHeadAttention", "/encoder/layer.0/attention/MultiHeadAttention",
                        new String[] {"q", "k", "v"}, "context").setDomain("com.microsoft").build(),
                TinyVit.node("MatMul", "head", new String[] {"context", "w"}, "logits").build());
        AttentionNotFoundException e = assertThrows(AttentionNotFoundException.class, () -> AttentionSoftmaxFinder.find(model));
        assertTrue(e.getMessage().startsWith("graph uses fused attention op com.microsoft.MultiHeadAttention"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot be extracted"), e.getMessage());
    }

    @Test
    void reportsGraphWithoutSoftmax() {
        ModelProto model = graphOf(TinyVit.node("MatMul", "head", new String[] {"x", "w"}, "logits").build());
        AttentionNotFoundException e = assertThrows(AttentionNotFoundException.class, () -> AttentionSoftmaxFinder.find(model));
        assertTrue(e.getMessage().contains("no Softmax node"), e.getMessage());
    }

    @Test
    void ignoresClassifierSoftmax() {
        // probabilities = Softmax(x · Wᵀ) with a transposed weight: a Transpose, but of a constant, so not Q·Kᵀ
        ModelProto model = graphOf(
                TinyVit.node("Transpose", "wt", new String[] {"w"}, "w_t").build(),
                TinyVit.node("MatMul", "head", new String[] {"x", "w_t"}, "logits").build(),
                TinyVit.node("Softmax", "/classifier/Softmax", new String[] {"logits"}, "probs").build());
        ModelProto withWeight = model.toBuilder().setGraph(model.getGraph().toBuilder()
                .addInitializer(TinyVit.floatTensor("w", new float[][] {{1, 2}, {3, 4}}, 2, 2))).build();
        AttentionNotFoundException e = assertThrows(AttentionNotFoundException.class, () -> AttentionSoftmaxFinder.find(withWeight));
        assertTrue(e.getMessage().contains("1 Softmax node(s), none"), e.getMessage());
    }

    @Test
    void readsLayerIndicesFromExportNames() {
        assertEquals(OptionalInt.of(3), AttentionSoftmaxFinder.layerIndexInName("/vit/encoder/layer.3/attention/attention/Softmax"));
        assertEquals(OptionalInt.of(0), AttentionSoftmaxFinder.layerIndexInName("/beit/encoder/layer.0/attention/attention/Softmax"));
        assertEquals(OptionalInt.of(11), AttentionSoftmaxFinder.layerIndexInName("/deit/encoder/layer.11/attention/attention/Softmax"));
        assertEquals(OptionalInt.of(5), AttentionSoftmaxFinder.layerIndexInName("blocks.5.attn.softmax"));
        assertEquals(OptionalInt.of(2), AttentionSoftmaxFinder.layerIndexInName("/encoder/layers_2/Softmax"));
        assertEquals(OptionalInt.empty(), AttentionSoftmaxFinder.layerIndexInName("/player5/Softmax"));
        assertEquals(OptionalInt.empty(), AttentionSoftmaxFinder.layerIndexInName("Softmax_12"));
    }

    private static ModelProto graphOf(NodeProto... nodes) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g");
        for (NodeProto n : nodes) {
            g.addNode(n);
        }
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build();
    }
}
