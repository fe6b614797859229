package dev.vitlens.cli;

import dev.vitlens.camera.BlazeFaceDetector;
import dev.vitlens.camera.FaceDetector;
import dev.vitlens.camera.FaceFinder;
import java.util.Locale;
import picocli.CommandLine;

/** The {@code --detector} values of the commands that find faces. */
enum DetectorChoice {
    blazeface, cascade, thorough;

    /** @param minScore BlazeFace's threshold, or {@code null} for its default; ignored by the cascades */
    FaceFinder.Config settings(Float minScore) {
        return switch (this) {
            case blazeface -> minScore == null ? BlazeFaceDetector.Settings.defaults()
                    : BlazeFaceDetector.Settings.defaults().withMinScore(minScore);
            case cascade -> FaceDetector.Settings.live();
            case thorough -> FaceDetector.Settings.thorough();
        };
    }

    /** Accepts {@code live}, the cascade preset's name before BlazeFace became the default. */
    static final class Converter implements CommandLine.ITypeConverter<DetectorChoice> {
        @Override
        public DetectorChoice convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("live")) {
                return cascade;
            }
            try {
                return DetectorChoice.valueOf(v);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected blazeface, cascade or thorough, got '"
                        + value + "'");
            }
        }
    }
}
