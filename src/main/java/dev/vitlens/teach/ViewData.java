package dev.vitlens.teach;

import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * What a teaching view computed for one input and selection. Implementations are records whose components are the
 * numbers behind the picture: Jackson writes them as the view's {@code --format json} document (components marked
 * {@code @JsonIgnore} are drawing context, not numbers). The picture is drawn from those numbers alone.
 */
public interface ViewData {

    /** The recorded picture; {@link #render()} and {@link #svg()} draw it. */
    Sketch sketch();

    /** The picture as an RGB image (CLI PNG; the workbench copies its pixels into an FX image). */
    default BufferedImage render() {
        return sketch().toImage();
    }

    /** The picture as SVG for views that are charts; empty for maps and images (see {@link TeachingView#chart()}). */
    default Optional<String> svg() {
        return Optional.empty();
    }

    /** A few plain lines for {@code --format text}. */
    String summary();
}
