package dev.vitlens.teach;

import dev.vitlens.catalog.TokenLayout;

import java.util.Locale;

/**
 * "Click the patch you think [CLS] attends to most in the last layer." The answer is the patch with the largest
 * attention from the query token, averaged over the last layer's heads (models without [CLS] ask about the centre
 * patch). A pick among the top 3 patches counts as right: several patches often get nearly the same share.
 */
final class MostAttendedPatch implements Question {

    static final int CLOSE_ENOUGH_RANK = 3;

    @Override
    public Pick pick() {
        return Pick.PATCH;
    }

    @Override
    public String prompt(TeachInput input) {
        return "Before you look: click the patch you think " + queryLabel(input.layout())
                + " attends to most in the last layer (averaged over its heads).";
    }

    @Override
    public Answer check(TeachInput input, int picked) {
        if (!input.internals().hasAttentions()) {
            throw new IllegalArgumentException("this question needs attention maps: " + input.whyNot(TeachNeed.ATTENTIONS));
        }
        TokenLayout l = input.layout();
        if (picked < 0 || picked >= l.patches()) {
            throw new IllegalArgumentException("patch " + picked + " is outside 0.." + (l.patches() - 1));
        }
        double[] share = lastLayerShares(input);
        int best = 0;
        for (int p = 1; p < share.length; p++) {
            if (share[p] > share[best]) {
                best = p;
            }
        }
        int rank = 1;
        for (double s : share) {
            if (s > share[picked]) {
                rank++;
            }
        }
        boolean right = rank <= CLOSE_ENOUGH_RANK;
        String where = String.format(Locale.ROOT, "patch (%d, %d)", best / l.gridWidth(), best % l.gridWidth());
        String feedback;
        if (picked == best) {
            feedback = String.format(Locale.ROOT, "Exactly: %s gets the most attention, %.1f%%.", where,
                    100 * share[best]);
        } else {
            feedback = String.format(Locale.ROOT, "%s Your patch gets %.1f%% of the attention (rank %d of %d); the "
                            + "most attended is %s with %.1f%%.", right ? "Close." : "Not quite.", 100 * share[picked],
                    rank, l.patches(), where, 100 * share[best]);
        }
        return new Answer(right, best, feedback);
    }

    @Override
    public String solution(TeachInput input) {
        if (!input.internals().hasAttentions()) {
            return "Not available: " + input.whyNot(TeachNeed.ATTENTIONS);
        }
        TokenLayout l = input.layout();
        double[] share = lastLayerShares(input);
        int best = 0;
        for (int p = 1; p < share.length; p++) {
            if (share[p] > share[best]) {
                best = p;
            }
        }
        return String.format(Locale.ROOT, "%s attends most to patch (%d, %d): %.1f%% of its attention in the last "
                + "layer, averaged over the heads.", capitalised(queryLabel(l)), best / l.gridWidth(),
                best % l.gridWidth(), 100 * share[best]);
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The query's attention to each patch in the last layer, mean over heads (prefix keys left out). */
    static double[] lastLayerShares(TeachInput input) {
        TokenLayout l = input.layout();
        float[][][] last = input.internals().attentions()[l.layers() - 1];
        int query = query(l);
        double[] share = new double[l.patches()];
        for (float[][] head : last) {
            for (int p = 0; p < l.patches(); p++) {
                share[p] += head[query][l.prefixTokens() + p] / (double) last.length;
            }
        }
        return share;
    }

    static int query(TokenLayout l) {
        return l.prefixTokens() > 0 ? 0 : l.tokenOfPatch(l.gridHeight() / 2, l.gridWidth() / 2);
    }

    private static String queryLabel(TokenLayout l) {
        return l.prefixTokens() > 0 ? "[CLS]" : "the centre patch";
    }
}
