package dev.vitlens.teach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.internals.LogitLens;
import dev.vitlens.internals.ModelInternals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guided lesson's steps, its two questions against naive answers, and the lesson saved for slides. */
class LessonTest {

    private static TeachInput input(Family family, long seed) {
        ModelInfo model = Synthetic.model(family, 4, 4, 3, 2, 8, 5);
        return TeachInput.of(Synthetic.internals(model, seed)).withWeights(Synthetic.weights(model, 8, seed));
    }

    @Test
    void stepsFollowTheRegistryAndTalkAboutThisModel() {
        for (Family family : Family.values()) {
            List<Lesson.Step> steps = Lesson.steps(input(family, 1));
            assertEquals(Lesson.ORDER, steps.stream().map(Lesson.Step::view).toList());
            assertEquals("1. Patchify", steps.get(0).heading());
            assertTrue(steps.get(0).text().contains("4 x 4 square patches of 4 x 4 pixels"), steps.get(0).text());
            assertTrue(steps.get(0).text().contains("48 numbers"), "3 x 4 x 4 values per patch");
            String tokens = steps.get(Lesson.ORDER.indexOf("tokens")).text();
            String position = steps.get(Lesson.ORDER.indexOf("position-similarity")).text();
            switch (family) {
                case DEIT -> assertTrue(tokens.contains("[DIST]"), tokens);
                case BEIT -> {
                    assertTrue(tokens.contains("mean pooling"), tokens);
                    assertTrue(position.contains("no position embeddings"), position);
                }
                case VIT -> assertFalse(tokens.contains("[DIST]"), tokens);
            }
            assertEquals(2, steps.stream().filter(s -> s.question().isPresent()).count(), "two predict-then-reveal");
        }
    }

    @Test
    void mostAttendedPatchIsTheNaiveArgmaxOfTheLastLayer() {
        TeachInput in = input(Family.DEIT, 7);
        ModelInternals internals = in.internals();
        int layers = in.layout().layers();
        int prefix = in.layout().prefixTokens();
        int patches = in.layout().patches();
        double[] mean = new double[patches];
        for (float[][] head : internals.attentions()[layers - 1]) {
            for (int p = 0; p < patches; p++) {
                mean[p] += head[0][prefix + p];
            }
        }
        int best = 0;
        int worst = 0;
        for (int p = 1; p < patches; p++) {
            best = mean[p] > mean[best] ? p : best;
            worst = mean[p] < mean[worst] ? p : worst;
        }
        Question q = new MostAttendedPatch();
        Question.Answer right = q.check(in, best);
        assertTrue(right.right());
        assertEquals(best, right.correct());
        assertTrue(right.feedback().startsWith("Exactly"), right.feedback());
        Question.Answer wrong = q.check(in, worst);
        assertFalse(wrong.right());
        assertTrue(wrong.feedback().contains("rank " + patches + " of " + patches), wrong.feedback());
        assertTrue(q.solution(in).contains("(" + best / 4 + ", " + best % 4 + ")"), q.solution(in));
        assertThrows(IllegalArgumentException.class, () -> q.check(in, patches));
    }

    @Test
    void firstSureLayerReadsTheLens() {
        TeachInput base = input(Family.VIT, 3);
        int layers = base.layout().layers(); // 3 layers: lens rows emb, after 0, after 1, after 2
        float[] a = {0.7f, 0.1f, 0.1f, 0.05f, 0.05f};
        float[] b = {0.1f, 0.6f, 0.1f, 0.1f, 0.1f};
        // top class: emb b, after 0 a, after 1 b, after 2 b: final b from layer 1 on (0-based)
        float[][] rows = {b, a, b, b};
        TeachInput in = base.withLens(new LogitLens.Result(rows, new float[layers + 1][base.layout().patches()][5]));
        Question q = new FirstSureLayer();
        assertEquals(1, FirstSureLayer.firstSureLayer(in));
        assertTrue(q.check(in, 1).right());
        assertTrue(q.check(in, 1).feedback().startsWith("Exactly"));
        assertTrue(q.check(in, 2).right(), "one layer off is close");
        assertTrue(q.check(in, 0).feedback().contains("from layer 1 on (layers 0 to 2)"), q.check(in, 0).feedback());
        assertThrows(IllegalArgumentException.class, () -> q.check(base, 0), "no lens, no answer");
    }

    @Test
    void theLessonSavesAsOnePageAndAsANewFolder(@TempDir Path dir) throws IOException {
        TeachInput in = input(Family.BEIT, 5);
        Path html = dir.resolve("lesson.html");
        LessonExport.writeHtml(in, html);
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertTrue(page.contains("class=\"na\""), "a step that cannot be drawn says why");
        List<String> missing = java.util.Arrays.stream(page.split("<p class=\"na\">")).skip(1)
                .map(t -> t.substring(0, t.indexOf("</p>"))).toList();
        assertEquals(Lesson.ORDER.size() - missing.size(), page.split("data:image/png;base64,", -1).length - 1);
        // the synthetic input carries neither the special-token analysis nor a read-out
        assertEquals(2, missing.size(), missing.toString());
        assertTrue(missing.get(0).startsWith("tokens") && missing.get(1).startsWith("logit-lens"), missing.toString());

        Path folder = dir.resolve("slides");
        LessonExport.writeFolder(in, folder);
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains("01-patchify.png") && names.contains("01-patchify.json")
                    && names.contains("lesson.md"), names.toString());
        }
        IOException exists = assertThrows(IOException.class, () -> LessonExport.writeFolder(in, folder));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(2, left.count(), "no temporary folder left behind");
        }
    }
}
