package dev.vitlens.teach;

/**
 * A predict-then-reveal question of the {@link Lesson}: the student answers by picking a patch or a layer before
 * the step's picture is shown, then sees how close they were. The correct answer comes from the model's numbers.
 */
public interface Question {

    /** What the student picks. */
    enum Pick { PATCH, LAYER }

    Pick pick();

    /** The question, for this input ("Click the patch you think [CLS] attends to most in the last layer."). */
    String prompt(TeachInput input);

    /**
     * @param picked a patch (row-major over the grid) or a layer (0-based), as {@link #pick()} says
     * @throws IllegalArgumentException when the input lacks what the answer needs (the message says why)
     */
    Answer check(TeachInput input, int picked);

    /** The answer in one sentence, for a lesson saved as slides ("[CLS] attends most to patch (3, 4), 12.5%."). */
    String solution(TeachInput input);

    /**
     * @param right    whether the pick was right (or close enough to count, as the feedback says)
     * @param correct  the right patch or layer
     * @param feedback one or two sentences for the student
     */
    record Answer(boolean right, int correct, String feedback) {
    }
}
