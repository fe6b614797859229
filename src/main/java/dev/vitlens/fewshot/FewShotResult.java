package dev.vitlens.fewshot;

import java.util.List;

/**
 * A fitted few-shot head and how well it does by leave-one-out cross-validation.
 *
 * @param backboneId         the backbone's catalogue id
 * @param featureDescription what the features are
 * @param labels             class names, the new model's labels in order
 * @param examples           per class, the names of the images used (unreadable ones left out)
 * @param head               the ridge fit (weights, bias, λ, leave-one-out predictions)
 * @param confusion          leave-one-out confusion matrix, {@code confusion[truth][predicted]}
 * @param featureWidth       F
 * @param warnings           what the user should know (files left out, classes with one image)
 * @param featureSeconds     time to decode the images and compute their features
 * @param fitMillis          time to fit the head (all λ included)
 */
public record FewShotResult(String backboneId, String featureDescription, List<String> labels,
                            List<List<String>> examples, RidgeClassifier.Fit head, int[][] confusion,
                            int featureWidth, List<String> warnings, double featureSeconds, double fitMillis) {

    public FewShotResult {
        labels = List.copyOf(labels);
        examples = examples.stream().map(List::copyOf).toList();
        warnings = List.copyOf(warnings);
    }

    public int count(int label) {
        return examples.get(label).size();
    }

    public int size() {
        return examples.stream().mapToInt(List::size).sum();
    }

    /** Leave-one-out accuracy of one class, or NaN when it has a single image (leaving it out removes the class). */
    public double classAccuracy(int label) {
        int n = count(label);
        return n < 2 ? Double.NaN : (double) confusion[label][label] / n;
    }

    /** Leave-one-out accuracy over the images of classes with at least two, or NaN when there are none. */
    public double looAccuracy() {
        int counted = 0;
        int right = 0;
        for (int k = 0; k < labels.size(); k++) {
            if (count(k) >= 2) {
                counted += count(k);
                right += confusion[k][k];
            }
        }
        return counted == 0 ? Double.NaN : (double) right / counted;
    }
}
