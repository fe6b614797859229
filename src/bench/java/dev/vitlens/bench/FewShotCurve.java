package dev.vitlens.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.fewshot.FeatureExtractor;
import dev.vitlens.fewshot.RidgeClassifier;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.RunnerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * 1-, 5- and 10-shot accuracy of the few-shot head ({@link RidgeClassifier}, λ by leave-one-out) on each bundled
 * backbone, in-domain on Fashion-MNIST and cross-domain on the face-mask images, as docs/fewshot.md reports it.
 *
 * <p>Protocol: the shots are drawn at random (one draw per seed) from a pool of training images of each class —
 * Fashion-MNIST's training set, or the train part of {@code models/deit-mask/split.json} — and the head is scored on
 * held-out images: the first {@code --test} test images of each Fashion-MNIST class, or the whole face-mask
 * validation split. Features are computed once per image; every draw fits a new head. Prints mean ± standard
 * deviation over the draws, the median time to fit a head (the whole λ search) and the feature time per image.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.bench.FewShotCurve \
 *      [--models vit-fashion,beit-fashion,deit-mask] [--draws 20] [--pool 100] [--test 100] \
 *      [--face-mask ../shared/data/face-mask] [--threads 1]
 * </pre>
 */
public final class FewShotCurve {
    private static final int[] SHOTS = {1, 5, 10};

    record Data(String name, List<RgbImage> pool, int[] poolLabels, List<RgbImage> test, int[] testLabels,
                int classes) {
    }

    record Row(String backbone, String data, double[] mean, double[] sd, double[] fitMillis, double featureMillis,
               int testImages) {
    }

    public static void main(String[] args) throws Exception {
        List<String> models = List.of("vit-fashion", "beit-fashion", "deit-mask");
        int draws = 20;
        int pool = 100;
        int test = 100;
        int threads = 1;
        Path faceMask = Path.of("../shared/data/face-mask");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--models" -> models = List.of(args[++i].split(","));
                case "--draws" -> draws = Integer.parseInt(args[++i]);
                case "--pool" -> pool = Integer.parseInt(args[++i]);
                case "--test" -> test = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--face-mask" -> faceMask = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Data> sets = new ArrayList<>();
        sets.add(fashion(pool, test));
        if (Files.isDirectory(faceMask)) {
            sets.add(faceMask(faceMask, pool));
        } else {
            System.err.println("face-mask images not found at " + faceMask + ": cross-domain rows skipped");
        }
        List<String> chosen = models;
        int d = draws;
        int t = threads;
        List<Row> rows = BigStack.call("fewshot-curve", () -> {
            List<Row> out = new ArrayList<>();
            for (String id : chosen) {
                ModelInfo info = ModelFolder.load(Path.of("models", id));
                try (FeatureExtractor fx = FeatureExtractor.open(info, RunnerOptions.defaults().withThreads(t, 1))) {
                    for (Data data : sets) {
                        out.add(measure(fx, data, d));
                        System.err.println("done: " + id + " on " + data.name());
                    }
                }
            }
            return out;
        });
        System.out.printf(Locale.ROOT, "%d draws per cell; pool %d per class; %s%n", draws, pool,
                "accuracy on held-out images, mean ± sd over draws");
        System.out.println("| backbone | data (test images) | 1-shot | 5-shot | 10-shot | fit ms (1 / 5 / 10-shot, median) | "
                + "features ms/image |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %s (%d) |", r.backbone(), r.data(),
                    r.testImages()));
            for (int s = 0; s < SHOTS.length; s++) {
                line.append(String.format(Locale.ROOT, " %.1f%% ± %.1f |", 100 * r.mean()[s], 100 * r.sd()[s]));
            }
            line.append(String.format(Locale.ROOT, " %.2f / %.2f / %.2f | %.2f |", r.fitMillis()[0], r.fitMillis()[1],
                    r.fitMillis()[2], r.featureMillis()));
            System.out.println(line);
        }
    }

    private static Row measure(FeatureExtractor fx, Data data, int draws) throws Exception {
        long t0 = System.nanoTime();
        float[][] pool = features(fx, data.pool());
        double featureMillis = (System.nanoTime() - t0) / 1e6 / data.pool().size();
        float[][] test = features(fx, data.test());
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < data.classes(); k++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < data.poolLabels().length; i++) {
            byClass.get(data.poolLabels()[i]).add(i);
        }
        double[] mean = new double[SHOTS.length];
        double[] sd = new double[SHOTS.length];
        double[] fitMedian = new double[SHOTS.length];
        for (int s = 0; s < SHOTS.length; s++) {
            double[] acc = new double[draws];
            double[] fit = new double[draws];
            for (int draw = 0; draw < draws; draw++) {
                Random random = new Random(1000L * SHOTS[s] + draw);
                List<float[]> x = new ArrayList<>();
                List<Integer> y = new ArrayList<>();
                for (int k = 0; k < data.classes(); k++) {
                    List<Integer> members = new ArrayList<>(byClass.get(k));
                    Collections.shuffle(members, random);
                    for (int i = 0; i < SHOTS[s]; i++) {
                        x.add(pool[members.get(i)]);
                        y.add(k);
                    }
                }
                long f0 = System.nanoTime();
                RidgeClassifier.Fit head = RidgeClassifier.fit(x.toArray(new float[0][]),
                        y.stream().mapToInt(Integer::intValue).toArray(), data.classes());
                fit[draw] = (System.nanoTime() - f0) / 1e6;
                int right = 0;
                for (int i = 0; i < test.length; i++) {
                    float[] scores = head.scores(test[i]);
                    int arg = 0;
                    for (int k = 1; k < scores.length; k++) {
                        arg = scores[k] > scores[arg] ? k : arg;
                    }
                    right += arg == data.testLabels()[i] ? 1 : 0;
                }
                acc[draw] = (double) right / test.length;
            }
            mean[s] = Arrays.stream(acc).average().orElse(Double.NaN);
            double var = 0;
            for (double a : acc) {
                var += (a - mean[s]) * (a - mean[s]);
            }
            sd[s] = draws > 1 ? Math.sqrt(var / (draws - 1)) : 0;
            Arrays.sort(fit);
            fitMedian[s] = fit[draws / 2];
        }
        return new Row(fx.backbone().id(), data.name(), mean, sd, fitMedian, featureMillis, data.test().size());
    }

    private static float[][] features(FeatureExtractor fx, List<RgbImage> images) throws Exception {
        float[][] out = new float[images.size()][];
        for (int i = 0; i < images.size(); i += 32) {
            float[][] part = fx.features(images.subList(i, Math.min(images.size(), i + 32)));
            System.arraycopy(part, 0, out, i, part.length);
        }
        return out;
    }

    /** The first {@code pool} training and {@code test} test images of each class. */
    private static Data fashion(int pool, int test) throws Exception {
        Path dir = FashionMnist.DEFAULT_DIR;
        if (!FashionMnist.available(dir)) {
            throw new IllegalStateException("Fashion-MNIST not found in " + dir + " (apt install dataset-fashion-mnist)");
        }
        List<RgbImage> p = new ArrayList<>();
        List<Integer> pl = new ArrayList<>();
        perClass(FashionMnist.trainSet(dir, 60_000), pool, p, pl);
        List<RgbImage> t = new ArrayList<>();
        List<Integer> tl = new ArrayList<>();
        perClass(FashionMnist.testSet(dir, 10_000), test, t, tl);
        return new Data("Fashion-MNIST", p, pl.stream().mapToInt(Integer::intValue).toArray(), t,
                tl.stream().mapToInt(Integer::intValue).toArray(), FashionMnist.LABELS.size());
    }

    private static void perClass(List<FashionMnist.Sample> samples, int each, List<RgbImage> images,
                                 List<Integer> labels) {
        int[] taken = new int[FashionMnist.LABELS.size()];
        for (FashionMnist.Sample s : samples) {
            if (taken[s.label()] < each) {
                taken[s.label()]++;
                images.add(s.image());
                labels.add(s.label());
            }
        }
    }

    /** Pool: {@code pool} random images of each class from the train split; test: the whole validation split. */
    private static Data faceMask(Path root, int pool) throws Exception {
        JsonNode split = new ObjectMapper().readTree(Path.of("models/deit-mask/split.json").toFile());
        List<String> classes = List.of("with_mask", "without_mask");
        List<RgbImage> p = new ArrayList<>();
        List<Integer> pl = new ArrayList<>();
        Random random = new Random(7);
        for (int k = 0; k < classes.size(); k++) {
            List<String> members = new ArrayList<>();
            for (JsonNode rel : split.get("train")) {
                if (rel.asText().startsWith(classes.get(k) + "/")) {
                    members.add(rel.asText());
                }
            }
            Collections.shuffle(members, random);
            for (String rel : members.subList(0, Math.min(pool, members.size()))) {
                p.add(ImageDecoder.decode(root.resolve(rel), 224).image());
                pl.add(k);
            }
        }
        List<RgbImage> t = new ArrayList<>();
        List<Integer> tl = new ArrayList<>();
        for (JsonNode rel : split.get("val")) {
            int k = rel.asText().startsWith("with_mask/") ? 0 : 1;
            t.add(ImageDecoder.decode(root.resolve(rel.asText()), 224).image());
            tl.add(k);
        }
        return new Data("face-mask", p, pl.stream().mapToInt(Integer::intValue).toArray(), t,
                tl.stream().mapToInt(Integer::intValue).toArray(), classes.size());
    }
}
