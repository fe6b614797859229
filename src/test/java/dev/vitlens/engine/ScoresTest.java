package dev.vitlens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoresTest {
    @Test
    void softmaxIsStableForHugeLogits() {
        float[] p = Scores.softmax(new float[] {1000f, 1000f, -1000f});
        assertEquals(0.5f, p[0], 1e-7);
        assertEquals(0.5f, p[1], 1e-7);
        assertEquals(0f, p[2], 1e-7);
        float[] q = Scores.softmax(new float[] {1f, 2f, 3f});
        assertEquals(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), q[2], 1e-7);
    }

    @Test
    void topKOrdersByScoreThenIndex() {
        List<Prediction> top = Scores.topK(new float[] {0.1f, 0.4f, 0.1f, 0.4f}, List.of("a", "b", "c", "d"), 3);
        assertEquals(List.of(new Prediction("b", 1, 0.4f), new Prediction("d", 3, 0.4f),
                new Prediction("a", 0, 0.1f)), top);
        assertEquals(2, Scores.topK(new float[] {1, 2}, List.of("x", "y"), 10).size());
    }
}
