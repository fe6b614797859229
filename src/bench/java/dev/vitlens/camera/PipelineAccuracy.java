package dev.vitlens.camera;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Accuracy of the live path on the face-mask model's validation images (never trained on; listed in the model's
 * {@code split.json}): each image goes through the pipeline's per-frame work (detect, crop with margin, classify; the
 * centre crop when no face is found) and the largest face's label is compared with the image's folder. Rows compare
 * the detector presets with classifying the whole image and with the centre crop alone.
 *
 * <pre>
 * java -cp ... dev.vitlens.camera.PipelineAccuracy [--model deit-mask] [--data ../shared/data/face-mask]
 *      [--split models/deit-mask/split.json]
 * </pre>
 */
public final class PipelineAccuracy {

    private PipelineAccuracy() {
    }

    public static void main(String[] args) throws Exception {
        Thread t = new Thread(null, () -> {
            try {
                run(args);
            } catch (Exception e) {
                System.err.println("PipelineAccuracy failed: " + e);
                System.exit(1);
            }
        }, "vitlens-accuracy", LivePipeline.THREAD_STACK_BYTES);
        t.start();
        t.join();
    }

    private static void run(String[] args) throws Exception {
        String model = "deit-mask";
        Path data = Path.of("../shared/data/face-mask");
        Path split = Path.of("models/deit-mask/split.json");
        String detectors = "all";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--data" -> data = Path.of(args[++i]);
                case "--split" -> split = Path.of(args[++i]);
                case "--detector" -> detectors = args[++i];
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "\nusage: PipelineAccuracy [--model ID|DIR] [--data DIR] [--split FILE]"
                            + " [--detector all|blazeface|cascade]");
                    System.exit(2);
                }
            }
        }
        if (!Files.isRegularFile(split) || !Files.isDirectory(data)) {
            System.err.println("Need the split list " + split + " and the data set " + data);
            System.exit(1);
        }
        JsonNode val = new ObjectMapper().readTree(split.toFile()).get("val");
        List<String> files = new ArrayList<>();
        val.forEach(n -> files.add(n.asText()));
        OpenCvNatives.ensureLoaded();
        ModelInfo info = ModelCatalog.standard().resolve(model).require();
        Map<String, LiveOptions> modes = new LinkedHashMap<>();
        if (!detectors.equals("blazeface")) {
            LiveOptions cascades = LiveOptions.defaults().withRender(false).withDetector(FaceDetector.Settings.live());
            modes.put("pipeline, live detector (crop margin 0.2)", cascades.withCropMargin(0.2));
            modes.put("pipeline, thorough detector", cascades.withCropMargin(0.2)
                    .withDetector(FaceDetector.Settings.thorough()));
            for (double margin : new double[] {0.0, 0.1, 0.3, 0.4}) {
                modes.put("pipeline, live detector, crop margin " + margin, cascades.withCropMargin(margin));
            }
        }
        if (!detectors.equals("cascade")) {
            for (double margin : new double[] {0.0, 0.1, 0.2, 0.3, 0.4}) {
                modes.put("pipeline, BlazeFace, crop margin " + margin, LiveOptions.defaults().withRender(false)
                        .withCropMargin(margin));
            }
            // The photo settings: the same detector on the whole square input instead of the trimmed one.
            modes.put("pipeline, BlazeFace on the square input (photos), crop margin 0.1", LiveOptions.defaults()
                    .withRender(false).withDetector(BlazeFaceDetector.Settings.forPhotos()));
        }
        try (ModelFaceClassifier classifier = ModelFaceClassifier.open(info, RunnerOptions.on(Device.CPU))) {
            System.out.printf(Locale.ROOT, "model %s, %d validation images from %s%n%n", info.id(), files.size(), split);
            System.out.println("| path | with_mask accuracy | without_mask accuracy | overall | face detected |");
            System.out.println("|---|---|---|---|---|");
            row("whole image (no detection)", files, data, frame -> {
                Box all = new Box(0, 0, frame.cols(), frame.rows());
                return new Prediction(classifier.classify(List.of(FaceFrameProcessor.toImage(frame, all))).get(0)
                        .label(), false);
            });
            row("centre crop only (70% of the shorter side)", files, data, frame -> {
                Box c = Box.centerSquare(frame.cols(), frame.rows(), LiveOptions.defaults().fallbackFraction());
                return new Prediction(classifier.classify(List.of(FaceFrameProcessor.toImage(frame, c))).get(0)
                        .label(), false);
            });
            for (Map.Entry<String, LiveOptions> mode : modes.entrySet()) {
                try (FaceFrameProcessor p = new FaceFrameProcessor(classifier, null, mode.getValue())) {
                    long[] index = {0};
                    row(mode.getKey(), files, data, frame -> {
                        FrameResult r = p.process(new Frame(index[0]++, System.nanoTime(), frame), 0, 0);
                        FaceResult first = r.faces().get(0);
                        return new Prediction(first.label(), !first.fallback());
                    });
                }
            }
        }
    }

    private record Prediction(String label, boolean faceDetected) {
    }

    private interface Path2Prediction {
        Prediction predict(Mat frame) throws Exception;
    }

    private static void row(String name, List<String> files, Path data, Path2Prediction how) throws Exception {
        Map<String, int[]> perLabel = new LinkedHashMap<>();
        int detected = 0;
        int total = 0;
        for (String f : files) {
            String truth = f.substring(0, f.indexOf('/'));
            Mat frame = Imgcodecs.imread(data.resolve(f).toString(), Imgcodecs.IMREAD_COLOR);
            if (frame.empty()) {
                continue;
            }
            Prediction p = how.predict(frame);
            frame.release();
            int[] c = perLabel.computeIfAbsent(truth, k -> new int[2]);
            c[1]++;
            if (truth.equals(p.label())) {
                c[0]++;
            }
            if (p.faceDetected()) {
                detected++;
            }
            total++;
        }
        int[] w = perLabel.getOrDefault("with_mask", new int[2]);
        int[] wo = perLabel.getOrDefault("without_mask", new int[2]);
        System.out.printf(Locale.ROOT, "| %s | %.1f%% (%d/%d) | %.1f%% (%d/%d) | %.1f%% | %.1f%% |%n", name,
                pct(w), w[0], w[1], pct(wo), wo[0], wo[1], 100.0 * (w[0] + wo[0]) / Math.max(1, w[1] + wo[1]),
                100.0 * detected / Math.max(1, total));
    }

    private static double pct(int[] c) {
        return c[1] == 0 ? 0 : 100.0 * c[0] / c[1];
    }
}
