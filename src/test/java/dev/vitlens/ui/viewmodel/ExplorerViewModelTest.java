package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.engine.method.ExplanationMethods;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The explorer's choices: user changes ask for a new map, adopting a model's layout does not. No FX toolkit. */
class ExplorerViewModelTest {

    private final AtomicInteger requests = new AtomicInteger();
    private final ExplorerViewModel explorer = new ExplorerViewModel(requests::incrementAndGet);
    private final TokenLayout deit = new TokenLayout(2, 14, 14, 16, 12, 3);

    @Test
    void adoptingALayoutOffersItsChoicesWithoutAskingForAMap() {
        explorer.adopt(deit, Family.DEIT, new ExplainSettings(ExplanationMethods.defaultMethod(), 11, HeadChoice.MEAN,
                QueryChoice.AUTO, 0.9), true);
        assertEquals(0, requests.get());
        assertEquals(12, explorer.layerCountProperty().get());
        assertEquals(11, explorer.layerProperty().get());
        assertEquals(3 + 3, explorer.headChoices().size(), "mean, max, min and one per head");
        assertTrue(explorer.queryChoices().contains(QueryChoice.DISTILLATION), "DeiT has a distillation token");
        assertTrue(explorer.attentionAvailableProperty().get());
        assertTrue(explorer.followsLastLayer());
    }

    @Test
    void userChangesAskForANewMapOnce() {
        explorer.adopt(deit, Family.DEIT, null, true);
        explorer.layerProperty().set(3);
        explorer.methodProperty().set(ExplanationMethods.get("attention"));
        explorer.queryPatch(new PatchPosition(2, 5));
        assertEquals(3, requests.get());
        assertEquals(QueryChoice.patch(2, 5), explorer.settings().query());
        assertEquals(1, explorer.queryChoices().stream().filter(q -> q.kind() == QueryChoice.Kind.PATCH).count());
        assertFalse(explorer.followsLastLayer());
    }

    @Test
    void offersOnlyTheBackendsMethodsAndFollowsTheSession() {
        explorer.offer(List.of(ExplanationMethods.get("occlusion")));
        assertEquals(List.of(ExplanationMethods.get("occlusion")), explorer.methods());
        assertThrows(UnsupportedOperationException.class, () -> explorer.methods().clear());
        SimpleStringProperty description = new SimpleStringProperty("rollout, layer 12");
        SimpleBooleanProperty shown = new SimpleBooleanProperty(false);
        explorer.follow(description, shown);
        assertEquals("rollout, layer 12", explorer.descriptionProperty().get());
        assertFalse(explorer.hasImageProperty().get());
        shown.set(true);
        assertTrue(explorer.hasImageProperty().get());
    }
}
