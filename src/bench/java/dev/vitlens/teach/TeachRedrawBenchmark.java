package dev.vitlens.teach;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.internals.InternalsSession;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Redraw time of every teaching view after a selection change (layer, head, query or patch): {@code compute} on an
 * input whose per-image work is done, plus {@code render} to a BufferedImage, which is what the workbench does on a
 * click. The targets (issue #15): one frame, 16 ms, on the bundled models; 100 ms at ViT-B/16's 196 patches.
 *
 * <p>Run after {@code mvn test-compile}:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.teach.TeachRedrawBenchmark
 * [--iterations N] [--image FILE] [MODEL_ID|PATH|synthetic-vit-b16]...} (default: the three bundled models and the
 * synthetic ViT-B/16-shaped input: 12 layers, 12 heads, 14 x 14 patches, random attentions, 1,000 classes).
 */
public final class TeachRedrawBenchmark {
    private TeachRedrawBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        BigStack.call("teach-bench", () -> {
            run(args);
            return null;
        });
    }

    private static void run(String[] args) throws Exception {
        int iterations = 40;
        Path image = Path.of("assets/samples/fashion-0000-ankle-boot.png");
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--image" -> image = Path.of(args[++i]);
                default -> targets.add(args[i]);
            }
        }
        if (targets.isEmpty()) {
            targets = List.of("vit-fashion", "beit-fashion", "deit-mask", "synthetic-vit-b16");
        }
        System.out.printf(Locale.ROOT, "%d CPUs, Java %s, load average %.1f; %d redraws per view, selection cycling"
                        + " layer, head, patch and query%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), java.lang.management.ManagementFactory
                        .getOperatingSystemMXBean().getSystemLoadAverage(), iterations);
        for (String target : targets) {
            TeachInput input;
            if (target.equals("synthetic-vit-b16")) {
                ModelInfo model = Synthetic.model(Family.VIT, 14, 16, 12, 12, 768, 1000);
                input = Synthetic.input(model, 1);
            } else {
                ModelInfo info = ModelCatalog.standard().resolve(target).require();
                RgbImage decoded = ImageDecoder.decode(image, Preprocessor.forModel(info).neededShortSide()).image();
                try (InternalsSession session = InternalsSession.open(info, RunnerOptions.defaults())) {
                    long t0 = System.nanoTime();
                    input = TeachInputs.load(session, decoded, TeachInputs.ALL);
                    System.out.printf(Locale.ROOT, "%s: forward pass and lens %.1f ms%n", target,
                            (System.nanoTime() - t0) / 1e6);
                }
            }
            long p0 = System.nanoTime();
            TeachingViews.prepare(input);
            System.out.printf(Locale.ROOT, "%s (%d patches, %d layers x %d heads): per-image preparation %.1f ms%n",
                    target, input.layout().patches(), input.layout().layers(), input.layout().heads(),
                    (System.nanoTime() - p0) / 1e6);
            for (TeachingView view : TeachingViews.ALL) {
                if (view.unavailable(input).isPresent()) {
                    System.out.printf(Locale.ROOT, "  %-20s not available: %s%n", view.name(),
                            view.unavailable(input).get());
                    continue;
                }
                double[] compute = new double[iterations];
                double[] total = new double[iterations];
                for (int i = -5; i < iterations; i++) {
                    TeachInput moved = input.withSelection(selection(input, i + 5));
                    long t0 = System.nanoTime();
                    ViewData data = view.compute(moved);
                    long t1 = System.nanoTime();
                    data.render();
                    long t2 = System.nanoTime();
                    if (i >= 0) {
                        compute[i] = (t1 - t0) / 1e6;
                        total[i] = (t2 - t0) / 1e6;
                    }
                }
                System.out.printf(Locale.ROOT, "  %-20s compute median %6.2f ms; compute + render median %6.2f ms,"
                        + " p95 %6.2f, max %6.2f%n", view.name(), median(compute), median(total),
                        percentile(total, 0.95), Arrays.stream(total).max().orElse(0));
            }
        }
    }

    /** The i-th selection of a cycle that changes layer, head, patch and query in turn. */
    private static TeachSelection selection(TeachInput input, int i) {
        var l = input.layout();
        TeachSelection s = input.selection();
        return switch (i % 4) {
            case 0 -> s.withLayer(i / 4 % l.layers());
            case 1 -> s.withHead(i / 4 % l.heads());
            case 2 -> s.withPatch((i * 7) % l.patches());
            default -> s.withQuery((i * 5) % l.tokens());
        };
    }

    private static double median(double[] v) {
        return percentile(v, 0.5);
    }

    private static double percentile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(q * (s.length - 1) + 0.5))];
    }
}
