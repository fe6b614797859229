package dev.vitlens.evaluate;

import dev.vitlens.engine.Classification;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.evaluate.EvaluationReport.ImageResult;
import dev.vitlens.evaluate.EvaluationSet.FileError;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.InferenceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Evaluates a classifier on a labelled folder ({@link EvaluationSet}): decodes every image, classifies them in
 * batches and tallies an {@link EvaluationReport}. The one implementation behind {@code vitlens evaluate} and the
 * workbench's "Evaluate Folder". A file that cannot be decoded is recorded with its reason and the run goes on; an
 * inference failure is the model's and ends the run.
 */
public final class Evaluator {

    /** Progress after each image: {@code done} of {@code total} files, the last one handled. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (done, total, file) -> { };

        void progress(int done, int total, Path file);
    }

    /** What the evaluator needs of a model: its id, the decode size and batch classification (top-1 suffices). */
    public interface Classifier {
        String modelId();

        /** The short side a decoder must keep ({@link ModelSession#neededShortSide()}). */
        int neededShortSide();

        /** One classification per image, in order, with the full probability vector. */
        List<Classification> classifyBatch(List<RgbImage> images) throws InferenceException;
    }

    public static final int DEFAULT_BATCH = 32;
    /**
     * A batch is run early once its decoded images hold this many pixels, so a folder of 12 MP photos never keeps
     * 32 full-size images (over a gigabyte) in memory at once; small images always fill the batch.
     */
    static final long MAX_BATCH_PIXELS = 48_000_000L;

    private final int batchSize;

    public Evaluator(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** A session as the evaluator's classifier. */
    public static Classifier classifier(ModelSession session) {
        return new Classifier() {
            @Override
            public String modelId() {
                return session.model().id();
            }

            @Override
            public int neededShortSide() {
                return session.neededShortSide();
            }

            @Override
            public List<Classification> classifyBatch(List<RgbImage> images) throws InferenceException {
                return session.classifyBatch(images, 1);
            }
        };
    }

    /**
     * Runs the evaluation.
     *
     * @param cancelled checked before every image; when it turns true the run stops with {@link CancellationException}
     * @throws InferenceException when the model fails on a batch (an image-specific failure while preparing a batch
     *                            is retried image by image and recorded for the file that caused it)
     */
    public EvaluationReport evaluate(EvaluationSet set, Classifier model, Listener listener, BooleanSupplier cancelled)
            throws InferenceException {
        Listener progress = listener == null ? Listener.NONE : listener;
        BooleanSupplier stop = cancelled == null ? () -> false : cancelled;
        long start = System.nanoTime();
        int total = set.imageCount();
        List<ImageResult> results = new ArrayList<>(total);
        List<FileError> errors = new ArrayList<>(set.unreadable());
        List<RgbImage> images = new ArrayList<>(batchSize);
        List<Path> files = new ArrayList<>(batchSize);
        List<Integer> truths = new ArrayList<>(batchSize);
        long pixels = 0;
        int done = 0;
        for (EvaluationSet.ClassFolder folder : set.classes()) {
            for (Path file : folder.images()) {
                if (stop.getAsBoolean()) {
                    throw new CancellationException("evaluation cancelled");
                }
                try {
                    RgbImage image = ImageDecoder.decode(file, model.neededShortSide()).image();
                    images.add(image);
                    files.add(file);
                    truths.add(folder.labelIndex());
                    pixels += (long) image.width() * image.height();
                } catch (ImageDecodeException e) {
                    errors.add(new FileError(file, e.getMessage()));
                } catch (RuntimeException e) {
                    // One odd file must not end a run of thousands.
                    errors.add(new FileError(file, "cannot read " + file + ": " + describe(e)));
                }
                done++;
                if (images.size() == batchSize || pixels >= MAX_BATCH_PIXELS) {
                    classify(model, images, files, truths, results, errors);
                    pixels = 0;
                }
                progress.progress(done, total, file);
            }
        }
        classify(model, images, files, truths, results, errors);
        double seconds = (System.nanoTime() - start) / 1e9;
        return EvaluationReport.of(model.modelId(), set, results, errors, seconds, batchSize);
    }

    /** Classifies the pending batch into {@code results} and empties it. */
    private static void classify(Classifier model, List<RgbImage> images, List<Path> files, List<Integer> truths,
                                 List<ImageResult> results, List<FileError> errors) throws InferenceException {
        if (images.isEmpty()) {
            return;
        }
        try {
            List<Classification> out = model.classifyBatch(images);
            for (int i = 0; i < out.size(); i++) {
                results.add(result(files.get(i), truths.get(i), out.get(i)));
            }
        } catch (RuntimeException batchFailure) {
            // Preparing the batch failed on some image: find it by running them one by one.
            for (int i = 0; i < images.size(); i++) {
                try {
                    results.add(result(files.get(i), truths.get(i), model.classifyBatch(List.of(images.get(i))).get(0)));
                } catch (RuntimeException e) {
                    errors.add(new FileError(files.get(i), "cannot classify " + files.get(i) + ": " + describe(e)));
                }
            }
        } finally {
            images.clear();
            files.clear();
            truths.clear();
        }
    }

    private static ImageResult result(Path file, int truth, Classification c) {
        int predicted = c.top().get(0).index();
        return new ImageResult(file, truth, predicted, c.probabilities()[predicted], c.probabilities()[truth]);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
    }
}
