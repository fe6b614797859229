package dev.vitlens.evaluate;

import dev.vitlens.evaluate.EvaluationSet.FileError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The outcome of evaluating a model on a labelled folder: every image's true and predicted label, the confusion
 * matrix, accuracy and per-class precision and recall. No JavaFX, no formatting: the CLI and the workbench present it.
 *
 * <p>The matrix is square over {@link #labels()}: the evaluated classes (every matched class folder, empty ones
 * included) plus any other label the model predicted, in the model's label order. Rows are the true class, columns
 * the predicted one. Files that failed are in {@link #errors()} and count nowhere else.
 */
public final class EvaluationReport {

    /**
     * One classified image; indices are the model's label indices.
     *
     * @param score     the predicted label's probability
     * @param trueScore the true label's probability
     */
    public record ImageResult(Path file, int trueIndex, int predictedIndex, float score, float trueScore) {
        public boolean correct() {
            return trueIndex == predictedIndex;
        }
    }

    /** One row of the per-class table. Precision is NaN when nothing was predicted as it, recall when it has no images. */
    public record ClassMetrics(String label, int index, int support, int predicted, int correct) {
        public double precision() {
            return predicted == 0 ? Double.NaN : (double) correct / predicted;
        }

        public double recall() {
            return support == 0 ? Double.NaN : (double) correct / support;
        }
    }

    private final String modelId;
    private final Path root;
    private final List<String> modelLabels;
    private final int[] labelIndices;
    private final boolean[] evaluated;
    private final int[][] confusion;
    private final List<ImageResult> results;
    private final List<FileError> errors;
    private final List<Path> unmatchedFolders;
    private final List<Path> emptyFolders;
    private final int looseImages;
    private final double seconds;
    private final int batchSize;

    private EvaluationReport(String modelId, EvaluationSet set, List<ImageResult> results, List<FileError> errors,
                             double seconds, int batchSize) {
        this.modelId = modelId;
        this.root = set.root();
        this.modelLabels = set.labels();
        this.results = List.copyOf(results);
        this.errors = List.copyOf(errors);
        this.unmatchedFolders = set.unmatchedFolders();
        this.emptyFolders = set.emptyFolders();
        this.looseImages = set.looseImages();
        this.seconds = seconds;
        this.batchSize = batchSize;
        TreeSet<Integer> shown = new TreeSet<>();
        set.classes().forEach(c -> shown.add(c.labelIndex()));
        results.forEach(r -> shown.add(r.predictedIndex()));
        labelIndices = shown.stream().mapToInt(Integer::intValue).toArray();
        int[] position = new int[modelLabels.size()];
        for (int i = 0; i < labelIndices.length; i++) {
            position[labelIndices[i]] = i;
        }
        evaluated = new boolean[labelIndices.length];
        set.classes().forEach(c -> evaluated[position[c.labelIndex()]] = true);
        confusion = new int[labelIndices.length][labelIndices.length];
        for (ImageResult r : results) {
            confusion[position[r.trueIndex()]][position[r.predictedIndex()]]++;
        }
    }

    /**
     * Builds the report from classified images.
     *
     * @param results one per classified image, true indices among {@code set}'s classes
     * @param errors  every file that could not be classified: the set's unreadable ones and decode failures
     */
    public static EvaluationReport of(String modelId, EvaluationSet set, List<ImageResult> results,
                                      List<FileError> errors, double seconds, int batchSize) {
        return new EvaluationReport(modelId, set, results, errors, seconds, batchSize);
    }

    public String modelId() {
        return modelId;
    }

    /** The evaluated folder. */
    public Path root() {
        return root;
    }

    /** The matrix's labels, in order (rows and columns alike). */
    public List<String> labels() {
        List<String> out = new ArrayList<>(labelIndices.length);
        for (int i : labelIndices) {
            out.add(modelLabels.get(i));
        }
        return out;
    }

    /** The model's label of a model label index. */
    public String labelOf(int modelIndex) {
        return modelLabels.get(modelIndex);
    }

    /** The model's label index of matrix position {@code i}. */
    public int labelIndex(int i) {
        return labelIndices[i];
    }

    /** Whether matrix label {@code i} had a class folder (else it is there only because the model predicted it). */
    public boolean evaluated(int i) {
        return evaluated[i];
    }

    /** Images in true class {@code row} predicted as {@code col} (matrix positions). */
    public int count(int row, int col) {
        return confusion[row][col];
    }

    /** A copy of the matrix, rows = true class, columns = predicted. */
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /** Images whose true class is matrix position {@code row}. */
    public int rowTotal(int row) {
        int sum = 0;
        for (int v : confusion[row]) {
            sum += v;
        }
        return sum;
    }

    /** The files of one cell, in evaluation order. */
    public List<Path> filesIn(int row, int col) {
        int t = labelIndices[row];
        int p = labelIndices[col];
        return results.stream().filter(r -> r.trueIndex() == t && r.predictedIndex() == p).map(ImageResult::file)
                .toList();
    }

    /** Every classified image, in evaluation order (class folders in label order, files sorted). */
    public List<ImageResult> results() {
        return results;
    }

    public List<ImageResult> misclassified() {
        return results.stream().filter(r -> !r.correct()).toList();
    }

    /** Images classified (files that failed are not counted). */
    public int images() {
        return results.size();
    }

    public int correct() {
        return (int) results.stream().filter(ImageResult::correct).count();
    }

    /** Correct / classified; NaN when nothing was classified. */
    public double accuracy() {
        return results.isEmpty() ? Double.NaN : (double) correct() / results.size();
    }

    /** One entry per matrix label, in matrix order. */
    public List<ClassMetrics> perClass() {
        List<ClassMetrics> out = new ArrayList<>(labelIndices.length);
        for (int i = 0; i < labelIndices.length; i++) {
            int predicted = 0;
            for (int[] row : confusion) {
                predicted += row[i];
            }
            out.add(new ClassMetrics(modelLabels.get(labelIndices[i]), labelIndices[i], rowTotal(i), predicted,
                    confusion[i][i]));
        }
        return out;
    }

    /** Files that could not be classified, with the reason: unreadable formats, decode errors. */
    public List<FileError> errors() {
        return errors;
    }

    public List<Path> unmatchedFolders() {
        return unmatchedFolders;
    }

    public List<Path> emptyFolders() {
        return emptyFolders;
    }

    /** Image files directly in the evaluated folder, outside any class folder (not evaluated). */
    public int looseImages() {
        return looseImages;
    }

    /** Wall-clock time of decoding and classifying (model loading excluded). */
    public double seconds() {
        return seconds;
    }

    public double imagesPerSecond() {
        return seconds <= 0 ? Double.NaN : results.size() / seconds;
    }

    public int batchSize() {
        return batchSize;
    }
}
