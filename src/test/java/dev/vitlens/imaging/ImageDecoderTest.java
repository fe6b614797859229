package dev.vitlens.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    @TempDir
    Path tmp;

    /** 32x16 landscape: left half red, right half blue, with a green top-left 8x8 block as a marker. */
    static BufferedImage marker() {
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                int rgb = x < 16 ? 0xff0000 : 0x0000ff;
                if (x < 8 && y < 8) {
                    rgb = 0x00ff00;
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    static byte[] jpegWithOrientation(BufferedImage img, int orientation) throws Exception {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        byte[] plain = jpeg.toByteArray();
        // APP1 "Exif\0\0" + big-endian TIFF with one IFD0 entry: Orientation (SHORT) = orientation.
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
                0, 0, 0, 0};
        int segLength = 2 + 6 + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2);
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (segLength >> 8), (byte) segLength});
        out.write(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.write(tiff);
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /** Dominant channel at (x, y): 'R', 'G' or 'B'. */
    static char dominant(RgbImage img, int x, int y) {
        int r = img.get(x, y, 0);
        int g = img.get(x, y, 1);
        int b = img.get(x, y, 2);
        return r > g && r > b ? 'R' : g > b ? 'G' : 'B';
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void appliesExifOrientation(int orientation) throws Exception {
        Path file = tmp.resolve("o" + orientation + ".jpg");
        Files.write(file, jpegWithOrientation(marker(), orientation));
        ImageDecoder.Decoded d = ImageDecoder.decode(file);
        assertEquals(orientation, d.orientation());
        RgbImage img = d.image();
        boolean swapped = orientation >= 5;
        assertEquals(swapped ? 16 : 32, img.width());
        // Where the green marker (source top-left) ends up, per the EXIF spec / PIL exif_transpose.
        int w = img.width() - 1;
        int h = img.height() - 1;
        int[][] markerCorner = {
                null, {0, 0}, {w, 0}, {w, h}, {0, h}, {0, 0}, {w, 0}, {w, h}, {0, h}};
        int[] c = markerCorner[orientation];
        assertEquals('G', dominant(img, c[0] == 0 ? 2 : c[0] - 2, c[1] == 0 ? 2 : c[1] - 2),
                "marker corner for orientation " + orientation);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bmp", "tiff", "gif", "jpeg"})
    void otherFormatsDecode(String format) throws Exception {
        RgbImage img = roundTrip(marker(), format);
        assertEquals(32, img.width());
        assertEquals('G', dominant(img, 2, 2));
        assertEquals('B', dominant(img, 28, 12));
    }

    @Test
    void webpAndCmykJpegReadersAreRegistered() {
        // TwelveMonkeys plugins on the classpath (no WebP or CMYK writer exists to build a sample in-test).
        assertTrue(ImageIO.getImageReadersByFormatName("webp").hasNext(), "WebP reader");
        boolean twelveMonkeysJpeg = false;
        for (var it = ImageIO.getImageReadersByFormatName("jpeg"); it.hasNext(); ) {
            twelveMonkeysJpeg |= it.next().getClass().getName().startsWith("com.twelvemonkeys");
        }
        assertTrue(twelveMonkeysJpeg, "TwelveMonkeys JPEG reader (CMYK/YCCK support)");
    }

    @Test
    void decodesFromMemory() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(marker(), "png", png);
        assertEquals(0x00ff00, ImageDecoder.decode(png.toByteArray(), "drop.png").image().rgb(0, 0));
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> ImageDecoder.decode(new byte[] {1, 2, 3}, "x.bin"));
        assertTrue(e.getMessage().contains("not an image or unsupported format"), e.getMessage());
    }

    @Test
    void orientationParserIgnoresGarbage() {
        assertEquals(1, ExifOrientation.read(new byte[] {1, 2, 3}, 3));
        byte[] truncated = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0x7F, 0x7F, 'E', 'x'};
        assertEquals(1, ExifOrientation.read(truncated, truncated.length));
    }

    @Test
    void grayscalePngIsReplicated() throws Exception {
        BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setPixels(0, 0, 3, 1, new int[] {0, 128, 255});
        RgbImage img = roundTrip(g, "png");
        assertEquals(128, img.get(1, 0, 0));
        assertEquals(128, img.get(1, 0, 2));
        assertEquals(255, img.get(2, 0, 1));
    }

    @Test
    void sixteenBitGrayIsScaledNotGammaConverted() throws Exception {
        BufferedImage g = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setPixels(0, 0, 2, 1, new int[] {257 * 100, 65535});
        RgbImage img = roundTrip(g, "png");
        assertEquals(100, img.get(0, 0, 0));
        assertEquals(255, img.get(1, 0, 1));
    }

    @Test
    void paletteWithTransparencyIsCompositedOnWhite() throws Exception {
        byte[] r = {(byte) 200, 0};
        byte[] gr = {10, 0};
        byte[] b = {20, 0};
        byte[] a = {(byte) 255, 0};
        IndexColorModel icm = new IndexColorModel(8, 2, r, gr, b, a);
        BufferedImage p = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, icm);
        p.getRaster().setPixels(0, 0, 2, 1, new int[] {0, 1});
        RgbImage img = roundTrip(p, "png");
        assertEquals(0xc80a14, img.rgb(0, 0));
        assertEquals(0xffffff, img.rgb(1, 0));
    }

    @Test
    void alphaIsCompositedOnWhiteLikePillow() throws Exception {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80000000); // black at alpha 128
        argb.setRGB(1, 0, 0xff102030);
        RgbImage img = roundTrip(argb, "png");
        // Pillow alpha_composite(white, (0,0,0,128)) = 127
        assertEquals(127, img.get(0, 0, 0));
        assertEquals(0x102030, img.rgb(1, 0));
        assertEquals(127, ImageConversion.onWhite(0, 128));
        assertEquals(255, ImageConversion.onWhite(17, 0));
    }

    @Test
    void clearErrors() throws Exception {
        assertMessage(tmp.resolve("missing.png"), "file not found");
        assertMessage(tmp, "is a directory");
        Path text = tmp.resolve("notes.png");
        Files.writeString(text, "hello, not an image");
        assertMessage(text, "not an image or unsupported format");
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(marker(), "png", png);
        Path truncated = tmp.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(png.toByteArray(), png.size() / 2));
        assertMessage(truncated, "truncated or corrupt image");
        ByteArrayOutputStream jpg = new ByteArrayOutputStream();
        ImageIO.write(marker(), "jpeg", jpg);
        Path truncatedJpeg = tmp.resolve("truncated.jpg");
        Files.write(truncatedJpeg, Arrays.copyOf(jpg.toByteArray(), jpg.size() * 2 / 3));
        assertMessage(truncatedJpeg, "truncated or corrupt image");
        if (!"root".equals(System.getProperty("user.name"))) {
            Path locked = tmp.resolve("locked.png");
            Files.write(locked, png.toByteArray());
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
            assertMessage(locked, "permission denied");
        }
    }

    @Test
    void refusesHugeImagesFromTheHeaderAlone() throws Exception {
        // A valid PNG header claiming 20000 x 20000 (400 MP) with no pixel data behind it.
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", png);
        byte[] bytes = png.toByteArray();
        // IHDR width/height at offsets 16..23; the CRC is wrong but ImageIO reads the header first.
        java.nio.ByteBuffer.wrap(bytes, 16, 8).putInt(20000).putInt(20000);
        Path file = tmp.resolve("huge.png");
        Files.write(file, bytes);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(file));
        assertTrue(e.getMessage().contains("image too large: 20000x20000 is 400 megapixels"), e.getMessage());
    }

    @Test
    void subsamplesOnlyHugeImages() {
        assertEquals(1, ImageDecoder.subsampling(4000, 3000, 224));
        assertEquals(1, ImageDecoder.subsampling(8000, 6000, 0));
        assertEquals(6, ImageDecoder.subsampling(8000, 6000, 224));
    }

    private RgbImage roundTrip(BufferedImage img, String format) throws Exception {
        Path file = tmp.resolve("img." + format);
        assertTrue(ImageIO.write(img, format, file.toFile()), "writer for " + format);
        return ImageDecoder.decode(file).image();
    }

    private static void assertMessage(Path file, String expected) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(file));
        assertTrue(e.getMessage().contains(expected), () -> file + ": " + e.getMessage());
    }
}
