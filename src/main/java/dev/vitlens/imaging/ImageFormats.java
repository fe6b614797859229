package dev.vitlens.imaging;

import java.nio.file.Path;
import java.util.Locale;
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

    private ImageFormats() {
    }

    /** Whether the file name ends in one of {@link #EXTENSIONS}, in any case ({@code IMG_0001.JPG}). */
    public static boolean hasImageExtension(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(s.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
