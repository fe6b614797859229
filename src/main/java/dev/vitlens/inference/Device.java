package dev.vitlens.inference;

import java.util.Locale;

/** Where to run: {@code AUTO} tries CUDA and falls back to the CPU; {@code CUDA} fails if CUDA is unusable. */
public enum Device {
    AUTO, CPU, CUDA;

    public static Device parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown device \"" + text + "\" (expected auto, cpu or cuda)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
