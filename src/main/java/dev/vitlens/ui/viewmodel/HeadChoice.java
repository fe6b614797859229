package dev.vitlens.ui.viewmodel;

/**
 * Which attention heads to look at: one head, or a reduction over all heads.
 *
 * @param head head index for {@link Kind#SINGLE}, else -1
 */
public record HeadChoice(Kind kind, int head) {

    public enum Kind { MEAN, MAX, MIN, SINGLE }

    public static final HeadChoice MEAN = new HeadChoice(Kind.MEAN, -1);
    public static final HeadChoice MAX = new HeadChoice(Kind.MAX, -1);
    public static final HeadChoice MIN = new HeadChoice(Kind.MIN, -1);

    public static HeadChoice single(int head) {
        return new HeadChoice(Kind.SINGLE, head);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MEAN -> "Mean of heads";
            case MAX -> "Max of heads";
            case MIN -> "Min of heads";
            case SINGLE -> "Head " + head;
        };
    }
}
