package dev.vitlens.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the PyTorch reference fixtures written by models/recipes/build.py:
 * {@code src/test/resources/fixtures/<model-id>/fixtures.json} with raw little-endian float32 attentions
 * {@code [layers, heads, T, T]} per case.
 */
public final class ModelFixtures {
    public static final Path ROOT = Path.of("src/test/resources/fixtures");

    /** One PyTorch reference case of one bundled model. */
    public record Case(String modelId, Path dir, String name, Family family, TokenLayout layout, float[] pixelValues,
                       int[] pixelShape, float[] logits, float[][][][] attentions) { }

    private ModelFixtures() {
    }

    /** Every case of every model fixture present (empty if the models branch has not been merged). */
    public static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        if (!Files.isDirectory(ROOT)) {
            return cases;
        }
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path dir : dirs.sorted().toList()) {
                Path json = dir.resolve("fixtures.json");
                if (Files.isRegularFile(json)) {
                    cases.addAll(read(dir, json));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** The cases of one fixture folder (empty if it is not a model fixture). */
    public static List<Case> readDir(Path dir) throws IOException {
        return read(dir, dir.resolve("fixtures.json"));
    }

    private static List<Case> read(Path dir, Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (!root.has("cases") || !root.has("num_hidden_layers")) {
            return List.of(); // e.g. the preprocessing fixtures
        }
        int layers = root.get("num_hidden_layers").asInt();
        int heads = root.get("num_attention_heads").asInt();
        int tokens = root.get("tokens").asInt();
        int prefix = root.get("prefix_tokens").asInt();
        Family family = familyOf(root.path("preprocessor").path("image_processor_type").asText());
        int patches = tokens - prefix;
        int grid = (int) Math.round(Math.sqrt(patches));
        if (grid * grid != patches) {
            throw new IllegalStateException(json + ": " + patches + " patches is not a square grid");
        }
        JsonNode size = root.path("preprocessor").path("crop_size").has("height")
                && root.path("preprocessor").path("do_center_crop").asBoolean(false)
                ? root.path("preprocessor").path("crop_size") : root.path("preprocessor").path("size");
        int imageSide = size.path("height").asInt(0);
        int patchSize = imageSide > 0 && imageSide % grid == 0 ? imageSide / grid : 1;
        TokenLayout layout = new TokenLayout(prefix, grid, grid, patchSize, layers, heads);
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            float[] flat = floats(dir.resolve(c.get("attentions").asText()));
            if (flat.length != layers * heads * tokens * tokens) {
                throw new IllegalStateException(dir + "/" + c.get("attentions").asText() + " has " + flat.length
                        + " floats, expected " + layers + "x" + heads + "x" + tokens + "x" + tokens);
            }
            float[][][][] att = new float[layers][heads][tokens][tokens];
            int k = 0;
            for (int l = 0; l < layers; l++) {
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < tokens; i++) {
                        System.arraycopy(flat, k, att[l][h][i], 0, tokens);
                        k += tokens;
                    }
                }
            }
            int[] shape = new int[c.get("pixel_values_shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = c.get("pixel_values_shape").get(i).asInt();
            }
            cases.add(new Case(dir.getFileName().toString(), dir, c.get("name").asText(), family, layout,
                    floats(dir.resolve(c.get("pixel_values").asText())), shape,
                    floats(dir.resolve(c.get("logits").asText())), att));
        }
        return cases;
    }

    static Family familyOf(String processorType) {
        return switch (processorType) {
            case "ViTImageProcessor" -> Family.VIT;
            case "DeiTImageProcessor" -> Family.DEIT;
            case "BeitImageProcessor" -> Family.BEIT;
            default -> throw new IllegalStateException("unknown image processor type '" + processorType + "'");
        };
    }

    public static float[] floats(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }
}
