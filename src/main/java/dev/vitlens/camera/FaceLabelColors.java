package dev.vitlens.camera;

import java.util.Locale;

/**
 * The colour of a face's box and label, the same in the Live tab and the Images tab: green for a mask, red for no
 * mask, grey when the classifier is unsure; other classes of other face classifiers get a colour of their own.
 */
public final class FaceLabelColors {

    public static final int MASK = 0x2ECC71;
    public static final int NO_MASK = 0xE74C3C;
    public static final int OTHER = 0x3498DB;
    public static final int UNCERTAIN = 0xB0B0B0;
    /** For classes other than mask / no mask, by class index; none of them is green, red or grey. */
    private static final int[] PALETTE = {OTHER, 0xF39C12, 0x9B59B6, 0x1ABC9C, 0xF1C40F, 0xE67E22, 0x34495E};

    private FaceLabelColors() {
    }

    /**
     * 0xRRGGBB for a face labelled {@code label} (null when classification failed).
     *
     * @param classIndex the label's class index, or -1 when unknown (then every other class is {@link #OTHER})
     * @param confident  whether the label's probability reached the confidence threshold
     */
    public static int rgb(String label, int classIndex, boolean confident) {
        if (label == null || !confident) {
            return UNCERTAIN;
        }
        String l = label.toLowerCase(Locale.ROOT);
        if (l.startsWith("with_mask") || l.equals("mask")) {
            return MASK;
        }
        if (l.startsWith("without") || l.startsWith("no_mask") || l.startsWith("no mask")) {
            return NO_MASK;
        }
        return classIndex < 0 ? OTHER : PALETTE[classIndex % PALETTE.length];
    }
}
