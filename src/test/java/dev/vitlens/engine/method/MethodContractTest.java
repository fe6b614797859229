package dev.vitlens.engine.method;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.AnalysisEngine;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every registered method keeps, checked on every bundled family (models/beit-fashion, vit-fashion,
 * deit-mask): with its default parameters it returns one finite value per patch; an unsigned method's map is never
 * negative; a signed method's map does go negative on some family; a method refuses clearly when what it needs
 * is missing.
 */
class MethodContractTest {
    private static final Path MODELS = Path.of("models");
    private static final List<String> BUNDLED = List.of("beit-fashion", "vit-fashion", "deit-mask");

    @TempDir
    static Path cache;

    private static final Map<String, ModelSession> SESSIONS = new HashMap<>();
    private static final Map<String, Analysis> ANALYSES = new HashMap<>();
    private static final Set<String> SIGNED_WENT_NEGATIVE = new HashSet<>();

    static Stream<Arguments> methodsOnFamilies() {
        List<Arguments> cases = new ArrayList<>();
        for (String model : BUNDLED) {
            for (ExplanationMethod method : ExplanationMethods.all()) {
                cases.add(Arguments.of(method.name(), model));
            }
        }
        return cases.stream();
    }

    @AfterAll
    static void close() {
        SESSIONS.values().forEach(ModelSession::close);
    }

    /** A deterministic picture with structure (gradient, a bright square), the model's own input size. */
    static RgbImage picture(int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean square = x > width / 4 && x < width / 2 && y > height / 3 && y < 3 * height / 4;
                int v = square ? 240 : (x * 255 / width + y * 97 / height) % 256;
                image.setRGB(x, y, v << 16 | (255 - v) << 8 | (v * 3) % 256);
            }
        }
        return RgbImage.from(image);
    }

    private static synchronized Analysis analysis(String model) throws Exception {
        Path dir = MODELS.resolve(model);
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.onnx")), "no bundled model " + dir);
        if (!ANALYSES.containsKey(model)) {
            ModelInfo info = ModelFolder.load(dir);
            AnalysisEngine engine = new AnalysisEngine(RunnerOptions.on(Device.CPU), new AttentionModelCache(cache));
            ModelSession session = engine.open(info, AnalysisEngine.AttentionOutputs.IF_POSSIBLE);
            SESSIONS.put(model, session);
            ANALYSES.put(model, session.analyse(picture(info.inputHeight(), info.inputWidth()), 5, true));
        }
        return ANALYSES.get(model);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("methodsOnFamilies")
    void defaultParametersGiveAFiniteMapOfTheDeclaredSign(String methodName, String model) throws Exception {
        ExplanationMethod method = ExplanationMethods.get(methodName);
        Analysis analysis = analysis(model);
        assertTrue(analysis.hasAttentions(), model + " gives attentions");
        Explanation e = SESSIONS.get(model).explain(analysis, method, ParameterValues.none(), null);

        HeatGrid grid = e.grid();
        assertEquals(analysis.layout().gridHeight(), grid.height(), "grid height");
        assertEquals(analysis.layout().gridWidth(), grid.width(), "grid width");
        assertEquals(method.signed(), e.signed());
        assertEquals(method.name(), e.method());
        assertFalse(e.description().isBlank());
        for (float v : grid.values()) {
            assertTrue(Float.isFinite(v), "finite: " + v);
        }
        if (!method.signed()) {
            assertTrue(grid.min() >= 0, method.name() + " is declared unsigned but went to " + grid.min());
        } else if (grid.min() < 0) {
            synchronized (SIGNED_WENT_NEGATIVE) {
                SIGNED_WENT_NEGATIVE.add(method.name());
            }
        }
    }

    @Test
    void signedMethodsDoGoNegativeOnSomeFamily() throws Exception {
        for (ExplanationMethod method : ExplanationMethods.all()) {
            if (!method.signed()) {
                continue;
            }
            boolean negative = false;
            for (String model : BUNDLED) {
                Analysis analysis = analysis(model);
                negative |= SESSIONS.get(model).explain(analysis, method, ParameterValues.none(), null).grid().min() < 0;
            }
            assertTrue(negative, method.name() + " is declared signed but never went below 0 on "
                    + BUNDLED);
        }
    }

    @Test
    void aMethodRefusesClearlyWhenItsNeedsAreMissing() throws Exception {
        Analysis analysis = analysis("vit-fashion");
        MethodInput full = SESSIONS.get("vit-fashion").input(analysis, null);
        for (ExplanationMethod method : ExplanationMethods.all()) {
            for (Need need : method.needs()) {
                MethodInput without = new MethodInput(full.layout(), full.family(), full.labels(), full.inputHeight(),
                        full.inputWidth(), full.pixels(), need == Need.ATTENTIONS ? null : full.attentions(),
                        full.topClass(), need == Need.SCORER ? null : full.scorer(), null);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> method.explain(without, ParameterValues.none()));
                assertTrue(e.getMessage().contains(need.label()), e.getMessage());
            }
        }
    }
}
