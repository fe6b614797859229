package dev.vitlens.fewshot;

import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.RgbImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One training image of a class: a file, or pixels already in memory (pasted, a webcam snapshot).
 *
 * @param name  shown in messages and the training record: the file's path, or a name such as "snapshot 3"
 * @param file  the file, or null for an image in memory
 * @param image the pixels, or null for a file (decoded when features are extracted)
 */
public record Example(String name, Path file, RgbImage image) {
    public Example {
        Objects.requireNonNull(name);
        if ((file == null) == (image == null)) {
            throw new IllegalArgumentException("an example is either a file or an image in memory");
        }
    }

    public static Example of(Path file) {
        return new Example(file.toString(), file, null);
    }

    public static Example of(String name, RgbImage image) {
        return new Example(name, null, image);
    }

    /** The pixels, decoding the file keeping at least {@code neededShortSide} pixels on the short side. */
    public RgbImage load(int neededShortSide) throws ImageDecodeException {
        return image != null ? image : ImageDecoder.decode(file, neededShortSide).image();
    }
}
