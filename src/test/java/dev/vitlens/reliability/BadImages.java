package dev.vitlens.reliability;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generates the bytes of well-formed, odd and hostile image files for the bad-input corpus: every file is built
 * here in code (nothing downloaded), most by encoding with ImageIO and then patching or truncating the bytes, the
 * hostile headers (decompression bombs) by writing the PNG chunks directly.
 */
final class BadImages {
    private BadImages() {
    }

    static BufferedImage uniform(int width, int height, Color color) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    /** 32x16: left half red, right half blue, top-left 8x8 green; asymmetric so every EXIF transform differs. */
    static BufferedImage marker() {
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, x < 8 && y < 8 ? 0x00ff00 : x < 16 ? 0xff0000 : 0x0000ff);
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IllegalStateException("no ImageIO writer for " + format + " and " + img);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage img, boolean progressive) throws IOException {
        ImageWriter writer = jdkJpegWriter();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        if (progressive) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * A 4-channel JPEG with an Adobe APP14 marker: {@code transform} 0 means CMYK, 2 means YCCK. The JDK writer
     * stores a 4-band raster as-is (no colour transform, no marker); an APP14 segment with the wanted transform
     * is then inserted after SOI. Samples are stored inverted, as Adobe applications write CMYK JPEGs.
     */
    static byte[] adobeFourChannel(int width, int height, int[] samples, int transform) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        int[] pixel = new int[4];
        for (int i = 0; i < 4; i++) {
            pixel[i] = 255 - samples[i];
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, pixel);
            }
        }
        ImageWriter writer = jdkJpegWriter();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(1f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(raster, null, null), param); // a raster is stored untransformed
        } finally {
            writer.dispose();
        }
        byte[] plain = out.toByteArray();
        // APP14: FF EE, length 14, "Adobe", version 100, flags0, flags1, transform.
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0,
                (byte) transform};
        ByteArrayOutputStream patched = new ByteArrayOutputStream();
        patched.write(plain, 0, 2);
        patched.writeBytes(app14);
        patched.write(plain, 2, plain.length - 2);
        return patched.toByteArray();
    }

    private static ImageWriter jdkJpegWriter() {
        for (var it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.sun.")) {
                return w;
            }
        }
        return ImageIO.getImageWritersByFormatName("jpeg").next();
    }

    /** The JPEG with an EXIF APP1 segment (big-endian TIFF, IFD0 with one Orientation entry) after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
                0, 0, 0, 0};
        return withApp1(jpeg, tiff);
    }

    /** An EXIF APP1 whose IFD offset points far outside the segment. */
    static byte[] withBrokenExif(byte[] jpeg) {
        byte[] tiff = {'M', 'M', 0, 42, 0x7F, 0x7F, 0x7F, 0x7F, 0, 1, 0x01, 0x12};
        return withApp1(jpeg, tiff);
    }

    private static byte[] withApp1(byte[] jpeg, byte[] tiff) {
        int length = 2 + 6 + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The JPEG with its SOF0 frame header claiming another size (the scan data stays that of the real size). */
    static byte[] jpegClaimingSize(byte[] jpeg, int width, int height) {
        byte[] bytes = jpeg.clone();
        int sof = indexOf(bytes, new byte[] {(byte) 0xFF, (byte) 0xC0});
        if (sof < 0) {
            throw new IllegalStateException("no SOF0 marker");
        }
        bytes[sof + 5] = (byte) (height >> 8);
        bytes[sof + 6] = (byte) height;
        bytes[sof + 7] = (byte) (width >> 8);
        bytes[sof + 8] = (byte) width;
        return bytes;
    }

    /** A 16-bit-per-channel RGB PNG of one colour. */
    static byte[] png16Rgb(int width, int height, int r16, int g16, int b16) throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[] {16, 16, 16}, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {r16, g16, b16});
            }
        }
        return encode(new BufferedImage(cm, raster, false, null), "png");
    }

    static byte[] png16Gray(int width, int height, int value16) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.getRaster().setSample(x, y, 0, value16);
            }
        }
        return encode(img, "png");
    }

    /** Gray + alpha, 8 bits each: left half opaque gray {@code value}, right half fully transparent. */
    static byte[] pngGrayAlpha(int width, int height, int value) throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
                new int[] {8, 8}, true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {value, x < width / 2 ? 255 : 0});
            }
        }
        return encode(new BufferedImage(cm, raster, false, null), "png");
    }

    /** Palette PNG with a tRNS chunk: entry 0 opaque {@code rgb}, entry 1 transparent black (right half). */
    static byte[] palettePngWithTransparency(int width, int height, int rgb) throws IOException {
        byte[] r = {(byte) (rgb >> 16), 0};
        byte[] g = {(byte) (rgb >> 8), 0};
        byte[] b = {(byte) rgb, 0};
        byte[] a = {(byte) 255, 0};
        IndexColorModel cm = new IndexColorModel(1, 2, r, g, b, a);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, cm);
        for (int y = 0; y < height; y++) {
            for (int x = width / 2; x < width; x++) {
                img.getRaster().setSample(x, y, 0, 1);
            }
        }
        byte[] png = encode(img, "png");
        if (indexOf(png, "tRNS".getBytes(StandardCharsets.US_ASCII)) < 0) {
            throw new IllegalStateException("PNG writer wrote no tRNS chunk");
        }
        return png;
    }

    /** Two-frame animated GIF: first frame {@code first}, second {@code second}. */
    static byte[] animatedGif(int width, int height, Color first, Color second) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            for (Color c : new Color[] {first, second}) {
                BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED);
                Graphics2D g = frame.createGraphics();
                g.setColor(c);
                g.fillRect(0, 0, width, height);
                g.dispose();
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame),
                        null);
                writer.writeToSequence(new IIOImage(frame, null, meta), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Only a PNG signature, IHDR claiming {@code width x height}, a tiny IDAT and IEND: a decompression bomb header. */
    static byte[] pngHeaderClaiming(long width, long height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt((int) width);
        d.writeInt((int) height);
        d.writeByte(8);  // bit depth
        d.writeByte(2);  // colour type RGB
        d.writeByte(0);
        d.writeByte(0);
        d.writeByte(0);
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IDAT", deflate(new byte[1024]));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A valid 8-bit grayscale PNG of {@code width x height}, mid-gray with a few white rows, written chunk by
     * chunk (compresses to tens of kilobytes, decodes to {@code width*height} bytes).
     */
    static byte[] hugeUniformPng(int width, int height, int gray) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(width);
        d.writeInt(height);
        d.writeByte(8);
        d.writeByte(0);  // grayscale
        d.writeByte(0);
        d.writeByte(0);
        d.writeByte(0);
        chunk(out, "IHDR", ihdr.toByteArray());
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (OutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            byte[] row = new byte[width + 1];
            byte[] white = new byte[width + 1];
            Arrays.fill(row, 1, row.length, (byte) gray);
            Arrays.fill(white, 1, white.length, (byte) 255);
            for (int y = 0; y < height; y++) {
                z.write(y % 1000 == 0 ? white : row);
            }
        } finally {
            deflater.end();
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    static byte[] random(long seed, int length, byte... prefix) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        return bytes;
    }

    static byte[] truncate(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    private static byte[] deflate(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new DeflaterOutputStream(out)) {
            z.write(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(new byte[] {(byte) (data.length >>> 24), (byte) (data.length >>> 16),
                (byte) (data.length >>> 8), (byte) data.length});
        out.writeBytes(t);
        out.writeBytes(data);
        long c = crc.getValue();
        out.writeBytes(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
