package dev.vitlens.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image files to 8-bit RGB with ImageIO (TwelveMonkeys adds WebP, CMYK JPEG, TIFF, BMP): applies the
 * JPEG EXIF orientation, refuses images over {@link #MAX_PIXELS} from the header before decoding, and subsamples
 * while decoding images far larger than needed. Thread-safe (no shared state).
 */
public final class ImageDecoder {
    /** 100 megapixels: larger headers are refused before any pixel is decoded. */
    public static final long MAX_PIXELS = 100_000_000L;
    /** Subsample only images over this many pixels (smaller ones keep exact parity with Pillow). */
    static final long SUBSAMPLE_ABOVE_PIXELS = 16_000_000L;
    /** When subsampling, keep at least this multiple of the needed short side. */
    static final int SUBSAMPLE_MARGIN = 4;

    private static final int EXIF_SCAN_BYTES = 256 * 1024;
    /** Files up to this size are read into memory in one go and decoded from there. */
    static final long MAX_IN_MEMORY_BYTES = 512L * 1024 * 1024;

    /** The decoded image and facts about the file. */
    public record Decoded(RgbImage image, String format, int fileWidth, int fileHeight, int orientation,
                          int subsampling) {
    }

    static {
        // Decoding from memory would otherwise spill a temp-file cache for every image.
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {
    }

    /**
     * Initialises ImageIO's plugin registry (it scans the class path for readers on first use), so a caller can do
     * it while something else, such as model loading, runs on another thread.
     */
    public static void warmUp() {
        ImageIO.getImageReadersBySuffix("png").hasNext();
    }

    public static Decoded decode(Path file) throws ImageDecodeException {
        return decode(file, 0);
    }

    /**
     * @param neededShortSide the smallest side the caller will resize to (0: no subsampling); huge images are
     *                        subsampled to no less than {@value #SUBSAMPLE_MARGIN} times that
     */
    public static Decoded decode(Path file, int neededShortSide) throws ImageDecodeException {
        checkFile(file);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ImageDecodeException(describeIo(file, e), e);
        }
        if (size <= MAX_IN_MEMORY_BYTES) {
            // One read of the whole file, decoded from memory: ImageIO's FileImageInputStream makes many small
            // unbuffered reads (4x slower on a 320x240 PNG, see docs/benchmarks.md), and the EXIF scan reuses
            // the bytes instead of reading the head a second time.
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new ImageDecodeException(describeIo(file, e), e);
            } catch (OutOfMemoryError e) {
                throw new ImageDecodeException("image file too large to read in the available memory", e);
            }
            try (ImageInputStream in = memoryStream(bytes)) {
                return decode(in, bytes, file.getFileName().toString(), neededShortSide);
            } catch (ImageDecodeException e) {
                throw e;
            } catch (IOException e) {
                throw new ImageDecodeException(describeIo(file, e), e);
            }
        }
        byte[] head = readHead(file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new ImageDecodeException("cannot open " + file);
            }
            return decode(in, head, file.getFileName().toString(), neededShortSide);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageDecodeException(describeIo(file, e), e);
        }
    }

    /** Decodes from memory (e.g. drag-and-drop data). */
    public static Decoded decode(byte[] bytes, String name) throws ImageDecodeException {
        return decode(bytes, name, 0, MAX_PIXELS);
    }

    /**
     * Decodes from memory with a lower size limit: the fuzz target refuses images larger than a few megapixels from
     * the header, as the product refuses those over {@link #MAX_PIXELS}, so that mutated headers claiming 99 MP do
     * not spend each execution allocating them.
     */
    static Decoded decode(byte[] bytes, String name, int neededShortSide, long maxPixels) throws ImageDecodeException {
        try (ImageInputStream in = memoryStream(bytes)) {
            return decode(in, bytes, name, neededShortSide, maxPixels);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageDecodeException("truncated or corrupt image: " + e.getMessage(), e);
        }
    }

    /**
     * An in-memory stream: {@code ImageIO.createImageInputStream(InputStream)} would cache to a temporary file
     * while ImageIO's disk cache is enabled (its default).
     */
    private static ImageInputStream memoryStream(byte[] bytes) {
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
    }

    private static Decoded decode(ImageInputStream source, byte[] head, String name, int neededShortSide)
            throws ImageDecodeException {
        return decode(source, head, name, neededShortSide, MAX_PIXELS);
    }

    private static Decoded decode(ImageInputStream source, byte[] head, String name, int neededShortSide,
                                  long maxPixels) throws ImageDecodeException {
        ImageInputStream in = new EofLimitedImageInputStream(source);
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            String why = ImageFormats.unreadableReason(java.nio.file.Path.of(name)).orElse(null);
            throw new ImageDecodeException(why != null ? "cannot read " + name + ": " + why
                    : "not an image or unsupported format: " + name);
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        try {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                @Override
                public void warningOccurred(ImageReader source, String warning) {
                    warnings.add(warning);
                }
            });
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new ImageDecodeException("truncated or corrupt image: header says " + width + "x" + height);
            }
            long pixels = (long) width * height;
            if (pixels > maxPixels) {
                throw new ImageDecodeException(String.format(Locale.ROOT,
                        "image too large: %dx%d is %.0f megapixels, the limit is %d", width, height,
                        pixels / 1e6, maxPixels / 1_000_000));
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int subsampling = subsampling(width, height, neededShortSide);
            if (subsampling > 1) {
                param.setSourceSubsampling(subsampling, subsampling, 0, 0);
            }
            BufferedImage image = reader.read(0, param);
            for (String w : warnings) {
                String lower = w.toLowerCase(Locale.ROOT);
                if (lower.contains("premature") || lower.contains("truncat") || lower.contains("corrupt")) {
                    throw new ImageDecodeException("truncated or corrupt image: " + w);
                }
            }
            int orientation = isJpeg(format) ? ExifOrientation.read(head, Math.min(head.length, EXIF_SCAN_BYTES)) : 1;
            RgbImage rgb = ExifOrientation.apply(ImageConversion.toRgb(image), orientation);
            return new Decoded(rgb, format, width, height, orientation, subsampling);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (EOFException e) {
            throw new ImageDecodeException("truncated or corrupt image: unexpected end of file", e);
        } catch (IOException e) {
            throw new ImageDecodeException("truncated or corrupt image: " + message(e), e);
        } catch (RuntimeException e) {
            // Some plugins signal corrupt data with runtime exceptions (index out of bounds, ...).
            throw new ImageDecodeException("truncated or corrupt image: " + message(e), e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("image too large to decode in the available memory", e);
        } finally {
            reader.dispose();
        }
    }

    static int subsampling(int width, int height, int neededShortSide) {
        if (neededShortSide <= 0 || (long) width * height <= SUBSAMPLE_ABOVE_PIXELS) {
            return 1;
        }
        int factor = Math.min(width, height) / (neededShortSide * SUBSAMPLE_MARGIN);
        return Math.max(1, factor);
    }

    private static boolean isJpeg(String format) {
        return format.equals("jpeg") || format.equals("jpg");
    }

    private static void checkFile(Path file) throws ImageDecodeException {
        if (Files.isDirectory(file)) {
            throw new ImageDecodeException("is a directory: " + file);
        }
        if (!Files.exists(file)) {
            throw new ImageDecodeException("file not found: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new ImageDecodeException("permission denied: " + file);
        }
    }

    private static byte[] readHead(Path file) throws ImageDecodeException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(EXIF_SCAN_BYTES);
        } catch (IOException e) {
            throw new ImageDecodeException(describeIo(file, e), e);
        }
    }

    private static String describeIo(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "file not found: " + file;
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + file;
        }
        String m = message(e);
        if (m.toLowerCase(Locale.ROOT).contains("permission denied")) {
            return "permission denied: " + file;
        }
        if (m.toLowerCase(Locale.ROOT).contains("is a directory")) {
            return "is a directory: " + file;
        }
        return "cannot read " + file + ": " + m;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
