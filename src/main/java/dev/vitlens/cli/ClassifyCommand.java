package dev.vitlens.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.faces.PhotoFace;
import dev.vitlens.faces.PhotoFaces;
import dev.vitlens.imaging.ImageDecodeException;
import dev.vitlens.imaging.ImageDecoder;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.engine.Classification;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.ModelRunner;
import dev.vitlens.engine.Prediction;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.output.JsonOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitlens classify}: top-k labels for image files and folders. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify images (files or folders, searched recursively).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file classified", "1:some files failed (see their \"error\")",
                "2:usage or model error"})
public class ClassifyCommand implements Callable<Integer> {
    public static final String DEFAULT_MODEL = "beit-fashion";

    enum Format { text, json, csv }

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = DEFAULT_MODEL, paramLabel = "MODEL_ID|PATH",
            description = "Model id from `vitlens models`, or a model folder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = {"-k", "--top"}, defaultValue = "5", description = "Labels per image (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            converter = DeviceConverter.class, description = "auto tries CUDA then the CPU (default: auto).")
    Device device;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--threads", description = "Intra-op threads (default: available processors).")
    Integer threads;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Image files or folders.")
    List<Path> paths;

    @Option(names = "--faces", description = {"Also find every face (as `vitlens live` does) and classify a square"
            + " crop of each, all faces of a photo in one batch: for a face classifier such as deit-mask.",
            "Boxes are in the photo's pixels (EXIF orientation applied)."})
    boolean faces;

    @Option(names = "--detector", defaultValue = "blazeface", converter = DetectorChoice.Converter.class,
            paramLabel = "blazeface|cascade|thorough", description = "Face detector for --faces (default: ${DEFAULT-VALUE}).")
    DetectorChoice detector;

    @Option(names = "--detector-threshold", paramLabel = "S",
            description = "BlazeFace: faces scoring below S are ignored (default: the documented operating threshold).")
    Float detectorThreshold;

    @Option(names = "--face-verifier", paramLabel = "P",
            description = "BlazeFace: a detection counts as a face only if the face verifier (a small CNN on its crop)"
                    + " gives it at least P; 0 turns the verifier off (default: the documented operating point).")
    Float faceVerifier;

    /** One output record: a classification or an error; {@code faces} is null unless --faces was given. */
    record Result(Path file, Classification classification, String error, List<PhotoFace> faces) {
        Result(Path file, Classification classification, String error) {
            this(file, classification, error, null);
        }
    }

    static final class DeviceConverter implements picocli.CommandLine.ITypeConverter<Device> {
        @Override
        public Device convert(String value) {
            return Device.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (k < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "-k must be at least 1");
        }
        String rangeError = DetectorChoice.checkRanges(detectorThreshold, faceVerifier);
        if (rangeError != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), rangeError);
        }
        // Cold start: ONNX Runtime starts on another thread while this one reads the catalogue, then the model
        // loads while this thread lists the inputs and starts ImageIO (see docs/benchmarks.md).
        ModelRunner.warmUpInBackground();
        ModelInfo info;
        try {
            info = ModelCatalog.standard().resolve(model).require();
        } catch (ModelFormatException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Cli.EXIT_USAGE;
        }
        RunnerOptions options = RunnerOptions.on(device);
        if (threads != null) {
            options = options.withThreads(Math.max(1, threads), 1);
        }
        RunnerOptions runnerOptions = options;
        CompletableFuture<ModelSession> loading = CompletableFuture.supplyAsync(() -> {
            try {
                return ModelSession.forClassification(info, runnerOptions);
            } catch (ModelLoadException e) {
                throw new CompletionException(e);
            }
        });
        List<ImageFiles.Item> items;
        try {
            items = ImageFiles.expand(paths);
            ImageDecoder.warmUp();
        } catch (RuntimeException e) {
            loading.thenAccept(ModelSession::close); // don't leave a session open behind an error
            throw e;
        }
        List<Result> results = new ArrayList<>();
        String deviceId;
        try (ModelSession classifier = await(loading);
             PhotoFaces photoFaces = faces ? PhotoFaces.open(detector.settings(detectorThreshold, faceVerifier, true),
                     notice -> err.println("note: " + notice)) : null) {
            deviceId = classifier.runner().device().id();
            classifier.runner().fallbackReason().ifPresent(reason ->
                    err.println("note: CUDA unavailable (" + reason + "); running on the CPU"));
            err.flush();
            Progress progress = new Progress(err, items.size());
            for (ImageFiles.Item item : items) {
                progress.step(item.path());
                if (item.error() != null) {
                    results.add(new Result(item.path(), null, item.error()));
                    continue;
                }
                try {
                    results.add(photoFaces == null ? new Result(item.path(), classifier.classify(item.path(), k), null)
                            : withFaces(item.path(), classifier, photoFaces));
                } catch (ImageDecodeException | InferenceException e) {
                    results.add(new Result(item.path(), null, e.getMessage()));
                } catch (RuntimeException e) {
                    // One bad file must not end the run.
                    results.add(new Result(item.path(), null, "unexpected error: " + Cli.messageOf(e)));
                }
            }
            progress.done();
        } catch (ModelLoadException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Cli.EXIT_USAGE;
        }
        switch (format) {
            case json -> out.println(json(results, info.id(), deviceId));
            case csv -> csv(out, results, info.id(), deviceId);
            default -> text(out, results);
        }
        out.flush();
        if (items.isEmpty()) {
            err.println("warning: no image files found in " + paths);
            err.flush();
        }
        return results.stream().anyMatch(r -> r.error() != null) ? Cli.EXIT_SOME_FAILED : 0;
    }

    /** The whole photo's labels plus each face's; decoded at full size so boxes are in the photo's pixels. */
    private Result withFaces(Path file, ModelSession classifier, PhotoFaces photoFaces)
            throws ImageDecodeException, InferenceException {
        long t0 = System.nanoTime();
        dev.vitlens.imaging.RgbImage image = ImageDecoder.decode(file).image();
        double decodeMs = (System.nanoTime() - t0) / 1e6;
        Classification whole = classifier.classify(image, k);
        Classification timed = new Classification(whole.top(), whole.probabilities(),
                new Classification.Timings(decodeMs, whole.timings().preprocessMs(), whole.timings().inferenceMs()));
        return new Result(file, timed, null, photoFaces.classify(image, classifier, k));
    }

    private static ModelSession await(CompletableFuture<ModelSession> loading) throws ModelLoadException {
        try {
            return loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ModelLoadException m) {
                throw m;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    static String json(List<Result> results, String modelId, String deviceId) throws Exception {
        ArrayNode array = JsonOutput.array();
        for (Result r : results) {
            ObjectNode o = array.addObject();
            o.put("file", r.file().toString());
            if (r.error() != null) {
                o.put("error", r.error());
                continue;
            }
            o.put("model", modelId);
            o.put("device", deviceId);
            ArrayNode top = o.putArray("top");
            for (Prediction p : r.classification().top()) {
                top.addObject().put("label", p.label()).put("index", p.index()).put("score", p.score());
            }
            Classification.Timings t = r.classification().timings();
            o.putObject("timings_ms").put("decode", round(t.decodeMs())).put("preprocess", round(t.preprocessMs()))
                    .put("inference", round(t.inferenceMs()));
            if (r.faces() != null) {
                ArrayNode faces = o.putArray("faces");
                for (PhotoFace f : r.faces()) {
                    ObjectNode face = faces.addObject();
                    ArrayNode box = face.putArray("box");
                    for (int v : f.box().toArray()) {
                        box.add(v);
                    }
                    if (Float.isNaN(f.detectorScore())) {
                        face.putNull("score"); // the cascades have no score
                    } else {
                        face.put("score", Math.round(f.detectorScore() * 10000) / 10000.0);
                    }
                    if (!Float.isNaN(f.verifierScore())) {
                        face.put("verifier", Math.round(f.verifierScore() * 10000) / 10000.0);
                    }
                    ArrayNode ft = face.putArray("top");
                    for (Prediction p : f.top()) {
                        ft.addObject().put("label", p.label()).put("index", p.index()).put("score", p.score());
                    }
                    if (f.keypoints() != null) {
                        face.set("keypoints", dev.vitlens.camera.LiveJson.keypoints(f.keypoints()));
                    }
                }
            }
        }
        return JsonOutput.document(array);
    }

    /**
     * One row per (file, rank); a failed file is one row with the error column set. With --faces the rows of the whole
     * image come first (empty face columns), then one row per (face, rank) with the face's number (1 = largest), box
     * and detector score.
     */
    static void csv(PrintWriter out, List<Result> results, String modelId, String deviceId) {
        boolean withFaces = results.stream().anyMatch(r -> r.faces() != null);
        String faceColumns = withFaces ? ",face,box_x,box_y,box_w,box_h,face_score" : "";
        String noFace = withFaces ? ",,,,,," : "";
        out.println("file,model,device,rank,label,index,score,decode_ms,preprocess_ms,inference_ms,error" + faceColumns);
        for (Result r : results) {
            if (r.error() != null) {
                out.println(String.join(",", csvField(r.file().toString()), csvField(modelId), deviceId,
                        "", "", "", "", "", "", "", csvField(r.error())) + noFace);
                continue;
            }
            Classification.Timings t = r.classification().timings();
            int rank = 1;
            for (Prediction p : r.classification().top()) {
                out.println(String.join(",", csvField(r.file().toString()), csvField(modelId), deviceId,
                        String.valueOf(rank++), csvField(p.label()), String.valueOf(p.index()),
                        String.valueOf(p.score()), fmt(t.decodeMs()), fmt(t.preprocessMs()), fmt(t.inferenceMs()),
                        "") + noFace);
            }
            if (r.faces() == null) {
                continue;
            }
            for (int i = 0; i < r.faces().size(); i++) {
                PhotoFace f = r.faces().get(i);
                String face = String.join(",", String.valueOf(i + 1), String.valueOf(f.box().x()),
                        String.valueOf(f.box().y()), String.valueOf(f.box().width()), String.valueOf(f.box().height()),
                        Float.isNaN(f.detectorScore()) ? "" : String.valueOf(f.detectorScore()));
                int faceRank = 1;
                for (Prediction p : f.top()) {
                    out.println(String.join(",", csvField(r.file().toString()), csvField(modelId), deviceId,
                            String.valueOf(faceRank++), csvField(p.label()), String.valueOf(p.index()),
                            String.valueOf(p.score()), "", "", "", "", face));
                }
            }
        }
    }

    static void text(PrintWriter out, List<Result> results) {
        for (Result r : results) {
            if (r.error() != null) {
                out.println(r.file() + ": error: " + r.error());
                continue;
            }
            StringBuilder sb = new StringBuilder(r.file().toString()).append(':');
            for (Prediction p : r.classification().top()) {
                sb.append(String.format(Locale.ROOT, "  %s %.1f%%", p.label(), p.score() * 100));
            }
            out.println(sb);
            if (r.faces() != null) {
                if (r.faces().isEmpty()) {
                    out.println("  no face found");
                }
                for (int i = 0; i < r.faces().size(); i++) {
                    PhotoFace f = r.faces().get(i);
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  face %d [%d,%d,%d,%d]", i + 1,
                            f.box().x(), f.box().y(), f.box().width(), f.box().height()));
                    if (f.hasDetectorScore()) {
                        line.append(" (").append(f.scores()).append(')');
                    }
                    line.append(':');
                    for (Prediction p : f.top()) {
                        line.append(String.format(Locale.ROOT, "  %s %.1f%%", p.label(), p.score() * 100));
                    }
                    out.println(line);
                }
            }
        }
    }

    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** A one-line progress bar on stderr, shown only for more than a few files in an interactive session. */
    static final class Progress {
        private final PrintWriter err;
        private final int total;
        private final boolean enabled;
        private int done;

        Progress(PrintWriter err, int total) {
            this.err = err;
            this.total = total;
            this.enabled = total > 3 && System.console() != null;
        }

        void step(Path file) {
            if (!enabled) {
                return;
            }
            int width = 30;
            int filled = total == 0 ? width : done * width / total;
            String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
            if (name.length() > 40) {
                name = "..." + name.substring(name.length() - 37);
            }
            err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + (done + 1) + "/" + total
                    + " " + name + "\u001b[K");
            err.flush();
            done++;
        }

        void done() {
            if (enabled) {
                err.print("\r\u001b[K");
                err.flush();
            }
        }
    }
}
