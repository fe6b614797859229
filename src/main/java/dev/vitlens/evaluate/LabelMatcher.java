package dev.vitlens.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Matches class-folder names to a model's labels.
 *
 * <p>The rule: a folder matches a label when both {@linkplain #normalise normalise} to the same key, i.e. ignoring
 * case and treating {@code _}, {@code -}, {@code /} and white space as one and the same separator, however many of
 * them stand together. So {@code t_shirt_top}, {@code T-Shirt Top} and {@code t-shirt__top} all match the
 * Fashion-MNIST label {@code T-shirt/top}, and {@code ankle_boot} matches {@code Ankle boot}. A folder named exactly
 * like a label (case included) matches that label even when another label has the same key; otherwise a key shared
 * by several labels is ambiguous and the folder is reported, never guessed.
 */
public final class LabelMatcher {

    /** The outcome for one folder name: the label index, none, or the labels it could mean. */
    public record Match(int index, List<Integer> ambiguous) {
        static final Match NONE = new Match(-1, List.of());

        public boolean matched() {
            return index >= 0;
        }
    }

    private final List<String> labels;
    private final Map<String, List<Integer>> byKey = new LinkedHashMap<>();

    public LabelMatcher(List<String> labels) {
        this.labels = List.copyOf(labels);
        for (int i = 0; i < this.labels.size(); i++) {
            byKey.computeIfAbsent(normalise(this.labels.get(i)), k -> new ArrayList<>()).add(i);
        }
    }

    public List<String> labels() {
        return labels;
    }

    /**
     * The matching key: lower case (locale-independent), every run of {@code _}, {@code -}, {@code /} and white space
     * replaced by one space, separators at either end removed. {@code "T-shirt/top"} and {@code "t_shirt_top"} are both
     * {@code "t shirt top"}.
     */
    public static String normalise(String name) {
        Objects.requireNonNull(name);
        StringBuilder key = new StringBuilder(name.length());
        boolean pendingSeparator = false;
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            if (c == '_' || c == '-' || c == '/' || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSeparator = key.length() > 0;
                continue;
            }
            if (pendingSeparator) {
                key.append(' ');
                pendingSeparator = false;
            }
            key.appendCodePoint(c);
        }
        return key.toString().toLowerCase(Locale.ROOT);
    }

    public Match match(String folderName) {
        int exact = labels.indexOf(folderName);
        if (exact >= 0) {
            return new Match(exact, List.of());
        }
        List<Integer> candidates = byKey.get(normalise(folderName));
        if (candidates == null || candidates.isEmpty()) {
            return Match.NONE;
        }
        if (candidates.size() == 1) {
            return new Match(candidates.get(0), List.of());
        }
        return new Match(-1, List.copyOf(candidates));
    }
}
