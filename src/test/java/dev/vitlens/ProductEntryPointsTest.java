package dev.vitlens;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped jar has one entry point, {@link Launcher}. Measurement programs belong in src/bench/java, which
 * compiles as test sources and never reaches the jar.
 */
class ProductEntryPointsTest {
    private static final Path MAIN_SOURCES = Path.of("src/main/java");
    private static final Pattern MAIN_METHOD = Pattern.compile("\\bstatic\\s+(final\\s+)?void\\s+main\\s*\\(");

    @Test
    void onlyTheLauncherDeclaresMain() throws IOException {
        List<String> withMain;
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            withMain = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(ProductEntryPointsTest::declaresMain)
                    .map(f -> MAIN_SOURCES.relativize(f).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
        assertEquals(List.of("dev/vitlens/Launcher.java"), withMain,
                "only the launcher may have main(); move measurement programs to src/bench/java");
    }

    private static boolean declaresMain(Path file) {
        try {
            return MAIN_METHOD.matcher(Files.readString(file)).find();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
