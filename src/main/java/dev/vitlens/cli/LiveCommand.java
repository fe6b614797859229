package dev.vitlens.cli;

import dev.vitlens.camera.CameraSource;
import dev.vitlens.camera.ModelFaceClassifier;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelFormatException;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.camera.FaceClassifier;
import dev.vitlens.camera.FaceResult;
import dev.vitlens.camera.FrameResult;
import dev.vitlens.camera.FrameSource;
import dev.vitlens.camera.FrameSourceException;
import dev.vitlens.camera.ImageFolderSource;
import dev.vitlens.camera.LiveJson;
import dev.vitlens.camera.LiveOptions;
import dev.vitlens.camera.LivePipeline;
import dev.vitlens.camera.LiveStats;
import dev.vitlens.camera.VideoFileSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vitlens live}: headless live face-mask detection on a camera, an MJPEG clip or an image folder. */
@Command(name = "live", mixinStandardHelpOptions = true,
        description = {"Live face detection and mask classification, headless: one line per frame and a summary.",
                "Sources: a camera (default 0), an MJPEG AVI clip played at its own frame rate, or an image folder."})
public class LiveCommand implements Callable<Integer> {
    public static final String DEFAULT_MODEL = "deit-mask";

    enum Format { text, json }

    static final class SourceChoice {
        @Option(names = "--camera", paramLabel = "N", description = "Camera index (default 0).")
        Integer camera;

        @Option(names = "--video", paramLabel = "FILE", description = "MJPEG AVI clip played as a virtual camera.")
        Path video;

        @Option(names = "--folder", paramLabel = "DIR", description = "Folder of images, cycled.")
        Path folder;
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    SourceChoice source = new SourceChoice();

    @Option(names = {"-m", "--model"}, defaultValue = DEFAULT_MODEL, paramLabel = "MODEL_ID|PATH",
            description = "Face-mask model id from `vitlens models`, or a model folder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--detect-only", description = "Only detect faces; load no model.")
    boolean detectOnly;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            converter = ClassifyCommand.DeviceConverter.class,
            description = "auto tries CUDA then the CPU (default: auto).")
    Device device;

    @Option(names = "--threads", description = "Intra-op threads for the model (default: 1, which leaves the other core to capture).")
    Integer threads;

    @Option(names = "--frames", paramLabel = "N", description = "Stop after N processed frames (default: until the"
            + " clip or folder ends; a camera runs until Ctrl-C).")
    Integer frames;

    @Option(names = "--loop", description = "Loop the clip or folder.")
    boolean loop;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "640x480", description = "Requested camera resolution"
            + " (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--folder-fps", paramLabel = "F", defaultValue = "5",
            description = "Images per second from --folder (default ${DEFAULT-VALUE}; 0 = as fast as possible).")
    double folderFps;

    @Option(names = "--no-fallback", description = "Do not classify the centre crop when no face is found.")
    boolean noFallback;

    @Option(names = "--threshold", defaultValue = "0.5", description = "Scores below this are marked not confident"
            + " (default ${DEFAULT-VALUE}).")
    float threshold;

    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--detector", defaultValue = "blazeface", converter = DetectorChoice.Converter.class,
            paramLabel = "blazeface|cascade|thorough",
            description = {"Face detector: blazeface (neural, MediaPipe BlazeFace; finds masked faces), cascade (OpenCV"
                    + " cascades, live preset; 'live' is the same) or thorough (more cascades, padded; for tight face"
                    + " crops) (default ${DEFAULT-VALUE}).",
                    "If BlazeFace cannot be loaded the cascades are used, with a note."})
    DetectorChoice detector;

    @Option(names = "--detector-threshold", paramLabel = "S",
            description = "BlazeFace: faces scoring below S are ignored (default: the documented operating threshold).")
    Float detectorThreshold;

    @Option(names = "--face-verifier", paramLabel = "P",
            description = "BlazeFace: a detection counts as a face only if the face verifier (a small CNN on its crop)"
                    + " gives it at least P; 0 turns the verifier off (default: the documented operating point).")
    Float faceVerifier;

    @Override
    public Integer call() throws Exception {
        // Loading the model initialises ONNX Runtime, which needs more than the default thread stack.
        return BigStack.call("vitlens-live-cli", this::runCommand);
    }

    private Integer runCommand() throws Exception {
        if (threshold < 0 || threshold > 1) {
            throw new ParameterException(spec.commandLine(), "--threshold must be between 0 and 1");
        }
        if (frames != null && frames < 1) {
            throw new ParameterException(spec.commandLine(), "--frames must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FrameSource frameSource = frameSource();
        try {
            frameSource.open(); // before the model loads, so a missing camera fails at once
        } catch (FrameSourceException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Cli.EXIT_USAGE;
        }
        ModelFaceClassifier classifier = null;
        if (!detectOnly) {
            try {
                ModelInfo info = ModelCatalog.standard().resolve(model).require();
                RunnerOptions runnerOptions = threads != null
                        ? RunnerOptions.on(device).withThreads(Math.max(1, threads), 1)
                        : ModelFaceClassifier.liveOptions(device);
                classifier = ModelFaceClassifier.open(info, runnerOptions);
                classifier.runner().fallbackReason().ifPresent(reason ->
                        err.println("note: CUDA unavailable (" + reason + "); running on the CPU"));
            } catch (ModelFormatException | ModelLoadException e) {
                frameSource.close();
                err.println("error: " + e.getMessage() + " (use --detect-only to run without a model)");
                err.flush();
                return Cli.EXIT_USAGE;
            }
        }
        try {
            return run(frameSource, classifier, out, err);
        } finally {
            if (classifier != null) {
                classifier.close();
            }
        }
    }

    private int run(FrameSource frameSource, FaceClassifier classifier, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        String rangeError = DetectorChoice.checkRanges(detectorThreshold, faceVerifier);
        if (rangeError != null) {
            throw new ParameterException(spec.commandLine(), rangeError);
        }
        LiveOptions options = LiveOptions.defaults().withFallback(!noFallback).withThreshold(threshold)
                .withRender(false).withDetector(detector.settings(detectorThreshold, faceVerifier, false));
        LiveStats stats = new LiveStats();
        AtomicLong count = new AtomicLong();
        LivePipeline[] holder = new LivePipeline[1];
        LivePipeline pipeline = new LivePipeline(frameSource, classifier, null, options, new LivePipeline.Listener() {
            @Override
            public void onFrame(FrameResult result, dev.vitlens.camera.LiveFrameRenderer rendered) {
                stats.add(result);
                out.println(format == Format.json ? LiveJson.frameLine(result) : textLine(result));
                out.flush();
                if (frames != null && count.incrementAndGet() >= frames) {
                    holder[0].stop();
                }
            }

            @Override
            public void onNotice(String message) {
                err.println("note: " + message);
                err.flush();
            }
        });
        holder[0] = pipeline;
        try {
            pipeline.start();
        } catch (FrameSourceException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return Cli.EXIT_USAGE;
        }
        if (format == Format.text) {
            err.println("live: " + frameSource.describe() + (classifier == null ? ", detection only (no model)" : ""));
            err.flush();
        }
        Thread main = Thread.currentThread();
        // Ctrl-C: stop the pipeline and give this thread a moment to print the summary before the JVM halts.
        Thread hook = new Thread(() -> {
            pipeline.stop();
            try {
                main.join(2000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "vitlens-live-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (!pipeline.awaitStopped(1, TimeUnit.SECONDS)) {
                // wait for the end of the source, --frames, or Ctrl-C
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running
            }
        }
        Exception cause = pipeline.stopCause();
        boolean cleanEnd = cause == null || cause instanceof FrameSourceException fse
                && fse.kind() == FrameSourceException.Kind.END_OF_STREAM;
        if (format == Format.json) {
            var summary = stats.summaryJson();
            summary.put("source", frameSource.describe());
            if (!cleanEnd) {
                summary.put("error", cause.getMessage());
            }
            out.println(LiveJson.write(summary));
        } else {
            out.println("summary: " + stats.headline());
            out.print(stats.table());
            if (!cleanEnd) {
                err.println("error: " + cause.getMessage());
            }
        }
        out.flush();
        err.flush();
        return cleanEnd ? 0 : Cli.EXIT_SOME_FAILED;
    }

    private FrameSource frameSource() {
        if (source.video != null) {
            return new VideoFileSource(source.video, loop);
        }
        if (source.folder != null) {
            return new ImageFolderSource(source.folder, folderFps, loop);
        }
        String[] wh = size.toLowerCase(Locale.ROOT).split("x");
        int w;
        int h;
        try {
            w = Integer.parseInt(wh[0].trim());
            h = Integer.parseInt(wh[1].trim());
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--size must look like 640x480, got '" + size + "'");
        }
        int index = source.camera == null ? 0 : source.camera;
        if (index < 0) {
            throw new ParameterException(spec.commandLine(), "--camera must be >= 0");
        }
        return new CameraSource(index, w, h);
    }

    static String textLine(FrameResult r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "frame %d:", r.frameIndex()));
        if (r.faces().isEmpty()) {
            sb.append(" no face");
        }
        for (FaceResult f : r.faces()) {
            sb.append(String.format(Locale.ROOT, " [%d,%d,%d,%d]", f.box().x(), f.box().y(), f.box().width(),
                    f.box().height()));
            if (f.label() != null) {
                sb.append(String.format(Locale.ROOT, " %s %.3f%s", f.label(), f.score(), f.confident() ? "" : " (unsure)"));
            }
            if (f.fallback()) {
                sb.append(" (centre crop, no face found)");
            }
        }
        sb.append(String.format(Locale.ROOT, "  detect %.1f ms, classify %.1f ms, %.1f fps", r.timings().detectMs(),
                r.timings().classifyMs(), r.fps()));
        if (r.error() != null) {
            sb.append("  error: ").append(r.error());
        }
        return sb.toString();
    }
}
