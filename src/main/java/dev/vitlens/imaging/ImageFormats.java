package dev.vitlens.imaging;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The file-name extensions of the formats {@link ImageDecoder} decodes: the JDK's ImageIO readers plus the
 * TwelveMonkeys plugins in pom.xml (JPEG, WebP, TIFF, BMP). Used wherever a folder is searched for images: the
 * CLI, the workbench and the live folder source. The decoder itself goes by content, so a file opened by name
 * decodes whatever its extension.
 */
public final class ImageFormats {
    /**
     * Lower case, without the dot. {@code jfif} is a JPEG. No PNM/PGM/PPM: nothing on the class path reads them
     * ({@code ImageFormatsTest} checks the set against the decoder both ways).
     */
    public static final Set<String> EXTENSIONS =
            Set.of("png", "jpg", "jpeg", "jfif", "bmp", "gif", "webp", "tif", "tiff");

    private static final String RASTER_FIRST = ": export or convert it to PNG or JPEG first";

    /**
     * Image files a folder scan finds but nothing on the class path decodes, with what the user can do. A scan lists
     * them with this reason instead of skipping them, so a user never loses sight of a file they dropped. Kept apart
     * from {@link #EXTENSIONS} because {@code ImageFormatsTest} holds that set to exactly what decodes.
     */
    private static final Map<String, String> UNREADABLE = Map.ofEntries(
            Map.entry("svg", "SVG is a vector drawing, not pixels" + RASTER_FIRST),
            Map.entry("svgz", "SVG is a vector drawing, not pixels" + RASTER_FIRST),
            Map.entry("heic", "HEIC/HEIF photos are not supported" + RASTER_FIRST),
            Map.entry("heif", "HEIC/HEIF photos are not supported" + RASTER_FIRST),
            Map.entry("avif", "AVIF images are not supported" + RASTER_FIRST),
            Map.entry("jxl", "JPEG XL images are not supported" + RASTER_FIRST),
            Map.entry("jp2", "JPEG 2000 images are not supported" + RASTER_FIRST),
            Map.entry("psd", "Photoshop documents are not supported" + RASTER_FIRST),
            Map.entry("ppm", "Netpbm images are not supported" + RASTER_FIRST),
            Map.entry("pgm", "Netpbm images are not supported" + RASTER_FIRST),
            Map.entry("pbm", "Netpbm images are not supported" + RASTER_FIRST),
            Map.entry("pnm", "Netpbm images are not supported" + RASTER_FIRST),
            Map.entry("cr2", "camera raw files are not supported" + RASTER_FIRST),
            Map.entry("cr3", "camera raw files are not supported" + RASTER_FIRST),
            Map.entry("nef", "camera raw files are not supported" + RASTER_FIRST),
            Map.entry("arw", "camera raw files are not supported" + RASTER_FIRST),
            Map.entry("orf", "camera raw files are not supported" + RASTER_FIRST),
            Map.entry("rw2", "camera raw files are not supported" + RASTER_FIRST),
            Map.entry("raf", "camera raw files are not supported" + RASTER_FIRST));

    private ImageFormats() {
    }

    /** What a folder scan lists: readable images and the image formats ViTLens reports as unreadable. */
    public static boolean isImageFile(Path file) {
        return hasImageExtension(file) || unreadableReason(file).isPresent();
    }

    /**
     * Why an image file of a format ViTLens cannot decode is not shown ({@code logo.svg}: "SVG is a vector drawing,
     * ..."), or empty for readable formats and for files that are not images at all.
     */
    public static Optional<String> unreadableReason(Path file) {
        return extension(file).map(UNREADABLE::get);
    }

    private static Optional<String> extension(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return dot > 0 ? Optional.of(s.substring(dot + 1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** Whether the file name ends in one of {@link #EXTENSIONS}, in any case ({@code IMG_0001.JPG}). */
    public static boolean hasImageExtension(Path file) {
        return extension(file).filter(EXTENSIONS::contains).isPresent();
    }
}
