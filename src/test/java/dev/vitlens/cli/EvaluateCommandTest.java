package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import static dev.vitlens.testing.LabelledFolders.GREEN;
import static dev.vitlens.testing.LabelledFolders.MAGENTA;
import static dev.vitlens.testing.LabelledFolders.ORANGE;
import static dev.vitlens.testing.LabelledFolders.RED;
import static dev.vitlens.testing.LabelledFolders.SKY;
import static dev.vitlens.testing.LabelledFolders.VIOLET;
import static dev.vitlens.testing.LabelledFolders.expectedTop1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.testing.LabelledFolders;
import dev.vitlens.testing.TinyVitExport;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vitlens evaluate}: the JSON contract, the text report and the errors, on a hand-checkable tiny model. */
class EvaluateCommandTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path clean;
    static Path withBroken;
    /** clean's images: file name -> {true label, colour}. */
    static final Map<String, Object[]> cleanImages = new LinkedHashMap<>();


    @BeforeAll
    static void setUp() throws Exception {
        model = LabelledFolders.writeModel(tmp.resolve("models/tiny"));
        clean = tmp.resolve("clean");
        put("T-shirt_top/a.png", 0, ORANGE);
        put("T-shirt_top/b.png", 0, MAGENTA);
        put("ankle boot/c.png", 1, VIOLET);
        put("ankle boot/d.png", 1, GREEN);
        put("BAG/e.png", 2, SKY);
        put("BAG/f.png", 2, RED);
        withBroken = tmp.resolve("broken");
        LabelledFolders.writeImage(withBroken.resolve("bag/a.png"), SKY);
        Files.writeString(withBroken.resolve("bag/b.png"), "garbage");
        LabelledFolders.writeImage(withBroken.resolve("bag/c.png"), SKY);
        Files.createDirectories(withBroken.resolve("sneakers"));
        Files.createDirectories(withBroken.resolve("sneaker"));
    }

    static void put(String relative, int label, Color colour) throws Exception {
        LabelledFolders.writeImage(clean.resolve(relative), colour);
        cleanImages.put(relative, new Object[] {label, colour});
    }


    @Test
    void jsonHasTheContractedFieldsWithTheHandComputedValues() throws Exception {
        Run r = run("evaluate", "-m", model.toString(), "--format", "json", "--device", "cpu", "--batch", "4",
                clean.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        int[][] expected = new int[4][4];
        int correct = 0;
        for (Object[] v : cleanImages.values()) {
            int predicted = expectedTop1((Color) v[1]);
            expected[(int) v[0]][predicted]++;
            correct += predicted == (int) v[0] ? 1 : 0;
        }
        assertEquals(6, o.get("images").asInt());
        assertEquals(correct, o.get("correct").asInt());
        assertEquals(correct / 6.0, o.get("accuracy").asDouble(), 1e-12);
        assertEquals(3.0 / 6, o.get("accuracy").asDouble(), 1e-12, "a, c, e are right");
        JsonNode confusion = o.get("confusion");
        assertEquals("true", confusion.get("rows").asText());
        assertEquals("predicted", confusion.get("columns").asText());
        assertEquals(LabelledFolders.LABELS, new ObjectMapper().convertValue(confusion.get("labels"), List.class));
        for (int t = 0; t < 4; t++) {
            for (int p = 0; p < 4; p++) {
                assertEquals(expected[t][p], confusion.get("matrix").get(t).get(p).asInt(), t + "," + p);
            }
        }
        JsonNode perClass = o.get("per_class");
        assertEquals(4, perClass.size());
        JsonNode bag = perClass.get(2);
        assertEquals("Bag", bag.get("label").asText());
        assertEquals(2, bag.get("support").asInt());
        assertEquals(0.5, bag.get("recall").asDouble(), 1e-12);
        assertEquals(1.0, bag.get("precision").asDouble(), 1e-12);
        assertTrue(perClass.get(3).get("recall").isNull(), "no Sneaker images: recall is null");
        assertTrue(bag.get("evaluated").asBoolean());
        assertTrue(!perClass.get(3).get("evaluated").asBoolean(), "Sneaker is there only as a prediction");
        JsonNode wrong = o.get("misclassified");
        assertEquals(3, wrong.size());
        JsonNode first = wrong.get(0);
        assertEquals(clean.resolve("T-shirt_top/b.png").toString(), first.get("file").asText());
        assertEquals("T-shirt/top", first.get("true").asText());
        assertEquals("Ankle boot", first.get("predicted").asText());
        assertTrue(first.get("score").asDouble() > first.get("true_score").asDouble());
        assertEquals(0, o.get("unmatched_folders").size());
        assertEquals(0, o.get("errors").size());
        assertTrue(o.get("seconds").asDouble() >= 0);
        assertEquals("tiny", o.get("model").asText());
    }

    @Test
    void aBrokenFileIsAnErrorEntryAndExitOneWithUnmatchedAndEmptyFoldersReported() throws Exception {
        Run r = run("evaluate", "-m", model.toString(), "--format", "json", "--device", "cpu", withBroken.toString());
        assertEquals(1, r.exit(), r.err());
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertEquals(2, o.get("images").asInt());
        assertEquals(1.0, o.get("accuracy").asDouble(), 1e-12);
        assertEquals(1, o.get("errors").size());
        assertEquals(withBroken.resolve("bag/b.png").toString(), o.get("errors").get(0).get("file").asText());
        assertEquals(List.of(withBroken.resolve("sneakers").toString()),
                new ObjectMapper().convertValue(o.get("unmatched_folders"), List.class));
        assertEquals(List.of(withBroken.resolve("sneaker").toString()),
                new ObjectMapper().convertValue(o.get("empty_folders"), List.class));
        assertTrue(r.err().contains("warning: folder \"sneakers\" matches no label"), r.err());
        assertTrue(r.err().contains("warning: class folder \"sneaker\" holds no images"), r.err());
    }

    @Test
    void textReportsAccuracyTheMatrixPerClassLinesAndMistakes() {
        Run r = run("evaluate", "-m", model.toString(), "--device", "cpu", clean.toString());
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.contains("accuracy 50.00% (3/6)"), out);
        assertTrue(out.contains("confusion (rows: true class, columns: predicted"), out);
        assertTrue(out.matches("(?s).*\\n 2 Bag +1 +0 +1 +0\\n.*"), out);
        assertTrue(out.matches("(?s).*\\nBag +100\\.00% +50\\.00% +2\\n.*"), out);
        assertTrue(out.contains(clean.resolve("BAG/f.png") + ": Bag, predicted T-shirt/top ("), out);
    }

    @Test
    void argumentFilesWork() throws Exception {
        Path args = tmp.resolve("args.txt");
        Files.writeString(args, String.join("\n", "evaluate", "-m", model.toString(), "--format", "json",
                "--device", "cpu", clean.toString()));
        Run r = run("@" + args);
        assertEquals(0, r.exit(), r.err());
        assertEquals(6, new ObjectMapper().readTree(r.out()).get("images").asInt());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path nothing = Files.createDirectories(tmp.resolve("nothing/cats"));
        LabelledFolders.writeImage(nothing.resolve("x.png"), RED);
        Path twice = tmp.resolve("twice");
        LabelledFolders.writeImage(twice.resolve("bag/x.png"), RED);
        LabelledFolders.writeImage(twice.resolve("Bag/y.png"), RED);
        Path backbone = new TinyVitExport().backbone(true).writeFolder(tmp.resolve("backbone"));

        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of("-m", model.toString(), nothing.getParent().toString()),
                "error: no class folder in " + nothing.getParent() + " matches a label of the model: found \"cats\";"
                        + " the labels are \"T-shirt/top\", \"Ankle boot\", \"Bag\", \"Sneaker\"");
        cases.put(List.of("-m", model.toString(), twice.toString()), "both mean the label \"Bag\"");
        cases.put(List.of("-m", model.toString(), tmp.resolve("missing").toString()), "error: no such folder");
        cases.put(List.of("-m", "no-such-model", clean.toString()), "error: unknown model \"no-such-model\"");
        cases.put(List.of("-m", backbone.toString(), clean.toString()), "has no classification head");
        cases.put(List.of("-m", model.toString(), "--batch", "0", clean.toString()), "--batch must be between");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of("evaluate", "--device", "cpu"));
            args.addAll(c.getKey());
            Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), c.getKey() + ": " + r.err());
            assertTrue(r.err().contains(c.getValue()), c.getKey() + ": " + r.err());
            assertEquals("", r.out(), c.getKey().toString());
            if (!c.getValue().startsWith("--batch")) {
                assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            }
        }
    }
}
