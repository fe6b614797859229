package dev.vitlens.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.explain.AttentionRollout;
import dev.vitlens.explain.Attentions;
import dev.vitlens.explain.HeatGrid;
import dev.vitlens.explain.HeatmapRenderer;
import dev.vitlens.explain.Query;
import dev.vitlens.explain.RenderOptions;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.imaging.Preprocessor;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.engine.Prediction;
import dev.vitlens.inference.RunnerOptions;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures one model stage by stage, in one JVM:
 * <ul>
 * <li>{@code decode} PNG file to RGB, {@code preprocess} RGB to the input tensor (HF-exact);</li>
 * <li>{@code end_to_end} file in, top-k out exactly as {@code vitlens classify} does it, interleaved with
 * {@code bare_ort}: {@code session.run} of the same session on a pre-made tensor, logits only;</li>
 * <li>{@code inference_logits} our {@link ModelRunner} call for logits only;</li>
 * <li>on the explain twin ({@link DerivedModels}): {@code twin_logits}, {@code inference_attentions} (logits and
 * every head of every layer, reshaped for the explain code) and {@code inference_head_means} (logits and the
 * in-graph head means), interleaved;</li>
 * <li>{@code rollout} on all heads, {@code rollout_head_means} on the in-graph means, and {@code overlay}: the
 * heatmap rendered over the image at display size (long side at least {@value #DISPLAY_SIDE} px);</li>
 * <li>throughput of preprocess + inference + top-k at each batch size.</li>
 * </ul>
 * Each ONNX Runtime session is closed before the next one opens, so idle spinning pools never overlap.
 */
final class ModelBench {
    static final int DISPLAY_SIDE = 448;
    static final int TOP_K = 5;

    private final Harness harness;
    private final RunnerOptions options;
    private final List<Integer> batches;
    private final boolean checkOutputs;
    private final PrintWriter log;
    private final Path workDir;
    private final boolean int8Option;
    private final Path accuracyData;
    private final int accuracyImages;

    ModelBench(Harness harness, RunnerOptions options, List<Integer> batches, boolean checkOutputs, Path workDir,
               boolean int8Option, Path accuracyData, int accuracyImages, PrintWriter log) {
        this.int8Option = int8Option;
        this.accuracyData = accuracyData;
        this.accuracyImages = accuracyImages;
        this.workDir = workDir;
        this.harness = harness;
        this.options = options;
        this.batches = batches;
        this.checkOutputs = checkOutputs;
        this.log = log;
    }

    ModelResult run(ModelInfo info, Path image) throws Exception {
        Map<String, Stats> stages = new LinkedHashMap<>();
        Map<Integer, Double> throughput = new LinkedHashMap<>();
        Map<String, Double> ratios = new LinkedHashMap<>();
        Map<String, Double> check = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Map<String, Double> int8 = new LinkedHashMap<>();
        List<String> top = new ArrayList<>();
        Preprocessor preprocessor = Preprocessor.forModel(info);
        RgbImage rgb = ImageDecoder.decode(image, preprocessor.neededShortSide()).image();
        String device;

        progress(info, "decode, preprocess");
        stages.put("decode", harness.time(() -> ImageDecoder.decode(image, preprocessor.neededShortSide())));
        stages.put("preprocess", harness.time(() -> preprocessor.process(rgb)));

        try (ModelSession classifier = ModelSession.forClassification(info, options)) {
            ModelRunner runner = classifier.runner();
            device = runner.device().id();
            for (Prediction p : classifier.classify(image, TOP_K).top()) {
                top.add(String.format(Locale.ROOT, "%s %.4f", p.label(), p.score()));
            }
            FloatBuffer input = copyDirect(preprocessor.process(rgb));
            progress(info, "end to end vs bare ORT");
            OrtEnvironment env = ModelRunner.sharedEnvironment();
            OrtSession session = runner.ortSession();
            long[] shape = {1, 3, info.inputHeight(), info.inputWidth()};
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, input.duplicate(), shape)) {
                Set<String> logitsOnly = Set.of(ModelRunner.LOGITS);
                Stats[] pair = harness.interleaved(
                        () -> classifier.classify(image, TOP_K),
                        () -> {
                            try (OrtSession.Result r = session.run(Map.of(ModelRunner.INPUT, tensor), logitsOnly)) {
                                r.get(0);
                            }
                        });
                stages.put("end_to_end", pair[0]);
                stages.put("bare_ort", pair[1]);
                ratios.put("end_to_end_over_bare_ort", pair[0].medianMs() / pair[1].medianMs());
            }
            progress(info, "inference (logits)");
            stages.put("inference_logits", harness.time(() -> runner.logits(input.duplicate(), 1)));
            for (int batch : batches) {
                progress(info, "throughput at batch " + batch);
                List<RgbImage> images = Collections.nCopies(batch, rgb);
                Stats s = harness.scaledDown(batch).time(() -> classifier.classifyBatch(images, TOP_K));
                stages.put("batch_" + batch, s);
                throughput.put(batch, batch * 1000.0 / s.medianMs());
            }
        }

        if (int8Option) {
            measureInt8(info, image, rgb, preprocessor, stages, ratios, int8, notes);
        }

        progress(info, "explain twin (surgery: attentions + in-graph head means)");
        DerivedModels.Twin twin = DerivedModels.withHeadMeans(info, workDir);
        TokenLayout layout = info.layout();
        float[][][][] allHeads;
        float[][][][] means;
        try (ModelRunner runner = ModelRunner.open(twin.info(), options)) {
            FloatBuffer input = copyDirect(preprocessor.process(rgb));
            List<String> withAll = new ArrayList<>();
            withAll.add(ModelRunner.LOGITS);
            withAll.addAll(twin.attentionOutputs());
            List<String> withMeans = new ArrayList<>();
            withMeans.add(ModelRunner.LOGITS);
            withMeans.addAll(twin.meanOutputs());
            progress(info, "logits vs all heads vs head means");
            Stats[] three = harness.interleaved(
                    () -> runner.logits(input.duplicate(), 1),
                    () -> reshapeAll(runner.run(input.duplicate(), 1, withAll), twin.attentionOutputs(), layout),
                    () -> reshapeMeans(runner.run(input.duplicate(), 1, withMeans), twin.meanOutputs(), layout));
            stages.put("twin_logits", three[0]);
            stages.put("inference_attentions", three[1]);
            stages.put("inference_head_means", three[2]);
            ratios.put("attentions_over_logits", three[1].medianMs() / three[0].medianMs());
            ratios.put("head_means_over_logits", three[2].medianMs() / three[0].medianMs());
            ratios.put("twin_logits_over_plain_logits",
                    three[0].medianMs() / stages.get("inference_logits").medianMs());
            allHeads = reshapeAll(runner.run(input.duplicate(), 1, withAll), twin.attentionOutputs(), layout);
            means = reshapeMeans(runner.run(input.duplicate(), 1, withMeans), twin.meanOutputs(), layout);
            if (checkOutputs) {
                progress(info, "output check: all graph optimisations vs none");
                check.putAll(compareOptimisation(runner, twin, input));
            }
        }

        progress(info, "rollout, overlay");
        AttentionRollout rollout = AttentionRollout.standard();
        TokenLayout meanLayout = new TokenLayout(layout.prefixTokens(), layout.gridHeight(), layout.gridWidth(),
                layout.patchSize(), layout.layers(), 1);
        stages.put("rollout", harness.time(() -> rollout.compute(allHeads, layout, info.family(), Query.AUTO)));
        stages.put("rollout_head_means",
                harness.time(() -> rollout.compute(means, meanLayout, info.family(), Query.AUTO)));
        HeatGrid grid = rollout.compute(allHeads, layout, info.family(), Query.AUTO);
        BufferedImage display = displayImage(rgb);
        RenderOptions render = RenderOptions.defaults().withGridLines(true);
        stages.put("overlay", harness.time(() -> HeatmapRenderer.overlay(display, grid, render)));
        notes.add("overlay drawn at " + display.getWidth() + "x" + display.getHeight());

        return new ModelResult(info.id(), info.dir().toString(), info.family().name().toLowerCase(Locale.ROOT),
                info.inputWidth(), info.inputHeight(), layout.layers(), layout.heads(), layout.tokens(),
                image.toString(), rgb.width(), rgb.height(), device, options.intraOpThreads(), top, stages,
                throughput, ratios, check, int8, List.of(), notes);
    }

    /**
     * The INT8 option ({@link DynamicQuantization}): end to end and logits-only inference on the quantised twin,
     * speed-ups against the fp32 medians measured before, and the accuracy change on the Fashion-MNIST test set
     * for models with its ten labels (else the top-1 agreement on the bench image only).
     */
    private void measureInt8(ModelInfo info, Path image, RgbImage rgb, Preprocessor preprocessor,
                             Map<String, Stats> stages, Map<String, Double> ratios, Map<String, Double> int8,
                             List<String> notes) throws Exception {
        progress(info, "INT8 twin (dynamic quantisation of the weight MatMuls)");
        DerivedModels.Quantized q = DerivedModels.int8(info, workDir);
        notes.add("int8: " + q.matMuls() + " MatMuls quantised, weights " + q.floatMb() + " MB fp32 -> "
                + q.int8Mb() + " MB int8");
        float[] fp32Logits;
        try (ModelRunner fp32 = ModelRunner.open(info, options)) {
            fp32Logits = fp32.logits(copyDirect(preprocessor.process(rgb)), 1)[0];
        }
        try (ModelSession classifier = ModelSession.forClassification(q.info(), options)) {
            ModelRunner runner = classifier.runner();
            FloatBuffer input = copyDirect(preprocessor.process(rgb));
            Stats[] pair = harness.interleaved(() -> classifier.classify(image, TOP_K),
                    () -> runner.logits(input.duplicate(), 1));
            stages.put("int8_end_to_end", pair[0]);
            stages.put("int8_inference_logits", pair[1]);
            ratios.put("int8_speedup_end_to_end", stages.get("end_to_end").medianMs() / pair[0].medianMs());
            ratios.put("int8_speedup_inference", stages.get("inference_logits").medianMs() / pair[1].medianMs());
            float[] logits = runner.logits(input.duplicate(), 1)[0];
            double maxDiff = 0;
            for (int i = 0; i < logits.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(logits[i] - fp32Logits[i]));
            }
            int8.put("bench_image_max_logit_diff", maxDiff);
            int8.put("bench_image_same_top1", argmax(logits) == argmax(fp32Logits) ? 1.0 : 0.0);
        }
        if (info.labels().equals(FashionMnist.LABELS) && FashionMnist.available(accuracyData)) {
            progress(info, "INT8 accuracy on the Fashion-MNIST test set");
            List<FashionMnist.Sample> samples = FashionMnist.testSet(accuracyData, accuracyImages);
            int[] fp32Pred = predictAll(info, samples, preprocessor);
            int[] int8Pred = predictAll(q.info(), samples, preprocessor);
            int fp32Right = 0;
            int int8Right = 0;
            int agree = 0;
            for (int i = 0; i < samples.size(); i++) {
                fp32Right += fp32Pred[i] == samples.get(i).label() ? 1 : 0;
                int8Right += int8Pred[i] == samples.get(i).label() ? 1 : 0;
                agree += fp32Pred[i] == int8Pred[i] ? 1 : 0;
            }
            int8.put("images", (double) samples.size());
            int8.put("fp32_accuracy", (double) fp32Right / samples.size());
            int8.put("int8_accuracy", (double) int8Right / samples.size());
            int8.put("top1_agreement", (double) agree / samples.size());
        }
    }

    private int[] predictAll(ModelInfo info, List<FashionMnist.Sample> samples, Preprocessor preprocessor)
            throws Exception {
        int[] out = new int[samples.size()];
        int batch = 100;
        try (ModelRunner runner = ModelRunner.open(info, options)) {
            for (int start = 0; start < samples.size(); start += batch) {
                List<RgbImage> images = new ArrayList<>();
                for (int i = start; i < Math.min(samples.size(), start + batch); i++) {
                    images.add(samples.get(i).image());
                }
                float[][] logits = runner.logits(preprocessor.processBatch(images), images.size());
                for (int i = 0; i < logits.length; i++) {
                    out[start + i] = argmax(logits[i]);
                }
            }
        }
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private void progress(ModelInfo info, String what) {
        log.println("[bench] " + info.id() + ": " + what);
        log.flush();
    }

    /** What the explain view does with all-head outputs: one [layers][heads][T][T] array. */
    private static float[][][][] reshapeAll(Map<String, ModelRunner.Tensor> out, List<String> names,
                                            TokenLayout layout) {
        float[][] perLayer = new float[names.size()][];
        for (int l = 0; l < perLayer.length; l++) {
            perLayer[l] = out.get(names.get(l)).data();
        }
        return Attentions.fromFlat(perLayer, layout.heads(), layout.tokens());
    }

    private static float[][][][] reshapeMeans(Map<String, ModelRunner.Tensor> out, List<String> names,
                                              TokenLayout layout) {
        float[][] perLayer = new float[names.size()][];
        for (int l = 0; l < perLayer.length; l++) {
            perLayer[l] = out.get(names.get(l)).data();
        }
        return Attentions.fromFlat(perLayer, 1, layout.tokens());
    }

    /**
     * Runs the twin once with ORT's graph optimisations disabled and compares every output with the optimised
     * session: the optimisations must not change logits, and must keep the attention Softmax outputs intact.
     */
    private Map<String, Double> compareOptimisation(ModelRunner optimised, DerivedModels.Twin twin,
                                                    FloatBuffer input) throws Exception {
        List<String> all = new ArrayList<>();
        all.add(ModelRunner.LOGITS);
        all.addAll(twin.attentionOutputs());
        all.addAll(twin.meanOutputs());
        Map<String, ModelRunner.Tensor> fast = optimised.run(input.duplicate(), 1, all);
        Map<String, Double> diff = new LinkedHashMap<>();
        OrtEnvironment env = ModelRunner.sharedEnvironment();
        try (SessionOptions plain = new SessionOptions()) {
            plain.setOptimizationLevel(SessionOptions.OptLevel.NO_OPT);
            plain.setIntraOpNumThreads(options.intraOpThreads());
            try (OrtSession session = env.createSession(twin.info().modelFile().toString(), plain);
                 OnnxTensor tensor = OnnxTensor.createTensor(env, input.duplicate(),
                         new long[] {1, 3, twin.info().inputHeight(), twin.info().inputWidth()});
                 OrtSession.Result result = session.run(Map.of(ModelRunner.INPUT, tensor), Set.copyOf(all))) {
                for (String name : all) {
                    String group = name.equals(ModelRunner.LOGITS) ? "logits"
                            : twin.meanOutputs().contains(name) ? "head_means" : "attentions";
                    OnnxValue v = result.get(name).orElseThrow();
                    FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
                    float[] a = fast.get(name).data();
                    double max = 0;
                    for (int i = 0; i < a.length; i++) {
                        max = Math.max(max, Math.abs(a[i] - fb.get(i)));
                    }
                    diff.merge(group, max, Math::max);
                }
            }
        } catch (OrtException e) {
            diff.put("error: " + e.getMessage(), Double.NaN);
        }
        return diff;
    }

    /** The image at a typical viewer size (long side at least {@value #DISPLAY_SIDE} px), as the UI would show it. */
    static BufferedImage displayImage(RgbImage rgb) {
        BufferedImage source = rgb.toBufferedImage();
        int longSide = Math.max(rgb.width(), rgb.height());
        if (longSide >= DISPLAY_SIDE) {
            return source;
        }
        double scale = (double) DISPLAY_SIDE / longSide;
        int w = (int) Math.round(rgb.width() * scale);
        int h = (int) Math.round(rgb.height() * scale);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static FloatBuffer copyDirect(FloatBuffer src) {
        FloatBuffer dst = ByteBuffer.allocateDirect(src.remaining() * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        dst.put(src.duplicate()).flip();
        return dst;
    }
}
