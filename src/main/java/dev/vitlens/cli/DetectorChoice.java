package dev.vitlens.cli;

import dev.vitlens.camera.BlazeFaceDetector;
import dev.vitlens.camera.FaceDetector;
import dev.vitlens.camera.FaceFinder;
import java.util.Locale;
import picocli.CommandLine;

/** The {@code --detector} values of the commands that find faces. */
enum DetectorChoice {
    blazeface, cascade, thorough;

    /**
     * @param minScore BlazeFace's threshold, or {@code null} for its default; ignored by the cascades
     * @param verifier the face verifier's minimum probability (0: off), or {@code null} for its default; ignored by
     *                 the cascades
     * @param photos   BlazeFace's settings for still photos ({@link BlazeFaceDetector.Settings#forPhotos()}) rather
     *                 than for live frames
     */
    FaceFinder.Config settings(Float minScore, Float verifier, boolean photos) {
        return switch (this) {
            case blazeface -> {
                BlazeFaceDetector.Settings s = photos ? BlazeFaceDetector.Settings.forPhotos()
                        : BlazeFaceDetector.Settings.defaults();
                s = minScore == null ? s : s.withMinScore(minScore);
                yield verifier == null ? s : s.withVerifier(verifier);
            }
            case cascade -> FaceDetector.Settings.live();
            case thorough -> FaceDetector.Settings.thorough();
        };
    }

    /** The usage error for an out-of-range {@code --detector-threshold} or {@code --face-verifier}, or null. */
    static String checkRanges(Float minScore, Float verifier) {
        if (minScore != null && !(minScore >= 0 && minScore <= 1)) {
            return "--detector-threshold must be between 0 and 1";
        }
        if (verifier != null && !(verifier >= 0 && verifier < 1)) {
            return "--face-verifier must be at least 0 (off) and below 1";
        }
        return null;
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
