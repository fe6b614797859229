package dev.vitlens.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFormatsTest {

    private static final Path WEBP = Path.of("src/test/resources/dev/vitlens/reliability/webp/green-blue-16x8-lossless.webp");

    /**
     * Every extension that any part of ViTLens once listed, plus PBM, as a real file of that format. The set must
     * hold exactly those the decoder decodes: adding a reader plugin (say TwelveMonkeys PNM) fails this test until
     * the extension is added, and a listed extension that stops decoding fails it too.
     */
    @Test
    void listsExactlyTheCandidatesTheDecoderDecodes(@TempDir Path dir) throws IOException {
        BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        image.setRGB(2, 3, 0xC03020);
        Map<String, byte[]> samples = new LinkedHashMap<>();
        samples.put("png", encode(image, "png"));
        samples.put("jpg", encode(image, "jpeg"));
        samples.put("jpeg", encode(image, "jpeg"));
        samples.put("jfif", encode(image, "jpeg"));
        samples.put("bmp", encode(image, "bmp"));
        samples.put("gif", encode(image, "gif"));
        samples.put("tif", encode(image, "tiff"));
        samples.put("tiff", encode(image, "tiff"));
        samples.put("webp", Files.readAllBytes(WEBP));
        samples.put("ppm", netpbm("P6\n8 6\n255\n", 8 * 6 * 3));
        samples.put("pnm", netpbm("P6\n8 6\n255\n", 8 * 6 * 3));
        samples.put("pgm", netpbm("P5\n8 6\n255\n", 8 * 6));
        samples.put("pbm", netpbm("P4\n8 6\n", 6));

        TreeSet<String> decodes = new TreeSet<>();
        for (Map.Entry<String, byte[]> e : samples.entrySet()) {
            Path file = dir.resolve("sample." + e.getKey());
            Files.write(file, e.getValue());
            try {
                ImageDecoder.decode(file);
                decodes.add(e.getKey());
            } catch (ImageDecodeException notDecoded) {
                // not a supported format
            }
        }
        assertEquals(decodes, new TreeSet<>(ImageFormats.EXTENSIONS));
    }

    @Test
    void unreadableImageFormatsAreNamedWithAReason(@TempDir Path dir) throws IOException {
        Path svg = dir.resolve("Logo.SVG");
        Files.writeString(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>");
        assertTrue(ImageFormats.isImageFile(svg));
        assertFalse(ImageFormats.hasImageExtension(svg));
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(svg));
        assertTrue(e.getMessage().contains("SVG is a vector drawing") && e.getMessage().contains("Logo.SVG"),
                e.getMessage());
        assertTrue(ImageFormats.unreadableReason(Path.of("IMG_1.HEIC")).orElseThrow().contains("HEIC"));
        assertTrue(ImageFormats.unreadableReason(Path.of("scan.pgm")).isPresent());
        assertTrue(ImageFormats.unreadableReason(Path.of("photo.png")).isEmpty(), "readable formats have no reason");
        assertTrue(ImageFormats.unreadableReason(Path.of("notes.txt")).isEmpty(), "non-images are not listed");
        assertFalse(ImageFormats.isImageFile(Path.of("notes.txt")));
        // The decoder goes by content: a PNG named .svg still decodes.
        Path disguised = dir.resolve("really-a-png.svg");
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        Files.write(disguised, encode(image, "png"));
        assertEquals(3, ImageDecoder.decode(disguised).image().width());
    }

    @Test
    void matchesExtensionsInAnyCase() {
        assertTrue(ImageFormats.hasImageExtension(Path.of("IMG_0001.JPG")));
        assertTrue(ImageFormats.hasImageExtension(Path.of("dir/scan.TiFf")));
        assertTrue(ImageFormats.hasImageExtension(Path.of("photo.Jfif")));
        assertTrue(ImageFormats.hasImageExtension(Path.of("a.b.webp")));
        assertFalse(ImageFormats.hasImageExtension(Path.of("notes.txt")));
        assertFalse(ImageFormats.hasImageExtension(Path.of("png")));
        assertFalse(ImageFormats.hasImageExtension(Path.of(".png"))); // a hidden file named only by its extension
        assertFalse(ImageFormats.hasImageExtension(Path.of("archive.png.zip")));
        assertFalse(ImageFormats.hasImageExtension(Path.of("/")));
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "no ImageIO writer for " + format);
        return out.toByteArray();
    }

    private static byte[] netpbm(String header, int pixelBytes) {
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[head.length + pixelBytes];
        System.arraycopy(head, 0, file, 0, head.length);
        return file;
    }
}
