package dev.vitlens.camera;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.opencv.core.Mat;

/**
 * {@code DetectorCurve --second-opinion}: the {@link SecondOpinion} rules by half. Each image is run as the detector
 * runs it (fill 1.0, then the rescue pass at fill 0.6 resized from the 1.0 content); every merged detection from each
 * band's lower edge gets its flip score and its zoom scores (each zoom factor), computed by the detector's own methods,
 * so every rule below is what {@link BlazeFaceDetector#find} with that rule returns (counts, not times). Rules are
 * chosen on the first half (even indexes) and reported on the second (odd, held out). Measured without the face
 * verifier (it came later, and is measured by {@link VerifierCurve}).
 */
final class SecondOpinionCurve {

    static final float[] LOWS = {0.5f, 0.55f};
    static final float[] HIGHS = {0.7f, 0.75f, 0.8f, 0.85f, 0.9f};
    static final double[] ZOOMS = {1.6, 2.2};
    /** Scores from here on are never re-checked (the largest band edge). */
    static final float MAX_HIGH = 0.9f;
    static final double MATCH_IOU = 0.5;

    /** One merged detection: its score and the votes (NaN when not computed: score at or above {@link #MAX_HIGH}). */
    record Cand(float score, float flip, float[] zoom) {
    }

    /** One image: per pass (0 = fill 1.0, 1 = rescue fill 0.6) and per band low, its detections. */
    record Img(int index, List<Cand>[][] cands) {
    }

    /** A rule: none (plain threshold) when votes is null. */
    record Rule(float low, float high, SecondOpinion.Votes votes, int zoom, float threshold) {
        String name() {
            if (votes == null) {
                return String.format(Locale.ROOT, "none (score >= %.2f)", threshold);
            }
            return String.format(Locale.ROOT, "%s [%.2f, %.2f)%s, combined >= %.2f",
                    votes.name().toLowerCase(Locale.ROOT).replace('_', ' '), low, high,
                    votes.zoom() ? String.format(Locale.ROOT, " zoom %.1f", ZOOMS[zoom]) : "", threshold);
        }

        boolean accepts(Cand c) {
            if (votes == null || c.score() >= high) {
                return c.score() >= threshold;
            }
            if (c.score() < low) {
                return false;
            }
            return SecondOpinion.combine(c.score(), c.flip(), votes.zoom() ? c.zoom()[zoom] : 0, votes) >= threshold;
        }

        int lowIndex() {
            for (int i = 0; i < LOWS.length; i++) {
                if (LOWS[i] == low) {
                    return i;
                }
            }
            return 0;
        }

        boolean passHit(Img im, int pass) {
            return im.cands()[pass][lowIndex()].stream().anyMatch(this::accepts);
        }

        boolean detected(Img im) {
            return passHit(im, 0) || passHit(im, 1);
        }

        /** Model passes the detector makes on this image with this rule. */
        int passes(Img im) {
            int n = 1 + extra(im, 0);
            if (!passHit(im, 0)) {
                n += 1 + extra(im, 1);
            }
            return n;
        }

        private int extra(Img im, int pass) {
            if (votes == null) {
                return 0;
            }
            long band = im.cands()[pass][lowIndex()].stream().filter(c -> c.score() >= low && c.score() < high).count();
            return (int) ((band > 0 && votes.flip() ? 1 : 0) + (votes.zoom() ? band : 0));
        }
    }

    private SecondOpinionCurve() {
    }

    static void run(List<Path> with, List<Path> without, List<NonFaceImages.Group> negatives, int sample)
            throws Exception {
        List<Img> withTight = new ArrayList<>();
        List<Img> withoutTight = new ArrayList<>();
        List<Img> withFramed = new ArrayList<>();
        List<Img> neg = new ArrayList<>();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(DetectorCurve.baseSettings().withVerifier(0))) {
            score(d, with, sample, false, withTight);
            score(d, without, sample, false, withoutTight);
            score(d, with, sample, true, withFramed);
            for (NonFaceImages.Group g : negatives) {
                for (int i = 0; i < g.images().size(); i++) {
                    neg.add(score(d, g.images().get(i), i));
                }
            }
        }
        List<List<Img>> sets = List.of(withTight, withoutTight, withFramed, neg);
        List<Rule> rules = new ArrayList<>();
        for (int t = 50; t <= 85; t++) {
            rules.add(new Rule(0, 0, null, 0, t / 100f));
        }
        for (float low : LOWS) {
            for (float high : HIGHS) {
                for (SecondOpinion.Votes v : SecondOpinion.Votes.values()) {
                    for (int z = 0; z < (v.zoom() ? ZOOMS.length : 1); z++) {
                        for (int t = 50; t <= 85; t++) {
                            rules.add(new Rule(low, high, v, z, t / 100f));
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nSecond opinion: best rule of each kind on the first half (even indexes:"
                + " no-face <= 2.0%%, without_mask >= 97%%, then the most with_mask, then the most with_mask framed),"
                + " and the same rule on the held-out second half (odd indexes)%n%n");
        System.out.println("| votes | rule | half | with_mask tight | without_mask tight | with_mask framed | no-face: all"
                + " | passes per image: tight faces / framed / no-face |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Rule chosen = null;
        double chosenScore = -1;
        for (String kind : List.of("none", "flip", "zoom 1.6", "zoom 2.2", "flip and zoom 1.6", "flip and zoom 2.2")) {
            Rule best = null;
            double bestKey = -1;
            for (Rule r : rules) {
                if (!kind(r).equals(kind)) {
                    continue;
                }
                int[] c = counts(r, sets, 0);
                List<Img> negFirst = half(neg, 0);
                List<Img> woFirst = half(withoutTight, 0);
                if (c[3] > 0.02 * negFirst.size() || c[1] < 0.97 * woFirst.size()) {
                    continue;
                }
                double key = c[0] * 1e4 + c[2];
                if (key > bestKey) {
                    bestKey = key;
                    best = r;
                }
            }
            if (best == null) {
                System.out.printf(Locale.ROOT, "| %s | (none meets the first-half limits) | | | | | | |%n", kind);
                continue;
            }
            for (int h = 0; h < 2; h++) {
                row(kind, best, h, sets);
            }
            if (!kind.equals("none") && bestKey > chosenScore) {
                chosenScore = bestKey;
                chosen = best;
            }
        }
        if (chosen == null) {
            return;
        }
        Rule c = chosen;
        System.out.printf(Locale.ROOT, "%nThe best first-half rule, %s, by combined threshold, both halves%n%n",
                c.name());
        System.out.println("| votes | rule | half | with_mask tight | without_mask tight | with_mask framed | no-face: all"
                + " | passes per image: tight faces / framed / no-face |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Rule r : rules) {
            if (r.votes() == c.votes() && r.low() == c.low() && r.high() == c.high() && r.zoom() == c.zoom()
                    && Math.round(r.threshold() * 100) % 2 == 0 && r.threshold() >= 0.56f && r.threshold() <= 0.76f) {
                for (int h = 0; h < 2; h++) {
                    row(kind(r), r, h, sets);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nAll images, %s: %s / %s / %s / %s%n", c.name(),
                rate(withTight, c), rate(withoutTight, c), rate(withFramed, c), rate(neg, c));
    }

    private static String kind(Rule r) {
        if (r.votes() == null) {
            return "none";
        }
        String v = r.votes().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return r.votes().zoom() ? String.format(Locale.ROOT, "%s %.1f", v, ZOOMS[r.zoom()]) : v;
    }

    private static void row(String kind, Rule r, int h, List<List<Img>> sets) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %s |", kind, r.name(),
                h == 0 ? "first" : "second"));
        for (List<Img> set : sets) {
            row.append(' ').append(rate(half(set, h), r)).append(" |");
        }
        List<Img> tight = new ArrayList<>(half(sets.get(0), h));
        tight.addAll(half(sets.get(1), h));
        row.append(String.format(Locale.ROOT, " %.3f / %.3f / %.3f |", passes(tight, r), passes(half(sets.get(2), h), r),
                passes(half(sets.get(3), h), r)));
        System.out.println(row);
    }

    private static double passes(List<Img> set, Rule r) {
        return set.stream().mapToInt(r::passes).average().orElse(0);
    }

    private static List<Img> half(List<Img> set, int h) {
        return set.stream().filter(i -> i.index() % 2 == h).toList();
    }

    private static int[] counts(Rule r, List<List<Img>> sets, int h) {
        int[] out = new int[sets.size()];
        for (int i = 0; i < sets.size(); i++) {
            out[i] = (int) half(sets.get(i), h).stream().filter(r::detected).count();
        }
        return out;
    }

    private static String rate(List<Img> set, Rule r) {
        Predicate<Img> hit = r::detected;
        return DetectorCurve.fraction((int) set.stream().filter(hit).count(), set.size());
    }

    private static void score(BlazeFaceDetector d, List<Path> files, int sample, boolean framed, List<Img> out) {
        for (int i = 0; i < files.size(); i += sample) {
            Mat m = DetectorCurve.read(files.get(i), framed);
            if (m != null) {
                out.add(score(d, m, i));
                m.release();
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Img score(BlazeFaceDetector d, Mat m, int index) {
        List<Cand>[][] cands = new List[2][LOWS.length];
        BlazeFaceDetector.Pass first = d.run(m, 1.0);
        cands[0] = review(d, m, first);
        BlazeFaceDetector.Pass rescue = d.rerun(first, 0.6);
        cands[1] = review(d, m, rescue);
        return new Img(index, cands);
    }

    /** As {@link BlazeFaceDetector#reviewedFaces}: candidates from each low, votes for those below MAX_HIGH. */
    @SuppressWarnings("unchecked")
    private static List<Cand>[] review(BlazeFaceDetector d, Mat m, BlazeFaceDetector.Pass pass) {
        List<Cand>[] out = new List[LOWS.length];
        List<BlazeFaceDecoder.Detection> flipped = null;
        for (int l = 0; l < LOWS.length; l++) {
            out[l] = new ArrayList<>();
            for (BlazeFaceDecoder.Detection c : BlazeFaceDetector.candidates(pass, LOWS[l], d.settings().iouThreshold())) {
                if (BlazeFaceDetector.toFrame(c, pass.letterbox()).box().area() <= 0) {
                    continue;
                }
                float flip = Float.NaN;
                float[] zoom = new float[ZOOMS.length];
                java.util.Arrays.fill(zoom, Float.NaN);
                if (c.score() < MAX_HIGH) {
                    if (flipped == null) {
                        flipped = d.flippedDetections(pass);
                    }
                    flip = SecondOpinion.bestMatch(flipped, c, MATCH_IOU);
                    for (int z = 0; z < ZOOMS.length; z++) {
                        zoom[z] = d.zoomScore(m, pass.letterbox(), c, ZOOMS[z], MATCH_IOU);
                    }
                }
                out[l].add(new Cand(c.score(), flip, zoom));
            }
        }
        return out;
    }
}
