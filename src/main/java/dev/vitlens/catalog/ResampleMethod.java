package dev.vitlens.catalog;

import java.util.Optional;

/** PIL resampling filters, identified by the integer codes Hugging Face stores in {@code resample}. */
public enum ResampleMethod {
    NEAREST(0),
    LANCZOS(1),
    BILINEAR(2),
    BICUBIC(3),
    BOX(4),
    HAMMING(5);

    private final int pilCode;

    ResampleMethod(int pilCode) {
        this.pilCode = pilCode;
    }

    public int pilCode() {
        return pilCode;
    }

    public static Optional<ResampleMethod> fromPilCode(int code) {
        for (ResampleMethod m : values()) {
            if (m.pilCode == code) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
