package dev.vitlens.fewshot;

import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Teaches a backbone new classes from a few images: features of every image, then a ridge head fitted with
 * leave-one-out λ ({@link RidgeClassifier}). The one implementation behind {@code vitlens fewshot train} and the
 * workbench's Few-shot page. An image that cannot be decoded is left out with a warning; a class left with no
 * image stops training.
 */
public final class FewShotTrainer {

    /** Progress after each image: {@code done} of {@code total}, the last one handled. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (done, total, name) -> { };

        void progress(int done, int total, String name);
    }

    /** Images per inference call: large enough to amortise the call, small enough to keep memory low. */
    static final int BATCH = 16;

    private FewShotTrainer() {
    }

    /**
     * @param cancelled checked before every image; when it turns true training stops with
     *                  {@link CancellationException}
     * @throws FewShotException when a class is left without a readable image
     * @throws InferenceException when the backbone fails
     */
    public static FewShotResult train(FeatureExtractor extractor, TrainingSet set, Listener listener,
                                      BooleanSupplier cancelled) throws FewShotException, InferenceException {
        Listener progress = listener == null ? Listener.NONE : listener;
        BooleanSupplier stop = cancelled == null ? () -> false : cancelled;
        long start = System.nanoTime();
        List<String> warnings = new ArrayList<>(set.warnings());
        List<float[]> features = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<List<String>> used = new ArrayList<>();
        int total = set.size();
        int done = 0;
        List<RgbImage> batch = new ArrayList<>(BATCH);
        List<Integer> batchLabels = new ArrayList<>(BATCH);
        for (int k = 0; k < set.classes().size(); k++) {
            ClassExamples c = set.classes().get(k);
            List<String> names = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            for (Example e : c.examples()) {
                if (stop.getAsBoolean()) {
                    throw new CancellationException("few-shot training cancelled");
                }
                try {
                    batch.add(e.load(extractor.neededShortSide()));
                    batchLabels.add(k);
                    names.add(e.name());
                } catch (ImageDecodeException ex) {
                    unreadable.add(ex.getMessage());
                    warnings.add(ex.getMessage() + " (left out)");
                }
                done++;
                if (batch.size() == BATCH) {
                    extract(extractor, batch, batchLabels, features, labels);
                }
                progress.progress(done, total, e.name());
            }
            if (names.isEmpty()) {
                throw new FewShotException("class \"" + c.name() + "\" has no readable image: "
                        + String.join("; ", unreadable));
            }
            used.add(names);
        }
        extract(extractor, batch, batchLabels, features, labels);
        double featureSeconds = (System.nanoTime() - start) / 1e9;

        long t0 = System.nanoTime();
        float[][] x = features.toArray(new float[0][]);
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        int classes = set.classes().size();
        RidgeClassifier.Fit fit = RidgeClassifier.fit(x, y, classes);
        double fitMillis = (System.nanoTime() - t0) / 1e6;
        int[][] confusion = new int[classes][classes];
        for (int i = 0; i < y.length; i++) {
            confusion[y[i]][fit.looPredicted()[i]]++;
        }
        if (!fit.chosenByLoo()) {
            warnings.add("every class has one image, so the regulariser could not be chosen by leave-one-out: "
                    + "the default (λ = " + RidgeClassifier.DEFAULT_RELATIVE_LAMBDA + " x the mean feature variance) "
                    + "was used and no accuracy can be estimated");
        }
        return new FewShotResult(extractor.backbone().id(), extractor.description(), set.labels(), used, fit,
                confusion, x[0].length, warnings, featureSeconds, fitMillis);
    }

    private static void extract(FeatureExtractor extractor, List<RgbImage> batch, List<Integer> batchLabels,
                                List<float[]> features, List<Integer> labels) throws InferenceException {
        if (batch.isEmpty()) {
            return;
        }
        float[][] f = extractor.features(batch);
        for (int i = 0; i < f.length; i++) {
            features.add(f[i]);
            labels.add(batchLabels.get(i));
        }
        batch.clear();
        batchLabels.clear();
    }
}
