package dev.vitlens.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelMatcherTest {
    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    @Test
    void normalisationIgnoresCaseAndTreatsSeparatorsAlike() {
        assertEquals("t shirt top", LabelMatcher.normalise("T-shirt/top"));
        assertEquals("t shirt top", LabelMatcher.normalise("t_shirt_top"));
        assertEquals("t shirt top", LabelMatcher.normalise("  T--Shirt _ Top_ "));
        assertEquals("ankle boot", LabelMatcher.normalise("Ankle\tboot"));
        assertEquals("with mask", LabelMatcher.normalise("with_mask"));
        assertEquals("", LabelMatcher.normalise("_-/ "));
        // Other punctuation is kept: "a.b" is not "a b".
        assertEquals("a.b", LabelMatcher.normalise("A.B"));
    }

    @Test
    void foldersMatchFashionLabels() {
        LabelMatcher m = new LabelMatcher(FASHION);
        assertEquals(0, m.match("t_shirt_top").index());
        assertEquals(0, m.match("T-shirt_top").index());
        assertEquals(0, m.match("t shirt top").index());
        assertEquals(9, m.match("ankle_boot").index());
        assertEquals(9, m.match("ANKLE-BOOT").index());
        assertEquals(6, m.match("shirt").index(), "shirt is Shirt, not T-shirt/top");
        assertEquals(8, m.match("bag").index());
        assertFalse(m.match("bags").matched(), "no plural or fuzzy matching");
        assertFalse(m.match("tshirt_top").matched(), "a missing separator is a different name");
        assertFalse(m.match("").matched());
    }

    @Test
    void anExactNameWinsAndASharedKeyIsAmbiguousOtherwise() {
        LabelMatcher m = new LabelMatcher(List.of("with_mask", "With Mask", "without_mask"));
        assertEquals(0, m.match("with_mask").index());
        assertEquals(1, m.match("With Mask").index());
        LabelMatcher.Match unclear = m.match("WITH-MASK");
        assertFalse(unclear.matched());
        assertEquals(List.of(0, 1), unclear.ambiguous());
        assertEquals(2, m.match("Without Mask").index());
    }
}
