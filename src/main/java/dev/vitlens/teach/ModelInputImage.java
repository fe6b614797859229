package dev.vitlens.teach;

import java.awt.image.BufferedImage;

/** The image as the model saw it (its input resolution, normalisation undone), for patch pickers and exports. */
public final class ModelInputImage {

    private ModelInputImage() {
    }

    public static BufferedImage of(TeachInput input) {
        int h = input.model().inputHeight();
        int w = input.model().inputWidth();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, InputPicture.rgb(input.internals()), 0, w);
        return image;
    }
}
