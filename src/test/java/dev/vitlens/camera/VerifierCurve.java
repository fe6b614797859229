package dev.vitlens.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import org.opencv.core.Mat;

/**
 * {@code DetectorCurve --verifier [--wallpapers LIST]}: BlazeFace with the {@link FaceVerifier} by detector score and
 * verifier probability. Each image runs as the detector runs it (fill 1.0, then the rescue pass at 0.6 from the same
 * content); per pass and score threshold, the merged detections from that threshold are cut and scored by the
 * detector's own {@link BlazeFaceDetector#verifierScores}, so "detected" below is exactly whether {@code find} with
 * {@code withMinScore(t).withVerifier(v)} returns a face (counts, no times); detections from
 * {@link FaceVerifier#TRUSTED_SCORE} pass unasked, as in the detector.
 * <p>
 * Only images the verifier never saw are counted: the face-mask images of odd file index (it trained on the even
 * ones), the 500 {@link NonFaceImages} (the astronaut photo and the Fashion-MNIST test images never appear in its
 * training), and crops of the odd-numbered wallpapers. The operating point is chosen on one part (face index = 1 mod
 * 4, even no-face indexes) and reported on the other (3 mod 4, odd no-face indexes).
 */
final class VerifierCurve {

    static final float[] THRESHOLDS = {0.4f, 0.45f, 0.5f, 0.55f, 0.6f, 0.65f, 0.7f};
    static final float[] VERIFIER = {0f, 0.05f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f};

    /** Per pass (0: fill 1.0, 1: rescue fill 0.6) and threshold, the best verifier probability; -1: no detection. */
    record Img(int index, float[][] best) {
        boolean detected(int t, float v) {
            return best[0][t] >= v || best[1][t] >= v;
        }
    }

    private VerifierCurve() {
    }

    static void run(List<Path> with, List<Path> without, List<NonFaceImages.Group> negatives, Path wallpapers)
            throws Exception {
        List<String> names = new ArrayList<>(List.of("with_mask tight", "without_mask tight", "with_mask framed",
                "without_mask framed"));
        List<List<Img>> sets = new ArrayList<>();
        List<Img> allNeg = new ArrayList<>();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(DetectorCurve.baseSettings().withVerifier(0.5f))) {
            sets.add(files(d, with, false));
            sets.add(files(d, without, false));
            sets.add(files(d, with, true));
            sets.add(files(d, without, true));
            for (NonFaceImages.Group g : negatives) {
                List<Img> s = new ArrayList<>();
                for (int i = 0; i < g.images().size(); i++) {
                    s.add(score(d, g.images().get(i), i));
                }
                names.add("no-face: " + (g.name().startsWith("Fashion") ? "Fashion-MNIST"
                        : g.name().startsWith("astronaut") ? "photo crops" : "synthetic"));
                sets.add(s);
                allNeg.addAll(s.stream().map(x -> new Img(allNeg.size() + x.index(), x.best())).toList());
            }
            names.add("no-face: all");
            sets.add(allNeg);
            if (wallpapers != null) {
                List<Path> walls = Files.readAllLines(wallpapers).stream().filter(s -> !s.isBlank()).map(Path::of)
                        .toList();
                List<Img> s = new ArrayList<>();
                for (int w = 1; w < walls.size(); w += 2) {
                    for (Mat m : VerifierCrops.wallpaperCrops(walls.get(w), VerifierCrops.WALLPAPER_CROPS, w)) {
                        s.add(score(d, m, s.size()));
                        m.release();
                    }
                }
                names.add("wallpaper crops (held out)");
                sets.add(s);
            }
        }
        int faceSets = 4;
        int allIndex = names.indexOf("no-face: all");
        // The verifier trained on other Fashion-MNIST images, so the wallpapers (other photos than its training
        // ones) must meet the false-positive limit too.
        int wallIndex = names.indexOf("wallpaper crops (held out)");
        IntPredicate faceHeldOut = i -> i % 2 == 1;
        System.out.printf(Locale.ROOT, "%nBlazeFace (fill 1.0, rescue fill 0.6) + face verifier, held-out images only"
                + " (face-mask odd indexes; all no-face images)%n%n");
        header(names);
        for (int t = 0; t < THRESHOLDS.length; t++) {
            for (float v : VERIFIER) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.2f | %s |", THRESHOLDS[t],
                        v == 0 ? "off" : String.format(Locale.ROOT, "%.2f", v)));
                for (int s = 0; s < sets.size(); s++) {
                    row.append(' ').append(rate(sets.get(s), s < faceSets ? faceHeldOut : i -> true, t, v)).append(" |");
                }
                System.out.println(row);
            }
        }
        // Choose on one part, report on the other.
        IntPredicate chooseFace = i -> i % 4 == 1;
        IntPredicate reportFace = i -> i % 4 == 3;
        IntPredicate chooseNeg = i -> i % 2 == 0;
        IntPredicate reportNeg = i -> i % 2 == 1;
        int bestT = -1;
        float bestV = 0;
        double bestKey = -1;
        for (int t = 0; t < THRESHOLDS.length; t++) {
            for (float v : VERIFIER) {
                double neg = share(sets.get(allIndex), chooseNeg, t, v);
                double walls = wallIndex < 0 ? 0 : share(sets.get(wallIndex), chooseNeg, t, v);
                double unmasked = share(sets.get(1), chooseFace, t, v);
                if (neg > 0.02 || walls > 0.02 || unmasked < 0.97) {
                    continue;
                }
                double key = share(sets.get(0), chooseFace, t, v) * 1e4 + share(sets.get(2), chooseFace, t, v);
                if (key > bestKey) {
                    bestKey = key;
                    bestT = t;
                    bestV = v;
                }
            }
        }
        if (bestT < 0) {
            System.out.println("\nno point meets no-face <= 2% (both sets) and without_mask >= 97% on the choosing part");
            return;
        }
        System.out.printf(Locale.ROOT, "%nChosen on face index 1 mod 4 and even no-face indexes (no-face <= 2%% in"
                + " the 500 and in the wallpaper crops, without_mask >= 97%%, then the most with_mask tight, then"
                + " framed): score %.2f, verifier %.2f%n%n",
                THRESHOLDS[bestT], bestV);
        header(names);
        for (int part = 0; part < 3; part++) {
            IntPredicate f = part == 0 ? chooseFace : part == 1 ? reportFace : faceHeldOut;
            IntPredicate n = part == 0 ? chooseNeg : part == 1 ? reportNeg : i -> true;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.2f | %.2f (%s) |",
                    THRESHOLDS[bestT], bestV, part == 0 ? "choosing part" : part == 1 ? "reporting part"
                            : "all held out"));
            for (int s = 0; s < sets.size(); s++) {
                row.append(' ').append(rate(sets.get(s), s < faceSets ? f : n, bestT, bestV)).append(" |");
            }
            System.out.println(row);
        }
    }

    private static void header(List<String> names) {
        System.out.println("| score | verifier | " + String.join(" | ", names) + " |");
        System.out.println("|---|---|" + "---|".repeat(names.size()));
    }

    private static List<Img> files(BlazeFaceDetector d, List<Path> files, boolean framed) {
        List<Img> out = new ArrayList<>();
        for (int i = 1; i < files.size(); i += 2) {
            Mat m = DetectorCurve.read(files.get(i), framed);
            if (m != null) {
                out.add(score(d, m, i));
                m.release();
            }
        }
        return out;
    }

    static Img score(BlazeFaceDetector d, Mat m, int index) {
        float[][] best = new float[2][THRESHOLDS.length];
        BlazeFaceDetector.Pass whole = d.run(m, 1.0);
        BlazeFaceDetector.Pass rescue = d.rerun(whole, d.settings().rescueFill());
        BlazeFaceDetector.Pass[] passes = {whole, rescue};
        for (int p = 0; p < 2; p++) {
            for (int t = 0; t < THRESHOLDS.length; t++) {
                List<BlazeFaceDecoder.Detection> ds = BlazeFaceDetector.candidates(passes[p], THRESHOLDS[t],
                        d.settings().iouThreshold());
                // A trusted detection counts as a verifier probability of 1 (the detector does not ask).
                float b = -1;
                List<BlazeFaceDecoder.Detection> asked = new ArrayList<>();
                for (BlazeFaceDecoder.Detection x : ds) {
                    if (x.score() >= FaceVerifier.TRUSTED_SCORE) {
                        b = 1;
                    } else {
                        asked.add(x);
                    }
                }
                if (b < 1 && !asked.isEmpty()) {
                    for (float x : d.verifierScores(m, passes[p].letterbox(), asked)) {
                        b = Math.max(b, x);
                    }
                }
                best[p][t] = b;
            }
        }
        return new Img(index, best);
    }

    /** {detected, counted} over the images of {@code set} in {@code part}. */
    private static int[] count(List<Img> set, IntPredicate part, int t, float v) {
        int n = 0;
        int hit = 0;
        for (Img im : set) {
            if (part.test(im.index())) {
                n++;
                hit += im.detected(t, v) ? 1 : 0;
            }
        }
        return new int[] {hit, n};
    }

    private static double share(List<Img> set, IntPredicate part, int t, float v) {
        int[] c = count(set, part, t, v);
        return c[1] == 0 ? 0 : (double) c[0] / c[1];
    }

    private static String rate(List<Img> set, IntPredicate part, int t, float v) {
        int[] c = count(set, part, t, v);
        return DetectorCurve.fraction(c[0], c[1]);
    }
}
