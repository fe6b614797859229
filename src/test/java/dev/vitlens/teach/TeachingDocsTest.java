package dev.vitlens.teach;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/teaching.md lists exactly the registered teaching views, and the lesson visits each of them. */
class TeachingDocsTest {
    private static final Path DOC = Path.of("docs", "teaching.md");

    static String viewTable() {
        StringBuilder out = new StringBuilder("| `teach VIEW` | title | needs | SVG |\n|---|---|---|---|\n");
        for (TeachingView v : TeachingViews.ALL) {
            String needs = v.needs().stream().map(TeachNeed::label).sorted().collect(Collectors.joining(", "));
            out.append("| `").append(v.name()).append("` | ").append(v.title()).append(" | ")
                    .append(needs.isEmpty() ? "-" : needs).append(" | ").append(v.chart() ? "yes" : "no")
                    .append(" |\n");
        }
        return out.toString();
    }

    @Test
    void docsViewTableMatchesTheRegistry() throws Exception {
        String doc = Files.readString(DOC);
        String expected = viewTable();
        assertTrue(doc.contains(expected), "the view table in " + DOC + " disagrees with TeachingViews; replace it"
                + " with:\n\n" + expected);
        for (TeachingView v : TeachingViews.ALL) {
            assertTrue(Lesson.ORDER.contains(v.name()), v.name() + " is a step of the lesson");
        }
    }
}
