package dev.vitlens.ui.viewmodel;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * An image ready for the model, with where it came from.
 *
 * @param source       the file, or null for a pasted image
 * @param name         what to call it on screen
 * @param decodeMillis time spent decoding
 */
public record DecodedImage(Path source, String name, BufferedImage image, double decodeMillis) {
}
