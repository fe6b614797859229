package dev.vitlens.teach;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.internals.ModelInternals;
import dev.vitlens.output.JsonOutput;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TeachingViewsTest {

    @Test
    void theRegistryHasTheIssuesViewsInLessonOrder() {
        assertEquals(List.of("patchify", "filters", "position-similarity", "tokens", "heads", "attention-distance",
                "logit-lens", "prediction"), TeachingViews.ALL.stream().map(TeachingView::name).toList());
        assertEquals(Lesson.ORDER, TeachingViews.ALL.stream().map(TeachingView::name).toList(),
                "the guided lesson walks the registry in order");
        Set<String> titles = new HashSet<>();
        for (TeachingView v : TeachingViews.ALL) {
            assertTrue(titles.add(v.title()), "titles are distinct");
            assertFalse(v.title().contains("\n") || v.title().contains("%"), "one line, no format characters");
            // `vitlens teach --help` lists "  name  title": keep each on one 80-column line
            assertTrue(2 + "position-similarity".length() + 2 + v.title().length() <= 80, v.title());
            assertTrue(v.explanation().length() > 200, v.name() + " explains itself in a paragraph");
            assertSame(v, TeachingViews.get(v.name()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TeachingViews.get("rollout"));
        assertTrue(e.getMessage().contains("patchify, filters"), e.getMessage());
        assertEquals(Set.of("attention-distance", "tokens", "logit-lens", "prediction"), TeachingViews.ALL.stream()
                .filter(TeachingView::chart).map(TeachingView::name).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void aMissingNeedIsNamedWithItsReason() {
        ModelInfo model = Synthetic.model(Family.VIT, 3, 4, 1, 1, 8, 2);
        ModelInternals bare = new ModelInternals(model, Synthetic.internals(model, 1).pixels(), new float[] {1, 0},
                null, null, "the graph has no attention Softmax", "no encoder layer output found");
        TeachInput input = TeachInput.of(bare).withoutWeights("no Conv in the graph").withoutReadout("no head");
        assertTrue(TeachingViews.get("patchify").unavailable(input).isEmpty(), "patchify needs only the pixels");
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> TeachingViews.get("heads").compute(input));
        assertEquals("heads needs attentions, not available for model \"synthetic-vit\": the graph has no attention"
                + " Softmax", heads.getMessage());
        assertTrue(TeachingViews.get("filters").unavailable(input).orElseThrow().endsWith("no Conv in the graph"));
        assertTrue(TeachingViews.get("logit-lens").unavailable(input).orElseThrow()
                .contains("no encoder layer output found"));
        TeachInput hidden = TeachInput.of(Synthetic.internals(model, 2)).withoutReadout("no head");
        assertTrue(TeachingViews.get("logit-lens").unavailable(hidden).orElseThrow().endsWith("no head"));
        assertTrue(TeachingViews.get("tokens").unavailable(hidden).orElseThrow().contains("not computed"));
    }

    @Test
    void aSelectionOutsideTheModelIsRefusedWithTheRange() {
        ModelInfo model = Synthetic.model(Family.VIT, 3, 4, 2, 2, 8, 2);
        TeachInput input = TeachInput.of(Synthetic.internals(model, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> input.withSelection(new TeachSelection(0, 0, 0, 9)));
        assertEquals("patch 9 is outside 0..8 (a 3x3 grid)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> input.withSelection(new TeachSelection(2, 0, 0, 0)));
        assertThrows(IllegalArgumentException.class, () -> new TeachSelection(-1, 0, 0, 0));
    }

    @Test
    void aSelectionChangeReusesThePerImageWorkAndANewImageKeepsThePerModelWork() {
        ModelInfo model = Synthetic.model(Family.VIT, 4, 4, 2, 2, 16, 2);
        TeachInput input = Synthetic.input(model, 71);
        PositionSimilarityView.Similarity a = (PositionSimilarityView.Similarity)
                TeachingViews.get("position-similarity").compute(input);
        TeachInput moved = input.withSelection(input.selection().withPatch(3).withLayer(0));
        PositionSimilarityView.Similarity b = (PositionSimilarityView.Similarity)
                TeachingViews.get("position-similarity").compute(moved);
        assertSame(a.similarity(), b.similarity());
        assertEquals(3, b.patch());

        AttentionDistanceView.Data d1 = (AttentionDistanceView.Data) TeachingViews.get("attention-distance").compute(input);
        assertSame(d1.distance(), ((AttentionDistanceView.Data) TeachingViews.get("attention-distance")
                .compute(moved)).distance());
        FilterPca pca = FiltersView.pca(input);
        TeachInput next = moved.forImage(Synthetic.internals(model, 72));
        assertSame(pca, FiltersView.pca(next), "the filters belong to the model, not the image");
        assertEquals(moved.selection(), next.selection());
        assertNotSame(d1.distance(), ((AttentionDistanceView.Data) TeachingViews.get("attention-distance")
                .compute(next)).distance());
        assertFalse(next.has(TeachNeed.READOUT), "the lens belongs to the old image");
        assertThrows(IllegalArgumentException.class, () -> input.forImage(Synthetic.internals(
                Synthetic.model(Family.VIT, 5, 4, 2, 2, 16, 2), 1)));
    }

    /** Every view, every family, a small model and a ViT-B/16-shaped one: JSON, picture and SVG. */
    @Test
    void everyViewRendersAndSerialisesOnEveryFamilyAndAt196Patches() throws Exception {
        for (Family f : Family.values()) {
            for (ModelInfo model : List.of(Synthetic.model(f, 7, 4, 3, 4, 16, 10),
                    Synthetic.model(f, 14, 16, 12, 12, 64, 1000))) {
                TeachInput input = Synthetic.input(model, 81).withSelection(TeachSelection.defaults(model.layout())
                        .withHead(1).withLayer(model.layout().layers() - 2));
                for (TeachingView v : TeachingViews.ALL) {
                    String where = v.name() + " on " + f + " " + model.layout().patches() + " patches";
                    ViewData data = v.compute(input);
                    JsonNode json = JsonOutput.tree(data);
                    assertTrue(json.isObject(), where);
                    for (String drawingOnly : List.of("sketch", "summary", "subtitle", "picture")) {
                        assertFalse(json.has(drawingOnly), where + " JSON has " + drawingOnly);
                    }
                    BufferedImage image = data.render();
                    assertTrue(image.getWidth() >= 300 && image.getWidth() <= 1600, where + " width "
                            + image.getWidth());
                    assertTrue(image.getHeight() >= 120 && image.getHeight() <= 1600, where + " height "
                            + image.getHeight());
                    assertTrue(colours(image) > 20, where + " draws something");
                    assertFalse(data.summary().isBlank(), where);
                    assertEquals(v.chart(), data.svg().isPresent(), where);
                    if (v.chart()) {
                        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                                .parse(new ByteArrayInputStream(data.svg().get().getBytes(StandardCharsets.UTF_8)));
                        assertEquals("svg", svg.getDocumentElement().getNodeName(), where);
                        assertTrue(svg.getElementsByTagName("text").getLength() > 5, where + " labels its chart");
                    }
                }
            }
        }
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
