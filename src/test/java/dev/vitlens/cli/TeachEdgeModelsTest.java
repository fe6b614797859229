package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.AttributeProto;
import dev.vitlens.catalog.ModelDirectories;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.teach.TeachingView;
import dev.vitlens.teach.TeachingViews;
import dev.vitlens.testing.TinyVitExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every teaching view on models at the edges (issue 19): one layer with one head, a ViT-B/16-sized grid at 384 px
 * (24 x 24 = 576 patches), and an export whose attention has no Softmax node to find (softmax written out as
 * Exp / ReduceSum, as a fused kernel hides it): the views that need attentions say so, the others still work.
 */
class TeachEdgeModelsTest {
    @TempDir
    static Path tmp;
    static String oldCache;
    static final Path IMAGE = Paths.get("assets/samples/fashion-0013-dress.png").toAbsolutePath();

    static String oldUserDir;

    @BeforeAll
    static void useATemporaryCache() {
        oldCache = System.getProperty(AttentionModelCache.DIR_PROPERTY);
        System.setProperty(AttentionModelCache.DIR_PROPERTY, tmp.resolve("cache").toString());
        // imports (refused, but were they not) land in a temporary catalogue, never the user's
        oldUserDir = System.getProperty(ModelDirectories.USER_DIR_PROPERTY);
        System.setProperty(ModelDirectories.USER_DIR_PROPERTY, tmp.resolve("user").toString());
    }

    @AfterAll
    static void restoreTheCache() {
        restore(AttentionModelCache.DIR_PROPERTY, oldCache);
        restore(ModelDirectories.USER_DIR_PROPERTY, oldUserDir);
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    private static void everyViewWorks(Path model) {
        for (TeachingView view : TeachingViews.ALL) {
            Run r = run("teach", view.name(), "-m", model.toString(), "--device", "cpu", "--format", "json",
                    IMAGE.toString());
            assertEquals(0, r.exit(), view.name() + " on " + model.getFileName() + ": " + r.err());
            assertTrue(r.out().strip().startsWith("{"), view.name() + ": " + r.out());
        }
    }

    @Test
    void oneLayerWithOneHead() throws Exception {
        TinyVitExport export = new TinyVitExport();
        export.layers = 1;
        export.heads = 1;
        everyViewWorks(export.writeFolder(tmp.resolve("one-layer-one-head")));
    }

    @Test
    void aVitB16GridAt384Pixels() throws Exception {
        TinyVitExport export = new TinyVitExport();
        export.imageSize = 384;
        export.patchSize = 16;
        export.hidden = 8;
        export.heads = 2;
        everyViewWorks(export.writeFolder(tmp.resolve("vit-384")));
    }

    @Test
    void attentionWithoutASoftmaxNodeLeavesTheViewsThatNeedItUnavailable() throws Exception {
        Path dir = new TinyVitExport().writeFolder(tmp.resolve("fused"));
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        GraphProto.Builder g = model.getGraph().toBuilder().clearNode();
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (!n.getOpType().equals("Softmax")) {
                g.addNode(n);
                continue;
            }
            // softmax(x) = exp(x) / sum(exp(x)): the same numbers, but no Softmax node for the finder
            String x = n.getInput(0);
            String e = n.getName() + "/exp";
            String s = n.getName() + "/sum";
            g.addNode(NodeProto.newBuilder().setOpType("Exp").setName(e).addInput(x).addOutput(e));
            g.addNode(NodeProto.newBuilder().setOpType("ReduceSum").setName(s).addInput(e).addOutput(s)
                    .addAttribute(AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS)
                            .addInts(-1))
                    .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT)
                            .setI(1)));
            g.addNode(NodeProto.newBuilder().setOpType("Div").setName(n.getName() + "/div").addInput(e).addInput(s)
                    .addOutput(n.getOutput(0)));
        }
        // ReduceSum takes axes as an input from opset 13: keep the model at 12 for the attribute form
        ModelProto.Builder m = model.toBuilder().setGraph(g).clearOpsetImport()
                .addOpsetImport(model.getOpsetImport(0).toBuilder().setVersion(12));
        Files.write(dir.resolve("model.onnx"), m.build().toByteArray());

        Run classify = run("classify", "-m", dir.toString(), "--device", "cpu", IMAGE.toString());
        assertEquals(0, classify.exit(), classify.err());
        int worked = 0;
        int unavailable = 0;
        for (TeachingView view : TeachingViews.ALL) {
            Run r = run("teach", view.name(), "-m", dir.toString(), "--device", "cpu", "--format", "json",
                    IMAGE.toString());
            if (r.exit() == 0) {
                worked++;
            } else {
                unavailable++;
                assertEquals(Cli.EXIT_USAGE, r.exit(), view.name() + ": " + r.err());
                assertTrue(r.err().startsWith("error: ") && r.err().toLowerCase().contains("attention"),
                        view.name() + ": " + r.err());
                assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
                assertEquals(1, r.err().strip().lines().count(), view.name() + ": " + r.err());
            }
        }
        assertTrue(worked >= 3, "patchify, filters, position similarity, logit lens, prediction need no attention: "
                + worked);
        assertTrue(unavailable >= 2, "heads and attention distance need attentions: " + unavailable);
    }

    /**
     * A model without [CLS] (its sequence is the patches alone, its head reads their mean): the ViT, DeiT and BEiT
     * layouts cannot describe it, so it is refused with one line that says why: when loaded, from the graph's declared
     * attention shapes; without those, when its attentions are first read (teaching views) or checked (import).
     * Classifying alone needs no attention and works.
     */
    @Test
    void aModelWithoutAClassTokenIsRefusedWithTheReason() throws Exception {
        for (boolean nativeAttentions : new boolean[] {true, false}) {
            TinyVitExport export = new TinyVitExport();
            export.noClassToken = true;
            export.nativeAttentions = nativeAttentions;
            Path dir = export.writeFolder(tmp.resolve("no-cls-" + nativeAttentions));
            for (String[] command : new String[][] {
                    {"classify", "-m", dir.toString(), "--device", "cpu", IMAGE.toString()},
                    {"teach", "heads", "-m", dir.toString(), "--device", "cpu", IMAGE.toString()},
                    {"import", dir.toString(), "--id", "no-cls-" + nativeAttentions}}) {
                Run r = run(command);
                String what = String.join(" ", command[0], command[1]) + " (native attentions " + nativeAttentions + ")";
                if (command[0].equals("classify") && !nativeAttentions) {
                    // nothing declares the token count and classifying needs no attention: the logits are right
                    assertEquals(0, r.exit(), what + ": " + r.err());
                    continue;
                }
                assertTrue(r.exit() != 0, what + ": " + r.err());
                // import reports its progress on stderr first ("[ 10%] Reading and checking model.onnx")
                List<String> errors = r.err().lines().filter(l -> !l.startsWith("[")).toList();
                assertEquals(1, errors.size(), what + ": " + r.err());
                assertTrue(errors.get(0).startsWith("error: ") && errors.get(0).contains("no [CLS] token"),
                        what + ": " + r.err());
                assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
            }
            assertFalse(Files.exists(tmp.resolve("user").resolve("no-cls-" + nativeAttentions)), "nothing imported");
        }
    }
}
