package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.method.ExplanationMethods;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExplorerFitTest {

    private final TokenLayout vit = new TokenLayout(1, 7, 7, 4, 4, 3);
    private final TokenLayout deit = new TokenLayout(2, 4, 4, 16, 12, 6);

    @Test
    void followsLastLayerOfTheNewModel() {
        ExplainSettings wanted = new ExplainSettings(ExplanationMethods.get("rollout"), 3, HeadChoice.MEAN, QueryChoice.AUTO, 0.9);
        assertEquals(11, ExplorerViewModel.fit(wanted, true, deit, Family.DEIT).layer());
        assertEquals(3, ExplorerViewModel.fit(wanted, false, deit, Family.DEIT).layer());
    }

    @Test
    void dropsChoicesTheNewModelCannotHave() {
        ExplainSettings wanted = new ExplainSettings(ExplanationMethods.get("attention"), 10, HeadChoice.single(5),
                QueryChoice.DISTILLATION, 0.5);
        ExplainSettings fitted = ExplorerViewModel.fit(wanted, false, vit, Family.VIT);
        assertEquals(3, fitted.layer());
        assertEquals(HeadChoice.MEAN, fitted.head());
        assertEquals(QueryChoice.AUTO, fitted.query());
        ExplainSettings patch = new ExplainSettings(ExplanationMethods.get("rollout"), 0, HeadChoice.MAX, QueryChoice.patch(6, 6),
                0.5);
        assertEquals(QueryChoice.AUTO, ExplorerViewModel.fit(patch, false, deit, Family.DEIT).query());
        assertEquals(QueryChoice.patch(6, 6), ExplorerViewModel.fit(patch, false, vit, Family.VIT).query());
    }
}
