package dev.vitlens.catalog;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz target (issue 10): any text as {@code config.json} and {@code preprocessor_config.json} must parse or fail
 * with a {@link ModelFormatException}; a parsed config must be usable (token layout, output size) without throwing.
 * Seeds in {@code ConfigParseFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/reliability.md).
 */
class ConfigParseFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parseConfigs(byte[] data) {
        if (data.length < 1) {
            return;
        }
        // First byte: which file and which family; the rest is the file's text (seeds stay plain JSON files).
        boolean preprocessor = (data[0] & 1) != 0;
        Family family = Family.values()[((data[0] & 0xff) >> 1) % Family.values().length];
        String json = new String(Arrays.copyOfRange(data, 1, data.length), StandardCharsets.UTF_8);
        try {
            if (preprocessor) {
                PreprocessorConfig p = PreprocessorConfig.parse(json, family);
                p.fixedOutputSize();
                p.resizedSize(480, 640);
                p.imageMean();
                p.imageStd();
            } else {
                ModelConfig c = ModelConfig.parse(json);
                c.tokenLayout();
                c.labels().size();
            }
        } catch (ModelFormatException expected) {
            // a clear, specific refusal is the correct outcome for bad input
        }
    }
}
