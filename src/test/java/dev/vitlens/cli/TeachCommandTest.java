package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import dev.vitlens.teach.TeachingView;
import dev.vitlens.teach.TeachingViews;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vitlens teach}: help, and every usage error that is caught before a model runs. */
class TeachCommandTest {
    @TempDir
    static Path tmp;
    static Path image;


    @BeforeAll
    static void setUp() {
        image = Paths.get("assets/samples/fashion-0000-ankle-boot.png").toAbsolutePath();
        assertTrue(Files.isRegularFile(image), image.toString());
    }


    @Test
    void helpListsEveryViewWithItsTitle() {
        Run r = run("teach", "--help");
        assertEquals(0, r.exit(), r.err());
        for (TeachingView v : TeachingViews.ALL) {
            assertTrue(r.out().contains("  " + v.name() + " ") && r.out().contains(v.title()), v.name() + ":\n"
                    + r.out());
        }
        assertTrue(r.out().contains("--patch=N|ROW,COL"));
        assertTrue(Cli.subcommandNames().contains("teach"));
    }

    @Test
    void anUnknownViewIsOneLineNamingTheViews() {
        Run r = run("teach", "rollout", image.toString());
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertEquals("error: unknown view \"rollout\": expected one of " + TeachingViews.names(), r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void anUnknownModelIsAUsageError() {
        Run r = run("teach", "patchify", "-m", "no-such-model", image.toString());
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("error: unknown model \"no-such-model\""), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aFolderThatIsNotAModelIsAUsageError() throws Exception {
        Path notAModel = Files.createDirectories(tmp.resolve("not-a-model"));
        Files.writeString(notAModel.resolve("config.json"), "{\"model_type\": \"resnet\"}");
        Run r = run("teach", "heads", "-m", notAModel.toString(), image.toString());
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("error: model \"not-a-model\""), r.err());
    }

    @Test
    void svgIsRefusedForViewsThatAreNotChartsBeforeAnythingRuns() {
        Path svg = tmp.resolve("heads.svg");
        Run r = run("teach", "heads", "-m", "vit-fashion", "--out", svg.toString(), image.toString());
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("heads has no SVG form") && r.err().contains("use --out FILE.png"), r.err());
        assertFalse(Files.exists(svg));
        Run jpg = run("teach", "logit-lens", "--out", tmp.resolve("x.jpg").toString(), image.toString());
        assertEquals(Cli.EXIT_USAGE, jpg.exit());
        assertTrue(jpg.err().contains("ending in .png or .svg"), jpg.err());
    }

    @Test
    void selectionsOutsideTheModelAreNamedWithTheirRange() {
        Run patch = run("teach", "patchify", "-m", "vit-fashion", "--patch", "7,0", image.toString());
        assertEquals(Cli.EXIT_USAGE, patch.exit());
        assertEquals("error: --patch 7,0 is outside the 7x7 patch grid (rows and columns from 0)", patch.err().strip());
        Run syntax = run("teach", "patchify", "-m", "vit-fashion", "--patch", "a,b", image.toString());
        assertEquals("error: --patch expects N or ROW,COL (e.g. 24 or 3,3), got \"a,b\"", syntax.err().strip());
        Run layer = run("teach", "heads", "-m", "vit-fashion", "--layer", "6", image.toString());
        assertEquals(Cli.EXIT_USAGE, layer.exit());
        assertTrue(layer.err().contains("--layer 6 is outside 0..5"), layer.err());
        Run dist = run("teach", "heads", "-m", "vit-fashion", "--query", "dist", image.toString());
        assertTrue(dist.err().contains("has no [DIST] token"), dist.err());
        Run samples = run("teach", "heads", "-m", "vit-fashion", "--samples", image.toString());
        assertTrue(samples.err().contains("--samples is for the attention-distance view"), samples.err());
    }

    @Test
    void aMissingImageFailsWithExitOne() {
        Run r = run("teach", "patchify", "-m", "vit-fashion", tmp.resolve("missing.png").toString());
        assertEquals(Cli.EXIT_SOME_FAILED, r.exit());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
