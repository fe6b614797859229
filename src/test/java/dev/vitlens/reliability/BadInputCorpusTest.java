package dev.vitlens.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.cli.Cli;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.TinyModels;
import dev.vitlens.ui.viewmodel.DecodedImage;
import dev.vitlens.ui.viewmodel.EngineBackend;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bad-input corpus (issue 10): files generated in code (see {@link BadImages}) plus a WebP made with
 * {@code cwebp}, each run through {@code vitlens classify --format json} in-process and through the workbench's
 * loading path ({@link EngineBackend#decode}, what the UI's view-model calls). Each case must end with a correct
 * result (the CLI's top label equals that of the intended picture; the UI's decoded pixels match it) or a clear,
 * specific error, within 5 seconds.
 */
class BadInputCorpusTest {
    static final Duration PER_CASE = Duration.ofSeconds(5);

    @TempDir
    static Path tmp;
    static Path corpus;
    static ModelInfo model;
    static EngineBackend ui;
    static JsonNode cliEntries;
    static int cliExit;
    static String cliErr;
    static final Map<String, Case> CASES = new LinkedHashMap<>();

    /**
     * One corpus file. {@code reference}: the picture the file should decode to (null when an error is expected);
     * {@code cliError} / {@code uiError}: the specific message expected instead. {@code cliFile}: the path the CLI
     * reports (differs for a folder). {@code uiCheck}: extra pixel checks on the UI's decoded image.
     */
    record Case(String name, Path path, BufferedImage reference, String cliError, String uiError, Path cliFile,
                Consumer<BufferedImage> uiCheck) {
    }

    @BeforeAll
    static void buildCorpus() throws Exception {
        TinyModels.writeVitFolder(tmp.resolve("models").resolve("tiny"), 28, 7, 10, 0, 0);
        ModelCatalog catalog = new ModelCatalog(tmp.resolve("models"), tmp.resolve("user-models"));
        model = catalog.resolve("tiny").require();
        corpus = Files.createDirectories(tmp.resolve("corpus"));
        BufferedImage marker = BadImages.marker();
        byte[] jpeg = BadImages.jpeg(BadImages.uniform(64, 48, new Color(200, 60, 40)), false);
        byte[] png = BadImages.encode(BadImages.uniform(64, 48, new Color(30, 90, 200)), "png");

        // Broken files: a specific error each.
        error("truncated-jpeg-half.jpg", BadImages.truncate(jpeg, jpeg.length / 2), "truncated or corrupt image");
        error("truncated-jpeg-after-header.jpg", BadImages.truncate(jpeg,
                BadImages.indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xDA}) + 4), "truncated or corrupt image");
        error("truncated-png-half.png", BadImages.truncate(png, png.length / 2), "truncated or corrupt image");
        error("truncated-png-after-ihdr.png", BadImages.truncate(png, 33), "truncated or corrupt image");
        error("zero-bytes.jpg", new byte[0], "not an image or unsupported format");
        error("zero-bytes.png", new byte[0], "not an image or unsupported format");
        error("random-bytes.jpg", BadImages.random(1, 4096), "not an image or unsupported format");
        error("random-bytes.png", BadImages.random(2, 4096), "not an image or unsupported format");
        error("jpeg-magic-then-random.jpg", BadImages.random(3, 4096, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF),
                "truncated or corrupt image");
        error("png-signature-then-random.png", BadImages.random(4, 4096, (byte) 0x89, (byte) 'P', (byte) 'N',
                (byte) 'G', (byte) '\r', (byte) '\n', (byte) 0x1A, (byte) '\n'), "truncated or corrupt image");
        error("svg-drawing.svg", ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                + "<rect width=\"10\" height=\"10\" fill=\"red\"/></svg>").getBytes(), "SVG is a vector drawing");
        error("svg-named.png", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(),
                "not an image or unsupported format");
        error("document.pdf.jpg", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF".getBytes(),
                "not an image or unsupported format");
        error("text.png", "just some text, not an image".getBytes(), "not an image or unsupported format");

        // Decompression bombs: refused from the header, before any pixel is decoded.
        error("bomb-30000x30000.png", BadImages.pngHeaderClaiming(30_000, 30_000), "image too large: 30000x30000");
        error("bomb-65535x65535.png", BadImages.pngHeaderClaiming(65_535, 65_535), "image too large: 65535x65535");
        error("bomb-1x200000000.png", BadImages.pngHeaderClaiming(1, 200_000_000), "image too large: 1x200000000");
        error("bomb-2147483647-wide.png", BadImages.pngHeaderClaiming(Integer.MAX_VALUE, 2), "image too large");
        error("bomb-jpeg-sof-65500x65500.jpg", BadImages.jpegClaimingSize(jpeg, 65_500, 65_500),
                "image too large: 65500x65500");

        // Valid but unusual files: the right picture.
        ok("huge-7000x5000-gray.png", BadImages.hugeUniformPng(7000, 5000, 128),
                BadImages.uniform(70, 50, new Color(128, 128, 128)), img -> {
                    int shortSide = Math.min(img.getWidth(), img.getHeight());
                    assertTrue(shortSide >= 1024 && shortSide < 2048, "subsampled while decoding to a short side"
                            + " of 1024..2047 px, got " + img.getWidth() + "x" + img.getHeight());
                });
        ok("progressive.jpg", BadImages.jpeg(BadImages.uniform(64, 48, new Color(40, 180, 70)), true),
                BadImages.uniform(64, 48, new Color(40, 180, 70)), null);
        ok("cmyk-adobe.jpg", BadImages.adobeFourChannel(40, 30, new int[] {255, 0, 0, 0}, 0), null, img -> {
            int rgb = img.getRGB(20, 15);
            // Pure cyan ink: little red, much green and blue (exact values depend on the CMYK profile).
            assertTrue(((rgb >> 16) & 0xff) < 100 && (rgb & 0xff) > 150 && ((rgb >> 8) & 0xff) > 120,
                    "cyan, got " + Integer.toHexString(rgb));
        });
        ok("ycck-adobe.jpg", BadImages.adobeFourChannel(40, 30, new int[] {200, 128, 128, 0}, 2), null, img -> {
            int rgb = img.getRGB(20, 15);
            int r = (rgb >> 16) & 0xff;
            int g = (rgb >> 8) & 0xff;
            int b = rgb & 0xff;
            // YCC (200,128,128) is a light neutral gray; K = 0 keeps it light.
            assertTrue(Math.abs(r - g) < 40 && Math.abs(g - b) < 40 && g > 120, "light gray, got " + r + "," + g + "," + b);
        });
        ok("rgb-16bit.png", BadImages.png16Rgb(40, 30, 0xFFFF, 0x8080, 0x0000),
                BadImages.uniform(40, 30, new Color(255, 128, 0)), null);
        ok("gray-16bit.png", BadImages.png16Gray(40, 30, 0x4040), BadImages.uniform(40, 30, new Color(64, 64, 64)), null);
        ok("palette-trns.png", BadImages.palettePngWithTransparency(40, 30, 0x2050A0), halves(40, 30,
                0x2050A0, 0xFFFFFF), null); // transparent half composited on white, like transformers' convert_to_rgb
        ok("gray-alpha.png", BadImages.pngGrayAlpha(40, 30, 60), halves(40, 30, 0x3C3C3C, 0xFFFFFF), null);
        ok("animated-two-frames.gif", BadImages.animatedGif(40, 30, Color.RED, Color.BLUE),
                BadImages.uniform(40, 30, Color.RED), null);
        ok("plain.tiff", BadImages.encode(marker, "tiff"), marker, null);
        ok("plain.bmp", BadImages.encode(marker, "bmp"), marker, null);
        ok("png-named.jpg", BadImages.encode(marker, "png"), marker, null);
        ok("UPPER-CASE.JPG", BadImages.jpeg(BadImages.uniform(30, 20, new Color(90, 20, 160)), false),
                BadImages.uniform(30, 20, new Color(90, 20, 160)), null);
        ok("one-pixel.png", BadImages.encode(BadImages.uniform(1, 1, Color.ORANGE), "png"),
                BadImages.uniform(1, 1, Color.ORANGE), null);
        ok("broken-exif.jpg", BadImages.withBrokenExif(BadImages.jpeg(marker, false)), marker, null);
        for (int o = 0; o <= 9; o++) {
            byte[] oriented = BadImages.withExifOrientation(BadImages.jpeg(marker, false), o);
            int orientation = o;
            ok("exif-orientation-" + o + ".jpg", oriented, oriented(marker, o < 1 || o > 8 ? 1 : o),
                    img -> assertEquals(orientation >= 5 && orientation <= 8 ? 16 : 32, img.getWidth(),
                            "width after orientation " + orientation));
        }
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("webp/green-blue-16x8-lossless.webp")) {
            ok("lossless.webp", in.readAllBytes(), halvesRgb(16, 8, 0x00FF00, 0x0000FF), null);
        }
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("webp/green-blue-32x16-lossy.webp")) {
            ok("lossy.webp", in.readAllBytes(), halvesRgb(32, 16, 0x00FF00, 0x0000FF), null);
        }
        for (int i = 1; i <= 2; i++) {
            // Found by fuzzing: the WebP plugin swallowed the end of file and spun for minutes.
            try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("webp/vp8l-spins-past-eof-" + i
                    + ".webp")) {
                error("vp8l-spins-past-eof-" + i + ".webp", in.readAllBytes(), "truncated or corrupt image");
            }
        }
        Path unicode = corpus.resolve("ünïcødé 画像 with spaces.png");
        ok(unicode.getFileName().toString(), BadImages.encode(marker, "png"), marker, null);

        // File-system oddities.
        Path dirNamedJpg = Files.createDirectories(corpus.resolve("folder-named.jpg"));
        Files.write(dirNamedJpg.resolve("inside.png"), BadImages.encode(marker, "png"));
        CASES.put("folder-named.jpg", new Case("folder-named.jpg", dirNamedJpg, marker, null, "is a directory",
                dirNamedJpg.resolve("inside.png"), null));
        Path missing = corpus.resolve("missing.png");
        CASES.put("missing.png", new Case("missing.png", missing, null, "file not found", "file not found", missing,
                null));
        Path dangling = corpus.resolve("dangling-link.png");
        Files.createSymbolicLink(dangling, corpus.resolve("nowhere.png"));
        CASES.put("dangling-link.png", new Case("dangling-link.png", dangling, null, "file not found",
                "file not found", dangling, null));
        Path locked = corpus.resolve("no-permission.png");
        Files.write(locked, BadImages.encode(marker, "png"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        if (Files.isReadable(locked)) {
            // Running as root (CI): permissions do not block reads, so the file must simply decode.
            System.out.println("[corpus] running as a privileged user: chmod 000 does not block reads; "
                    + "no-permission.png is expected to decode");
            CASES.put("no-permission.png", new Case("no-permission.png", locked, marker, null, null, locked, null));
        } else {
            CASES.put("no-permission.png", new Case("no-permission.png", locked, null, "permission denied",
                    "permission denied", locked, null));
        }

        ui = new EngineBackend(() -> catalog, model.id(), RunnerOptions.on(Device.CPU));
        // Open the model once up front: the 5 s budget per case is for the file, not for ORT's start-up.
        ui.classify(BadImages.uniform(8, 8, Color.GRAY), model.id(), 1, true);
        runCli();
    }

    @AfterAll
    static void close() throws IOException {
        if (ui != null) {
            ui.close();
        }
        Path locked = corpus.resolve("no-permission.png");
        if (Files.exists(locked)) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static void runCli() {
        List<String> args = new ArrayList<>(List.of("classify", "-m", model.dir().toString(), "--device", "cpu",
                "--format", "json", "-k", "3"));
        CASES.values().forEach(c -> args.add(c.path().toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        cliExit = assertTimeoutPreemptively(PER_CASE.multipliedBy(CASES.size()), () -> {
            CommandLine cl = Cli.newCommandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            return cl.execute(args.toArray(String[]::new));
        });
        System.out.printf("[corpus] CLI classified %d corpus files in %.1f s%n", CASES.size(),
                (System.nanoTime() - start) / 1e9);
        cliErr = err.toString();
        try {
            cliEntries = new ObjectMapper().readTree(out.toString());
        } catch (IOException e) {
            throw new AssertionError("CLI JSON unreadable: " + out + "\n" + cliErr, e);
        }
    }

    @Test
    void corpusIsLargeEnoughAndTheCliReportsFailuresWithExitCodeOne() {
        assertTrue(CASES.size() >= 40, "corpus has " + CASES.size() + " cases");
        assertEquals(CASES.size(), cliEntries.size(), "one JSON entry per corpus path: " + cliEntries);
        assertEquals(Cli.EXIT_SOME_FAILED, cliExit, cliErr);
    }

    @TestFactory
    Stream<DynamicTest> cli() {
        return CASES.values().stream().map(c -> DynamicTest.dynamicTest("cli: " + c.name(), () -> {
            JsonNode entry = entryFor(c.cliFile());
            if (c.cliError() != null) {
                assertNotNull(entry.get("error"), "expected an error entry: " + entry);
                assertTrue(entry.get("error").asText().contains(c.cliError()),
                        "expected \"" + c.cliError() + "\" in " + entry.get("error"));
                assertEquals(2, entry.size(), "error entries are {file, error}: " + entry);
                return;
            }
            assertTrue(entry.get("error") == null, "unexpected error: " + entry);
            assertTrue(entry.get("timings_ms").get("decode").asDouble() < PER_CASE.toMillis(), entry.toString());
            if (c.reference() != null) {
                assertEquals(expectedTop(c.reference()), entry.get("top").get(0).get("index").asInt(),
                        "top label differs from the intended picture's: " + entry);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> ui() {
        return CASES.values().stream().map(c -> DynamicTest.dynamicTest("ui: " + c.name(), () ->
                assertTimeoutPreemptively(PER_CASE, () -> {
                    if (c.uiError() != null) {
                        IOException e = assertThrows(IOException.class, () -> ui.decode(c.path()));
                        assertTrue(e.getMessage().contains(c.uiError()),
                                "expected \"" + c.uiError() + "\" in: " + e.getMessage());
                        return;
                    }
                    DecodedImage decoded = ui.decode(c.path());
                    BufferedImage img = decoded.image();
                    System.out.printf("[corpus] ui %s: decoded %dx%d in %.0f ms%n", c.name(), img.getWidth(),
                            img.getHeight(), decoded.decodeMillis());
                    if (c.reference() != null && img.getWidth() == c.reference().getWidth()) {
                        assertEquals(c.reference().getHeight(), img.getHeight());
                        assertSimilar(c.reference(), img);
                    }
                    if (c.uiCheck() != null) {
                        c.uiCheck().accept(img);
                    }
                    // The UI classifies what it decoded: that must work too.
                    assertEquals(1, ui.classify(img, model.id(), 1, true).top().size());
                })));
    }

    /**
     * Close to the reference: every pixel away from colour edges (uniform 5x5 neighbourhood in the reference)
     * within 40 per channel, and the mean difference under 12. JPEG's chroma subsampling smears the hard edges of
     * the saturated test patterns, so edge pixels are only covered by the mean.
     */
    private static void assertSimilar(BufferedImage expected, BufferedImage actual) {
        int worst = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                if (!uniformAround(expected, x, y, 2)) {
                    continue;
                }
                int e = expected.getRGB(x, y);
                int a = actual.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs(((e >> shift) & 0xff) - ((a >> shift) & 0xff)));
                }
            }
        }
        assertTrue(worst <= 40, "max channel difference away from edges " + worst);
        double meanDiff = meanColourDistance(expected, actual);
        assertTrue(meanDiff < 12, "mean channel difference " + meanDiff);
    }

    private static boolean uniformAround(BufferedImage img, int x, int y, int radius) {
        int centre = img.getRGB(x, y);
        for (int dy = -radius; dy <= radius; dy++) {
            for (int dx = -radius; dx <= radius; dx++) {
                int xx = x + dx;
                int yy = y + dy;
                if (xx >= 0 && yy >= 0 && xx < img.getWidth() && yy < img.getHeight() && img.getRGB(xx, yy) != centre) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double meanColourDistance(BufferedImage expected, BufferedImage actual) {
        double sum = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int e = expected.getRGB(x, y);
                int a = actual.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((e >> shift) & 0xff) - ((a >> shift) & 0xff));
                }
            }
        }
        return sum / (3.0 * expected.getWidth() * expected.getHeight());
    }

    private static int expectedTop(BufferedImage reference) throws Exception {
        try (ModelSession classifier = ModelSession.forClassification(model, RunnerOptions.on(Device.CPU))) {
            return classifier.classify(RgbImage.from(reference), 1).top().get(0).index();
        }
    }

    private static JsonNode entryFor(Path file) {
        for (JsonNode n : cliEntries) {
            if (n.get("file").asText().equals(file.toString())) {
                return n;
            }
        }
        throw new AssertionError("no CLI entry for " + file + " in " + cliEntries + "\nstderr: " + cliErr);
    }

    private static void error(String name, byte[] bytes, String message) throws IOException {
        Path p = corpus.resolve(name);
        Files.write(p, bytes);
        CASES.put(name, new Case(name, p, null, message, message, p, null));
    }

    private static void ok(String name, byte[] bytes, BufferedImage reference, Consumer<BufferedImage> check)
            throws IOException {
        Path p = corpus.resolve(name);
        Files.write(p, bytes);
        CASES.put(name, new Case(name, p, reference, null, null, p, check));
    }

    private static BufferedImage halves(int width, int height, int left, int right) {
        return halvesRgb(width, height, left, right);
    }

    private static BufferedImage halvesRgb(int width, int height, int left, int right) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, x < width / 2 ? left : right);
            }
        }
        return img;
    }

    /** The picture as it should look after applying EXIF orientation {@code o} (as PIL's exif_transpose). */
    static BufferedImage oriented(BufferedImage src, int o) {
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swap = o >= 5;
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] t = switch (o) {
                    case 2 -> new int[] {w - 1 - x, y};
                    case 3 -> new int[] {w - 1 - x, h - 1 - y};
                    case 4 -> new int[] {x, h - 1 - y};
                    case 5 -> new int[] {y, x};
                    case 6 -> new int[] {h - 1 - y, x};
                    case 7 -> new int[] {h - 1 - y, w - 1 - x};
                    case 8 -> new int[] {y, w - 1 - x};
                    default -> new int[] {x, y};
                };
                out.setRGB(t[0], t[1], src.getRGB(x, y));
            }
        }
        return out;
    }
}
