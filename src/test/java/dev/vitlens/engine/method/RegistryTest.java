package dev.vitlens.engine.method;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry is consistent, and docs/explanations.md shows exactly what it holds. */
class RegistryTest {
    private static final Path DOC = Path.of("docs", "explanations.md");

    @Test
    void namesAreUniqueAndParametersAgreeAcrossMethods() {
        Set<String> names = new HashSet<>();
        for (ExplanationMethod m : ExplanationMethods.all()) {
            assertTrue(names.add(m.name()), "duplicate method " + m.name());
            assertTrue(m.name().matches("[a-z][a-z-]*"), "CLI-friendly name: " + m.name());
            m.validate(ParameterValues.none()); // every default is acceptable
        }
        List<Parameter> all = ExplanationMethods.allParameters();
        assertEquals(all.size(), all.stream().map(Parameter::name).distinct().count());
        assertEquals(ExplanationMethods.DEFAULT, ExplanationMethods.defaultMethod().name());
        assertThrows(IllegalArgumentException.class, () -> ExplanationMethods.get("gradcam"));
    }

    @Test
    void badValuesAreRefusedWithTheParameterName() {
        InvalidParameterException discard = assertThrows(InvalidParameterException.class,
                () -> ExplanationMethods.get("rollout").validate(ParameterValues.none().with("discard", "1.5")));
        assertEquals("discard", discard.parameter());
        assertTrue(discard.getMessage().startsWith("discard "), discard.getMessage());
        InvalidParameterException window = assertThrows(InvalidParameterException.class,
                () -> ExplanationMethods.get("occlusion").validate(ParameterValues.none().with("window", "two")));
        assertEquals("window", window.parameter());
    }

    /** The markdown the docs must contain, rendered from the registry. */
    static String methodTable() {
        StringBuilder out = new StringBuilder("| `--method` | workbench | needs | signed | parameters | what |\n"
                + "|---|---|---|---|---|---|\n");
        for (ExplanationMethod m : ExplanationMethods.all()) {
            out.append("| `").append(m.name()).append("` | ").append(m.title()).append(" | ")
                    .append(m.needs().stream().map(Need::label).sorted().collect(Collectors.joining(", ")))
                    .append(" | ").append(m.signed() ? "yes" : "no").append(" | ")
                    .append(m.parameters().stream().map(p -> "`" + p.name() + "`").collect(Collectors.joining(", ")))
                    .append(" | ").append(m.summary()).append(" |\n");
        }
        out.append("\n| parameter | values | default | meaning |\n|---|---|---|---|\n");
        for (Parameter p : ExplanationMethods.allParameters()) {
            out.append("| `--").append(p.name()).append("` | `").append(p.type().replace("|", "\\|")).append("` | ")
                    .append(p.defaultValue() == null ? "see meaning" : "`" + p.defaultValue() + "`").append(" | ")
                    .append(p.help()).append(" |\n");
        }
        return out.toString();
    }

    @Test
    void docsMethodTableMatchesTheRegistry() throws Exception {
        String doc = Files.readString(DOC);
        String expected = methodTable();
        assertTrue(doc.contains(expected), "the method table in " + DOC + " disagrees with ExplanationMethods;"
                + " replace it with:\n\n" + expected);
    }
}
