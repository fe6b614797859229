package dev.vitlens.camera;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vitlens.inference.OnnxGraph;
import dev.vitlens.onnx.StaticQuantization;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The INT8 BlazeFace ({@link BlazeFaceInt8}) against the fp32 one it is made from (both after {@code ChannelBlocks}).
 *
 * <pre>
 * java -Xss16m -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.camera.BlazeFaceInt8Check \
 *      [--data ../shared/data/face-mask] [--calibrate src/main/resources/dev/vitlens/camera/face_detection_front_128x128_int8_ranges.txt]
 *      [--calibrate-every 20] [--percentile 100] [--every 4] [--offset 1] [--rounds 200] [--no-timing]
 * </pre>
 * <ul>
 *   <li>{@code --calibrate FILE}: measures the activation ranges (min/max over every run) on every
 *       {@code calibrate-every}-th image of both classes (file indexes 0, 20, 40...: even indexes only), each
 *       letterboxed as the detector does at fill 1.0 and at the rescue fill 0.6, and writes them to FILE;</li>
 *   <li>always: the operators ONNX Runtime runs after its optimisations, for both graphs (is the QDQ fused?);</li>
 *   <li>detections: {@code find()} at the default settings on every {@code every}-th image from {@code offset}
 *       (default 1, 5, 9...: odd indexes, none used for calibration), per class: images with a face at score
 *       &ge; 0.65 for each model, and for detections matched across the two (IoU &ge; 0.5) the mean |score
 *       difference| and the mean and smallest box IoU;</li>
 *   <li>timing (unless {@code --no-timing}): the model run alone (ONNX Runtime, one intra-op thread) on 20
 *       letterboxed images, fp32 and int8 interleaved image by image for {@code rounds} rounds, order alternating;
 *       medians, their ratio, and the load average before and after (the ratio is what to read on a loaded
 *       machine).</li>
 * </ul>
 */
public final class BlazeFaceInt8Check {

    private static final List<String> OUTPUTS = List.of(BlazeFaceDetector.SCORES_8, BlazeFaceDetector.SCORES_16,
            BlazeFaceDetector.BOXES_8, BlazeFaceDetector.BOXES_16);
    private static final long[] SHAPE = {1, 128, 128, 3};

    private BlazeFaceInt8Check() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of("../shared/data/face-mask");
        Path calibrateTo = null;
        int calibrateEvery = 20;
        double percentile = 100;
        int every = 4;
        int offset = 1;
        int rounds = 200;
        boolean timing = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--calibrate" -> calibrateTo = Path.of(args[++i]);
                case "--calibrate-every" -> calibrateEvery = Integer.parseInt(args[++i]);
                case "--percentile" -> percentile = Double.parseDouble(args[++i]);
                case "--every" -> every = Integer.parseInt(args[++i]);
                case "--offset" -> offset = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--no-timing" -> timing = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        OpenCvNatives.ensureLoaded();
        byte[] fp32;
        try (InputStream in = BlazeFaceDetector.class.getResourceAsStream(BlazeFaceDetector.RESOURCE)) {
            fp32 = in.readAllBytes();
        }
        List<String> sets = List.of("with_mask", "without_mask");
        if (calibrateTo != null) {
            calibrate(fp32, data, sets, calibrateEvery, percentile, calibrateTo);
            return;
        }
        byte[] blocked = BlazeFaceInt8.blocked(fp32).toByteArray();
        byte[] int8 = BlazeFaceInt8.quantize(fp32);
        System.out.println("operators after ORT's optimisations (level ALL, 1 thread):");
        System.out.println("  fp32 (blocked): " + BlazeFaceInt8.optimizedOperators(blocked));
        System.out.println("  int8 (QDQ):     " + BlazeFaceInt8.optimizedOperators(int8));

        compare(data, sets, every, offset);
        if (timing) {
            time(data, sets, blocked, int8, rounds);
        }
    }

    /** One calibration run's outputs, by tensor index. */
    private interface RunSink {
        void accept(int tensor, float[] values);
    }

    /** Runs the probe graph on every calibration input; returns {images, runs}. */
    private static int[] calibrationRuns(OnnxGraph g, BlazeFaceDetector d, Path data, List<String> sets, int every,
                                         List<String> tensors, RunSink sink) throws Exception {
        int images = 0;
        int runs = 0;
        for (String set : sets) {
            List<Path> files = DetectorCurve.files(data.resolve(set));
            for (int i = 0; i < files.size(); i += every) {
                if (i % 2 != 0) {
                    continue;
                }
                Mat m = Imgcodecs.imread(files.get(i).toString());
                if (m.empty()) {
                    continue;
                }
                images++;
                Letterbox whole = Letterbox.of(m.cols(), m.rows(), 128, 1.0);
                Letterbox rescue = Letterbox.of(m.cols(), m.rows(), 128, 0.6);
                for (int pass = 0; pass < 2; pass++) {
                    // one input buffer: the rescue input (resized from the first pass's content) after the first run
                    FloatBuffer in = pass == 0 ? d.toInput(m, whole) : d.toSmallerInput(rescue);
                    Map<String, float[]> o = g.run(BlazeFaceDetector.INPUT, in, SHAPE, tensors);
                    for (int t = 0; t < tensors.size(); t++) {
                        sink.accept(t, o.get(tensors.get(t)));
                    }
                    runs++;
                }
                m.release();
            }
        }
        return new int[] {images, runs};
    }

    /**
     * @param percentile 100: min and max over every run; less (e.g. 99.99): the (100 - p)% and p% quantiles of all
     *                   values of each tensor, from a 4096-bin histogram over its min..max (a second pass)
     */
    private static void calibrate(byte[] fp32, Path data, List<String> sets, int every, double percentile, Path out)
            throws Exception {
        ModelProto blocked = BlazeFaceInt8.prepared(fp32);
        List<String> tensors = StaticQuantization.calibrationTensors(blocked);
        byte[] probe = StaticQuantization.withOutputs(blocked, tensors).toByteArray();
        int n = tensors.size();
        float[] min = new float[n];
        float[] max = new float[n];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        int[] counts;
        final int bins = 4096;
        long[][] hist = new long[n][bins];
        try (OnnxGraph g = OnnxGraph.load("calibration", probe, 1);
             BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults())) {
            counts = calibrationRuns(g, d, data, sets, every, tensors, (t, v) -> {
                for (float x : v) {
                    min[t] = Math.min(min[t], x);
                    max[t] = Math.max(max[t], x);
                }
            });
            if (percentile < 100) {
                calibrationRuns(g, d, data, sets, every, tensors, (t, v) -> {
                    double w = (max[t] - min[t]) / bins;
                    for (float x : v) {
                        int b = w > 0 ? (int) Math.min(bins - 1, (x - min[t]) / w) : 0;
                        hist[t][b]++;
                    }
                });
            }
        }
        Map<String, StaticQuantization.Range> ranges = new LinkedHashMap<>();
        for (int t = 0; t < n; t++) {
            float lo = min[t];
            float hi = max[t];
            if (percentile < 100) {
                long total = Arrays.stream(hist[t]).sum();
                double tail = total * (100 - percentile) / 100;
                double w = (max[t] - min[t]) / bins;
                long acc = 0;
                int b = 0;
                while (b < bins - 1 && acc + hist[t][b] <= tail) {
                    acc += hist[t][b++];
                }
                lo = (float) (min[t] + b * w);
                acc = 0;
                b = bins - 1;
                while (b > 0 && acc + hist[t][b] <= tail) {
                    acc += hist[t][b--];
                }
                hi = (float) (min[t] + (b + 1) * w);
                lo = Math.max(lo, min[t]);
                hi = Math.min(hi, max[t]);
            }
            ranges.put(tensors.get(t), new StaticQuantization.Range(lo, hi));
        }
        String how = percentile < 100 ? String.format(Locale.ROOT, "the %.4g%% and %.4g%% quantiles of all values",
                100 - percentile, percentile) : "min, max over every run";
        String header = String.format(Locale.ROOT, """
                Activation ranges (%s) of BlazeFace front 128 after ChannelBlocks and equalisation, for
                StaticQuantization. Written by dev.vitlens.camera.BlazeFaceInt8Check --calibrate (src/bench/java):
                %d face-mask images (every %d-th of with_mask and without_mask, even file indexes), each letterboxed
                at fill 1.0 and at the rescue fill 0.6: %d runs. Tensor<TAB>min<TAB>max.""", how, counts[0], every,
                counts[1]);
        Files.writeString(out, StaticQuantization.formatRanges(ranges, header), StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%d ranges from %d images (%d runs, %s) written to %s%n", ranges.size(),
                counts[0], counts[1], how, out);
    }

    private static void compare(Path data, List<String> sets, int every, int offset) throws Exception {
        BlazeFaceDetector.Settings s = BlazeFaceDetector.Settings.defaults();
        System.out.printf(Locale.ROOT, "%nDetections at the default settings (%s), every %d-th image from index %d:%n",
                s.describe(), every, offset);
        System.out.println("| set | images | fp32: with a face | int8: with a face | difference (points) "
                + "| matched detections | mean abs score diff | mean score diff (int8 - fp32) | max abs score diff | mean IoU "
                + "| min IoU |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        try (BlazeFaceDetector f = BlazeFaceDetector.open(s);
             BlazeFaceDetector q = BlazeFaceDetector.open(s.withInt8(true))) {
            for (String set : sets) {
                List<Path> files = DetectorCurve.files(data.resolve(set));
                int n = 0;
                int foundF = 0;
                int foundQ = 0;
                int matched = 0;
                double scoreDiff = 0;
                double signedDiff = 0;
                double maxScoreDiff = 0;
                double iouSum = 0;
                double iouMin = 1;
                for (int i = offset; i < files.size(); i += every) {
                    Mat m = Imgcodecs.imread(files.get(i).toString());
                    if (m.empty()) {
                        continue;
                    }
                    n++;
                    List<DetectedFace> a = f.find(m);
                    List<DetectedFace> b = q.find(m);
                    foundF += a.isEmpty() ? 0 : 1;
                    foundQ += b.isEmpty() ? 0 : 1;
                    for (DetectedFace x : a) {
                        DetectedFace best = null;
                        double bestIou = 0;
                        for (DetectedFace y : b) {
                            double iou = x.box().iou(y.box());
                            if (iou > bestIou) {
                                bestIou = iou;
                                best = y;
                            }
                        }
                        if (best != null && bestIou >= 0.5) {
                            matched++;
                            double diff = Math.abs(x.score() - best.score());
                            scoreDiff += diff;
                            signedDiff += best.score() - x.score();
                            maxScoreDiff = Math.max(maxScoreDiff, diff);
                            iouSum += bestIou;
                            iouMin = Math.min(iouMin, bestIou);
                        }
                    }
                    m.release();
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %.1f%% (%d) | %.1f%% (%d) | %+.1f | %d | %.4f | %+.4f | %.4f | %.4f "
                                + "| %.4f |%n", set, n, 100.0 * foundF / n, foundF, 100.0 * foundQ / n, foundQ,
                        100.0 * (foundQ - foundF) / n, matched, scoreDiff / Math.max(1, matched), signedDiff / Math.max(1, matched), maxScoreDiff,
                        iouSum / Math.max(1, matched), iouMin);
            }
        }
    }

    private static void time(Path data, List<String> sets, byte[] blocked, byte[] int8, int rounds) throws Exception {
        List<float[]> inputs = new ArrayList<>();
        try (BlazeFaceDetector d = BlazeFaceDetector.open(BlazeFaceDetector.Settings.defaults())) {
            for (String set : sets) {
                List<Path> files = DetectorCurve.files(data.resolve(set));
                for (int i = 1; i < files.size() && inputs.size() < (set.equals(sets.get(0)) ? 10 : 20); i += 97) {
                    Mat m = Imgcodecs.imread(files.get(i).toString());
                    float[] x = new float[128 * 128 * 3];
                    d.toInput(m, Letterbox.of(m.cols(), m.rows(), 128, 1.0)).get(x);
                    inputs.add(x);
                    m.release();
                }
            }
        }
        String loadBefore = loadAverage();
        Map<String, double[]> ms = new HashMap<>();
        try (OnnxGraph f = OnnxGraph.load("fp32 blocked", blocked, 1);
             OnnxGraph q = OnnxGraph.load("int8", int8, 1)) {
            List<OnnxGraph> graphs = List.of(f, q);
            FloatBuffer buf = java.nio.ByteBuffer.allocateDirect(128 * 128 * 3 * 4)
                    .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            for (int warm = 0; warm < 20; warm++) {
                for (OnnxGraph g : graphs) {
                    g.run(BlazeFaceDetector.INPUT, fill(buf, inputs.get(warm % inputs.size())), SHAPE, OUTPUTS);
                }
            }
            int total = rounds * inputs.size();
            double[] tf = new double[total];
            double[] tq = new double[total];
            int k = 0;
            for (int r = 0; r < rounds; r++) {
                for (float[] x : inputs) {
                    for (int j = 0; j < 2; j++) {
                        boolean fp32First = (r + k) % 2 == 0;
                        OnnxGraph g = (j == 0) == fp32First ? f : q;
                        fill(buf, x);
                        long t0 = System.nanoTime();
                        g.run(BlazeFaceDetector.INPUT, buf, SHAPE, OUTPUTS);
                        double t = (System.nanoTime() - t0) / 1e6;
                        (g == f ? tf : tq)[k] = t;
                    }
                    k++;
                }
            }
            ms.put("fp32", tf);
            ms.put("int8", tq);
        }
        String loadAfter = loadAverage();
        double mf = median(ms.get("fp32"));
        double mq = median(ms.get("int8"));
        System.out.printf(Locale.ROOT, "%nModel run alone, 1 intra-op thread, %d rounds x %d images interleaved:%n",
                rounds, inputs.size());
        System.out.printf(Locale.ROOT, "  fp32 (blocked) median %.3f ms (p10 %.3f, p90 %.3f)%n", mf,
                quantile(ms.get("fp32"), 0.1), quantile(ms.get("fp32"), 0.9));
        System.out.printf(Locale.ROOT, "  int8 (QDQ)     median %.3f ms (p10 %.3f, p90 %.3f)%n", mq,
                quantile(ms.get("int8"), 0.1), quantile(ms.get("int8"), 0.9));
        System.out.printf(Locale.ROOT, "  ratio fp32 / int8: %.2f%n", mf / mq);
        System.out.println("  load average before: " + loadBefore + "; after: " + loadAfter);
    }

    private static FloatBuffer fill(FloatBuffer buf, float[] x) {
        buf.clear();
        buf.put(x);
        buf.flip();
        return buf;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[(int) Math.min(s.length - 1, Math.floor(q * s.length))];
    }
}
