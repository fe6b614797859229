package dev.vitlens.catalog;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Use the real seed models" commands and {@link SeedModels} are the same, both ways: the workbench
 * shows what the README says, and a seed model added to one is added to the other.
 */
class SeedModelsDocsTest {

    private static final Path README = Path.of("README.md");
    /** A concrete Hub model; the README's placeholder ({@code <a BEiT fine-tuned …>}) names none. */
    private static final Pattern EXPORT = Pattern.compile(
            "optimum-cli export onnx --model ([\\w.-]+/[\\w.-]+) --task \\S+ ([\\w.-]+)/");

    /** The lines of the shell block in the seed-models section. */
    static List<String> readmeCommands() throws Exception {
        String readme = Files.readString(README);
        int section = readme.indexOf("## Use the real seed models");
        assertTrue(section >= 0, "README has the section \"Use the real seed models\"");
        int start = readme.indexOf("```sh\n", section);
        int end = readme.indexOf("```", start + 6);
        assertTrue(start > 0 && end > start, "the section has a ```sh block of commands");
        return readme.substring(start + 6, end).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void everySeedModelsCommandsAreTheReadmes() throws Exception {
        List<String> lines = readmeCommands();
        for (SeedModel seed : SeedModels.all()) {
            assertTrue(lines.contains(seed.exportCommand()),
                    "README lacks the export command of " + seed.id() + ":\n" + seed.exportCommand() + "\nin " + lines);
            assertTrue(lines.contains(seed.importCommand()),
                    "README lacks the import command of " + seed.id() + ":\n" + seed.importCommand() + "\nin " + lines);
        }
    }

    @Test
    void everyConcreteReadmeExportIsASeedModel() throws Exception {
        List<String> exports = readmeCommands().stream().filter(l -> l.startsWith("optimum-cli")).toList();
        int concrete = 0;
        for (String line : exports) {
            Matcher m = EXPORT.matcher(line);
            if (!m.matches()) {
                assertTrue(line.contains("<"), "an export line is either a concrete model or a placeholder: " + line);
                continue;
            }
            concrete++;
            SeedModel seed = SeedModels.find(m.group(2)).orElseThrow(() -> new AssertionError(
                    "README exports " + line + " but SeedModels has no entry " + m.group(2)));
            assertEquals(line, seed.exportCommand());
            assertEquals(m.group(1), seed.repoId());
        }
        assertEquals(SeedModels.all().size(), concrete, "one README export line per seed model");
    }
}
