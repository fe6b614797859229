package dev.vitlens.teach;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The guided lesson "from pixels to prediction": the teaching views in the order a transformer uses them, each with
 * a few plain sentences for a student about <em>this</em> model and, where it fits, a question to answer before the
 * picture is shown. The workbench steps through it; {@link LessonExport} writes it as one HTML page.
 */
public final class Lesson {

    /** The views in lesson order, by registry name. */
    public static final List<String> ORDER = List.of("patchify", "filters", "position-similarity", "tokens", "heads",
            "attention-distance", "logit-lens", "prediction");

    /** Each view's short name, as the lesson's headings and the workbench's list of views show it. */
    private static final java.util.Map<String, String> HEADINGS = java.util.Map.of("patchify", "Patchify",
            "filters", "Patch embedding", "position-similarity", "Position", "tokens", "Special tokens",
            "heads", "Attention", "attention-distance", "Attention distance", "logit-lens", "Logit lens",
            "prediction", "Prediction");

    private Lesson() {
    }

    /** "Logit lens" for {@code logit-lens}; the registry name for a view the lesson does not know. */
    public static String heading(String view) {
        return HEADINGS.getOrDefault(view, view);
    }

    /**
     * One step of the lesson.
     *
     * @param view     the registry name of the view it shows
     * @param heading  a short heading ("1. Patchify")
     * @param text     a few sentences for a student, with this model's numbers
     * @param question asked before the picture is revealed, or empty
     */
    public record Step(String view, String heading, String text, Optional<Question> question) {
    }

    /** The lesson for {@code input}'s model (the texts name its grid, width, layers and tokens). */
    public static List<Step> steps(TeachInput input) {
        TokenLayout l = input.layout();
        Family family = input.family();
        int p = l.patchSize();
        String grid = l.gridHeight() + " x " + l.gridWidth();
        List<Step> steps = new ArrayList<>();
        steps.add(step(steps, "patchify", String.format(Locale.ROOT,
                "A Vision Transformer does not read pixels one by one. It cuts the image into a grid of %s square "
                        + "patches of %d x %d pixels and flattens each patch into one list of %d numbers (3 colour "
                        + "channels x %d x %d). From here on the model works with %d patch tokens, the way a language "
                        + "model works with words.", grid, p, p, 3 * p * p, p, p, l.patches()), null));
        steps.add(step(steps, "filters", String.format(Locale.ROOT,
                "Every flattened patch is multiplied by the same learned matrix, which turns its %d numbers into one "
                        + "vector. Each row of that matrix is a filter: a small %d x %d pattern the model measures in "
                        + "every patch. The tiles show the filters' main directions (their first principal "
                        + "components), as in Figure 7 of the ViT paper: mostly smooth blobs, stripes and edges.",
                3 * p * p, p, p), null));
        steps.add(step(steps, "position-similarity", family == Family.BEIT
                ? "A patch vector alone does not say where the patch was. BEiT has no position embeddings added to "
                        + "the patches. Instead every attention layer adds a learned bias that depends only on the "
                        + "offset between two patches (how many rows and columns apart they are). The maps show that "
                        + "bias for each offset, per head: bright means a head likes to look in that direction."
                : "A patch vector alone does not say where the patch was, so the model adds a learned position "
                        + "embedding to each patch. Nobody told it about rows and columns, yet after training "
                        + "neighbouring patches have similar embeddings. Each small map shows how similar one patch's "
                        + "position embedding is to every other patch's (Figure 7, centre). Click a patch to see its map.",
                null));
        steps.add(step(steps, "tokens", switch (family) {
            case VIT -> "Besides the patches, ViT adds one extra token, [CLS], that shows no part of the image. Layer "
                    + "by layer it gathers information from the patches, and at the end the classifier reads only "
                    + "[CLS] to make its prediction.";
            case DEIT -> "DeiT adds two extra tokens: [CLS], trained to match the true labels, and [DIST], trained to "
                    + "copy a teacher network's answers. The chart shows how similar the two become layer by layer, "
                    + "and what each token's own classifier head predicts; the model's answer is their average.";
            case BEIT -> "BEiT keeps a [CLS] token in the sequence, but its classifier does not read it: it averages "
                    + "all patch tokens (mean pooling) and classifies that average. Every patch has a say.";
        }, null));
        String query = l.prefixTokens() > 0 ? "[CLS]" : "the centre patch";
        steps.add(step(steps, "heads", String.format(Locale.ROOT,
                "In every layer each token decides how much to look at every other token: that is attention. The "
                        + "model has %d layers with %d heads each, and every head can look for something different. "
                        + "The grid shows where %s looks in every head of every layer. These are raw attention "
                        + "weights, before any rollout or averaging: each small map sums to 1.",
                l.layers(), l.heads(), query), new MostAttendedPatch()));
        steps.add(step(steps, "attention-distance",
                "How far does a head look? For every patch, take the distance in pixels to each patch it attends to, "
                        + "weighted by the attention, and average over all patches: that is the head's mean attention "
                        + "distance. In the ViT paper some heads look far already in the first layers, while others "
                        + "stay local; deeper layers look further.", null));
        steps.add(step(steps, "logit-lens",
                "What would the model answer if it stopped early? The logit lens applies the model's own final "
                        + "read-out (its last norm, pooling and classifier) to every layer's hidden state. The chart "
                        + "shows the class probabilities layer by layer; the last layer is exactly the model's answer. "
                        + "The map shows what each patch alone would vote for at the chosen layer.",
                new FirstSureLayer()));
        steps.add(step(steps, "prediction",
                "The final answer: the read-out of the last layer, turned into probabilities by a softmax. The bars "
                        + "show the most likely classes. Go back to any step and click patches or layers to see how "
                        + "the model got here.", null));
        return List.copyOf(steps);
    }

    private static Step step(List<Step> before, String view, String text, Question question) {
        return new Step(view, (before.size() + 1) + ". " + heading(view), text, Optional.ofNullable(question));
    }
}
