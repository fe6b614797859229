package dev.vitlens.explain;

import java.util.Locale;

/** A single attention head by index, or all heads fused. */
public sealed interface HeadSelection {

    record Single(int head) implements HeadSelection {
        public Single {
            if (head < 0) {
                throw new IllegalArgumentException("head index must be >= 0, got " + head);
            }
        }
    }

    record Fused(HeadFusion fusion) implements HeadSelection { }

    static HeadSelection head(int index) {
        return new Single(index);
    }

    static HeadSelection fused(HeadFusion fusion) {
        return new Fused(fusion);
    }

    /** Parses a head index ({@code 0}, {@code 5}) or {@code mean|max|min}. */
    static HeadSelection parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                return new Single(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                // too many digits: reported below
            }
        }
        if (t.equals("mean") || t.equals("max") || t.equals("min")) {
            return new Fused(HeadFusion.parse(t));
        }
        throw new IllegalArgumentException("unknown head '" + text + "': expected a head index or mean, max, min");
    }

    default String label() {
        return this instanceof Single s ? Integer.toString(s.head()) : ((Fused) this).fusion().label();
    }
}
