package dev.vitlens.ui.viewmodel;

/**
 * Whose attention the map shows: which token's row of the attention matrix.
 *
 * @param row patch row for {@link Kind#PATCH}, else -1
 * @param col patch column for {@link Kind#PATCH}, else -1
 */
public record QueryChoice(Kind kind, int row, int col) {

    public enum Kind { AUTO, CLS, DISTILLATION, MEAN, PATCH }

    public static final QueryChoice AUTO = new QueryChoice(Kind.AUTO, -1, -1);
    public static final QueryChoice CLS = new QueryChoice(Kind.CLS, -1, -1);
    public static final QueryChoice DISTILLATION = new QueryChoice(Kind.DISTILLATION, -1, -1);
    public static final QueryChoice MEAN = new QueryChoice(Kind.MEAN, -1, -1);

    public static QueryChoice patch(int row, int col) {
        return new QueryChoice(Kind.PATCH, row, col);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "Auto (family default)";
            case CLS -> "[CLS] token";
            case DISTILLATION -> "[DIST] token";
            case MEAN -> "Mean of patches";
            case PATCH -> "Patch (" + row + ", " + col + ")";
        };
    }
}
