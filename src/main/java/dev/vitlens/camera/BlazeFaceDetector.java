package dev.vitlens.camera;

import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.OnnxGraph;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.vitlens.onnx.ChannelBlocks;
import dev.vitlens.onnx.FreeInputSize;
import dev.vitlens.onnx.OnnxModelException;
import dev.vitlens.onnx.OnnxModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * MediaPipe BlazeFace (front model, 128x128; shipped as a resource, see BLAZEFACE-README.md) as a {@link FaceFinder}:
 * the frame is letterboxed into the model input (aspect kept, padded with mid-grey, which is 0 after the model's
 * [-1, 1] scaling; for live frames the input is trimmed to the frame's shape in whole 16 px grid cells,
 * {@link Letterbox#trimmed}, since the network is fully convolutional and padding is work for nothing), the graph
 * runs on ONNX Runtime with one intra-op thread, {@link BlazeFaceDecoder} decodes and merges the detections, and boxes and keypoints are mapped back to frame pixels through the same {@link Letterbox}.
 * Not thread-safe (it reuses its buffers); the ONNX session itself is.
 */
public final class BlazeFaceDetector implements FaceFinder {

    /** The bundled model, next to this class. */
    public static final String RESOURCE = "face_detection_front_128x128_barracuda.onnx";
    static final String INPUT = "input:0";
    static final String SCORES_8 = "Identity:0";
    static final String SCORES_16 = "Identity_1:0";
    static final String BOXES_8 = "Identity_2:0";
    static final String BOXES_16 = "Identity_3:0";
    private static final List<String> OUTPUTS = List.of(SCORES_8, SCORES_16, BOXES_8, BOXES_16);
    private static final int SIZE = BlazeFaceDecoder.INPUT_SIZE;
    private static final long[] INPUT_SHAPE = {1, SIZE, SIZE, 3};
    /** A symbolic dimension, as ONNX Runtime reports it. */
    private static final long FREE = -1;

    /**
     * @param modelFile    the ONNX file, or {@code null} for the bundled one
     * @param minScore     detections scoring below this are dropped (the operating threshold; see docs/face-detection.md)
     * @param iouThreshold weighted non-maximum suppression merges detections overlapping more than this
     * @param fill         the frame's longer side's share of the model input (1: plain letterbox; less adds a border)
     * @param rescueFill   when nothing is found, run once more with this fill (0: never); a face filling the whole
     *                     frame, as in a tight crop, is found more easily with some border around it
     * @param verification keypoint layouts a detection must have to count as a face ({@code null}: no check); a
     *                     pass whose detections are all rejected counts as finding nothing, so the rescue pass runs
     * @param int8         run the INT8 (QDQ) quantisation of the bundled model ({@link BlazeFaceInt8}); only the
     *                     bundled model has calibrated ranges, another model file is refused
     * @param secondOpinion extra passes for uncertain detections ({@code null}: none); {@code minScore} then applies
     *                     to the combined score, see {@link SecondOpinion}
     * @param verifierMinScore a detection scoring below {@link FaceVerifier#TRUSTED_SCORE} counts as a face only if
     *                     {@link FaceVerifier} gives its crop at least this probability (0: the verifier is not
     *                     run); as with the keypoint check, a pass whose detections are all rejected counts as
     *                     finding nothing
     * @param squareInput  run the model on the whole 128 px square, padding and all, instead of the trimmed input
     *                     ({@link Letterbox#trimmed}: the frame's shape rounded up to whole grid cells, a quarter
     *                     less work for a 4:3 frame); for comparisons, and the only choice for a model file whose
     *                     graph {@link FreeInputSize} cannot free
     */
    public record Settings(Path modelFile, float minScore, double iouThreshold, double fill, double rescueFill,
                           FaceGeometry.Rule verification, boolean int8, SecondOpinion.Settings secondOpinion,
                           float verifierMinScore, boolean squareInput)
            implements FaceFinder.Config {

        public Settings {
            if (!(minScore >= 0 && minScore <= 1)) {
                throw new IllegalArgumentException("minScore must be in [0, 1], got " + minScore);
            }
            if (!(fill > 0 && fill <= 1)) {
                throw new IllegalArgumentException("fill must be in (0, 1], got " + fill);
            }
            if (!(rescueFill >= 0 && rescueFill <= 1)) {
                throw new IllegalArgumentException("rescueFill must be in [0, 1] (0 = off), got " + rescueFill);
            }
            if (!(verifierMinScore >= 0 && verifierMinScore < 1)) {
                throw new IllegalArgumentException("verifierMinScore must be in [0, 1) (0 = off), got " + verifierMinScore);
            }
        }

        /**
         * The operating point for live frames and photos, chosen from the score x verifier curve in
         * docs/face-detection.md ("Face verifier"): BlazeFace score 0.50, then the {@link FaceVerifier} at 0.90 for
         * detections below {@link FaceVerifier#TRUSTED_SCORE}; plain letterbox, and a second pass with the frame at
         * 60% of the input when the first finds no face (it rescues faces that fill the frame, such as tight crops).
         * Without the verifier no score met the false-positive target at 90% masked-face recall (0.65 gave 90.5%
         * masked with 6% of face-free images boxed); with it, on images it never trained on, 94.9% masked, 99.9%
         * unmasked, 0.6% of the 500 face-free images and 1.6% of the wallpaper crops. No keypoint check and no second
         * opinion: both were measured and moved the curve less (options: {@link #withVerification},
         * {@link #withSecondOpinion}). Float, not INT8: the quantised detector ran 1.86 ms against 1.42 ms here
         * (docs/face-detection.md, "INT8 detector").
         */
        public static Settings defaults() {
            return new Settings(null, 0.5f, 0.3, 1.0, 0.6, null, false, null, 0.9f, false);
        }

        /**
         * The operating point for still photos ({@code classify --faces}, the Images tab): {@link #defaults()} on the
         * whole square input. A photo is detected once, so the trimmed input's saving (0.4 ms) buys nothing there,
         * while the square's side padding gives a face that fills a portrait crop the context BlazeFace needs: on the
         * held-out masked face-mask images the square finds 909 of 958, the trimmed input 902 (docs/face-detection.md,
         * "Trimmed input").
         */
        public static Settings forPhotos() {
            return defaults().withSquareInput(true);
        }

        /** @param on the whole square input instead of the trimmed one (see {@link #squareInput()}) */
        public Settings withSquareInput(boolean on) {
            return new Settings(modelFile, minScore, iouThreshold, fill, rescueFill, verification, int8, secondOpinion,
                    verifierMinScore, on);
        }

        public Settings withModelFile(Path file) {
            return new Settings(file, minScore, iouThreshold, fill, rescueFill, verification, int8, secondOpinion, verifierMinScore, squareInput);
        }

        public Settings withMinScore(float s) {
            return new Settings(modelFile, s, iouThreshold, fill, rescueFill, verification, int8, secondOpinion, verifierMinScore, squareInput);
        }

        public Settings withFill(double f) {
            return new Settings(modelFile, minScore, iouThreshold, f, rescueFill, verification, int8, secondOpinion, verifierMinScore, squareInput);
        }

        public Settings withRescueFill(double f) {
            return new Settings(modelFile, minScore, iouThreshold, fill, f, verification, int8, secondOpinion, verifierMinScore, squareInput);
        }

        /** @param rule the keypoint check, e.g. {@link FaceGeometry.Rule#standard()}; {@code null} turns it off */
        public Settings withVerification(FaceGeometry.Rule rule) {
            return new Settings(modelFile, minScore, iouThreshold, fill, rescueFill, rule, int8, secondOpinion, verifierMinScore, squareInput);
        }

        /** @param on the INT8 model (docs/face-detection.md, "INT8 detector") instead of fp32 */
        public Settings withInt8(boolean on) {
            return new Settings(modelFile, minScore, iouThreshold, fill, rescueFill, verification, on, secondOpinion, verifierMinScore, squareInput);
        }

        /** @param p the verifier's minimum face probability ({@link FaceVerifier}); 0 turns it off */
        public Settings withVerifier(float p) {
            return new Settings(modelFile, minScore, iouThreshold, fill, rescueFill, verification, int8, secondOpinion, p, squareInput);
        }

        /** @param s the extra passes for uncertain detections; {@code null} turns them off */
        public Settings withSecondOpinion(SecondOpinion.Settings s) {
            return new Settings(modelFile, minScore, iouThreshold, fill, rescueFill, verification, int8, s, verifierMinScore, squareInput);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "BlazeFace front 128 (min score %.2f, fill %.2f%s%s%s%s%s%s)", minScore,
                    fill, rescueFill > 0 ? String.format(Locale.ROOT, ", rescue fill %.2f", rescueFill) : "",
                    verification == null ? "" : ", keypoint check",
                    secondOpinion == null ? "" : ", " + secondOpinion.describe(),
                    verifierMinScore == 0 ? "" : String.format(Locale.ROOT, ", verifier %.2f", verifierMinScore),
                    modelFile == null ? "" : ", " + modelFile, int8 ? ", int8" : "")
                    + (squareInput ? " on the square input" : "");
        }
    }

    /** The model could not be loaded: file missing or corrupt, unexpected inputs/outputs, or no ONNX Runtime. */
    public static final class UnavailableException extends Exception {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Settings settings;
    private final OnnxGraph graph;
    /** Whether the graph takes any input size ({@link FreeInputSize}): then passes run on trimmed letterboxes. */
    private final boolean trimmed;
    /** The second stage, or {@code null} when {@link Settings#verifierMinScore()} is 0. */
    private final FaceVerifier verifier;
    private final List<Mat> verifierCrops = new ArrayList<>();
    /**
     * Room for a 128x128x3 float tensor whose memory ONNX Runtime reads in place ({@link #floats}) and OpenCV writes
     * through {@link #mat}, so the input is never copied. Both views take the shape of the input being written, from
     * the start of the buffer (NHWC, rows of {@code width} pixels).
     */
    private static final class InputTensor {
        private final ByteBuffer bytes = ByteBuffer.allocateDirect(SIZE * SIZE * 3 * Float.BYTES)
                .order(ByteOrder.nativeOrder());
        private final FloatBuffer floats = bytes.asFloatBuffer();
        private Mat mat = new Mat(SIZE, SIZE, CvType.CV_32FC3, bytes);

        /** The tensor as a {@code width x height} image (the same header while the shape stays). */
        Mat mat(int width, int height) {
            if (mat.cols() != width || mat.rows() != height) {
                mat.release();
                mat = new Mat(height, width, CvType.CV_32FC3, bytes);
            }
            return mat;
        }

        /** The current {@link #mat} shape's floats, for ONNX Runtime. */
        FloatBuffer floats() {
            floats.clear();
            floats.limit(mat.rows() * mat.cols() * 3);
            return floats;
        }

        void release() {
            mat.release();
        }
    }

    private final InputTensor main = new InputTensor();
    private final Mat content = new Mat();
    /** The frame at twice the content size, the first step of {@link Letterbox#resizeContent(Mat, Mat, Mat)}. */
    private final Mat halfwayContent = new Mat();
    private final Mat contentRgb = new Mat();
    private final Mat smallerContent = new Mat();
    /** The second opinion's input tensor (mirrored or zoomed), apart from the main one. */
    private final InputTensor second = new InputTensor();
    private final Mat zoomContent = new Mat();
    private final Mat zoomRgb = new Mat();
    /** What {@link #content} holds: the frame resized through this letterbox. */
    private Letterbox contentBox;
    /** The letterbox the input tensor was last written through (its padding is zero). */
    private Letterbox lastLetterbox;
    private long letterboxNanos;
    private long modelNanos;
    private long decodeNanos;
    private int passes;
    private long verifierNanos;
    private int verifiedCrops;

    private BlazeFaceDetector(Settings settings, OnnxGraph graph, boolean trimmed, FaceVerifier verifier) {
        this.settings = settings;
        this.graph = graph;
        this.trimmed = trimmed;
        this.verifier = verifier;
    }

    /** Loads the model, rewritten for ONNX Runtime's blocked channel layout where it applies, and checks it. */
    public static BlazeFaceDetector open(Settings settings) throws UnavailableException {
        return open(settings, true);
    }

    /** @param blockedLayout whether to apply {@link ChannelBlocks} (off only to measure what it gains) */
    static BlazeFaceDetector open(Settings settings, boolean blockedLayout) throws UnavailableException {
        String name = settings.modelFile() == null ? RESOURCE : settings.modelFile().toString();
        byte[] bytes;
        try {
            bytes = settings.modelFile() == null ? bundledModel() : Files.readAllBytes(settings.modelFile());
        } catch (IOException e) {
            throw new UnavailableException("cannot read " + name + ": " + e, e);
        }
        OnnxGraph graph = null;
        boolean trimmed = false;
        try {
            OpenCvNatives.ensureLoaded();
            byte[] model = settings.int8() ? BlazeFaceInt8.quantize(bytes) : blockedLayout ? forBlockedLayout(bytes) : bytes;
            byte[] free = settings.squareInput() ? null : withFreeInputSize(model);
            trimmed = free != null;
            graph = OnnxGraph.load(name, trimmed ? free : model, 1);
            long a8 = trimmed ? FREE : BlazeFaceDecoder.STRIDE8_ANCHORS;
            long a16 = trimmed ? FREE : BlazeFaceDecoder.STRIDE16_ANCHORS;
            expectShape(graph, INPUT, trimmed ? new long[] {1, FREE, FREE, 3} : INPUT_SHAPE);
            expectShape(graph, SCORES_8, new long[] {1, a8, 1});
            expectShape(graph, SCORES_16, new long[] {1, a16, 1});
            expectShape(graph, BOXES_8, new long[] {1, a8, BlazeFaceDecoder.BOX_VALUES});
            expectShape(graph, BOXES_16, new long[] {1, a16, BlazeFaceDecoder.BOX_VALUES});
        } catch (ModelLoadException | OnnxModelException | RuntimeException | LinkageError e) {
            if (graph != null) {
                graph.close();
            }
            throw new UnavailableException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        try {
            return new BlazeFaceDetector(settings, graph, trimmed,
                    settings.verifierMinScore() > 0 ? FaceVerifier.open() : null);
        } catch (UnavailableException e) {
            graph.close();
            throw e;
        }
    }

    /**
     * The graph as {@link ChannelBlocks} rewrites it: the same outputs, about a fifth faster on one thread here
     * (docs/face-detection.md, "Timing"). A graph the rewrite does not handle (another detector file) is used as it is;
     * a file that does not parse is left for ONNX Runtime to refuse with its own message.
     */
    static byte[] forBlockedLayout(byte[] onnx) {
        try {
            return ChannelBlocks.rewrite(OnnxModelFiles.parse(onnx)).bytes();
        } catch (OnnxModelException | RuntimeException e) {
            return onnx;
        }
    }

    /**
     * The graph with a free input size ({@link FreeInputSize}), or {@code null} when the rewrite cannot prove it safe
     * (the original BlazeFace file before {@link ChannelBlocks}, another detector) or the graph is not declared as the
     * front model ({@code [1,128,128,3]} in, 512 + 384 anchors out): such a graph is loaded as it is, and the shape
     * check refuses it with its message rather than run it with the front model's anchors.
     */
    static byte[] withFreeInputSize(byte[] onnx) {
        try {
            ModelProto model = OnnxModelFiles.parse(onnx);
            if (!declaredAsFrontModel(model.getGraph())) {
                return null;
            }
            return FreeInputSize.rewrite(model).toByteArray();
        } catch (OnnxModelException | RuntimeException e) {
            return null;
        }
    }

    private static boolean declaredAsFrontModel(GraphProto g) {
        Map<String, long[]> expected = Map.of(INPUT, INPUT_SHAPE,
                SCORES_8, new long[] {1, BlazeFaceDecoder.STRIDE8_ANCHORS, 1},
                SCORES_16, new long[] {1, BlazeFaceDecoder.STRIDE16_ANCHORS, 1},
                BOXES_8, new long[] {1, BlazeFaceDecoder.STRIDE8_ANCHORS, BlazeFaceDecoder.BOX_VALUES},
                BOXES_16, new long[] {1, BlazeFaceDecoder.STRIDE16_ANCHORS, BlazeFaceDecoder.BOX_VALUES});
        int matching = 0;
        for (List<ValueInfoProto> values : List.of(g.getInputList(), g.getOutputList())) {
            for (ValueInfoProto v : values) {
                matching += Arrays.equals(dims(v), expected.get(v.getName())) ? 1 : 0;
            }
        }
        return matching == expected.size();
    }

    /** The declared dimensions, -1 for a symbolic or missing one. */
    private static long[] dims(ValueInfoProto v) {
        return v.getType().getTensorType().getShape().getDimList().stream()
                .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray();
    }

    /** Whether passes run on trimmed letterboxes (the graph's input size is free and the settings allow it). */
    public boolean trimsInput() {
        return trimmed;
    }

    private static byte[] bundledModel() throws IOException {
        try (InputStream in = BlazeFaceDetector.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    private static void expectShape(OnnxGraph graph, String tensor, long[] expected) throws ModelLoadException {
        long[] shape = graph.shape(tensor);
        if (!Arrays.equals(shape, expected)) {
            throw new ModelLoadException(graph.name() + ": tensor \"" + tensor + "\" has shape " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(expected) + " (not the BlazeFace front model?)");
        }
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    /**
     * Wall time of the stages of the last {@link #find}, summed over its passes (two when the rescue pass ran, more
     * with the second opinion, whose flip and zoom inputs count as letterbox), for the benchmarks: letterbox (resize
     * and conversion into the input tensor), model (ONNX Runtime, including the copy of its outputs), decode (scores,
     * boxes, non-maximum suppression, verification, mapping to the frame), and the face verifier (cutting its crops
     * and running it; {@code verifiedCrops} crops in all).
     */
    public record StageTimes(long letterboxNanos, long modelNanos, long decodeNanos, int passes, long verifierNanos,
                             int verifiedCrops) {
    }

    public StageTimes lastStageTimes() {
        return new StageTimes(letterboxNanos, modelNanos, decodeNanos, passes, verifierNanos, verifiedCrops);
    }

    /**
     * @throws IllegalStateException when inference fails (the pipeline reports it on the frame)
     */
    @Override
    public List<DetectedFace> find(Mat frame) {
        letterboxNanos = 0;
        modelNanos = 0;
        decodeNanos = 0;
        passes = 0;
        verifierNanos = 0;
        verifiedCrops = 0;
        if (frame.cols() == 0 || frame.rows() == 0) {
            return List.of();
        }
        Pass first = run(frame, settings.fill());
        List<DetectedFace> faces = faces(frame, first);
        if (faces.isEmpty() && settings.rescueFill() > 0 && settings.rescueFill() != settings.fill()) {
            // The second opinion's passes used other buffers: the fill-1.0 content is still there for rerun.
            Pass rescue = settings.rescueFill() < settings.fill() ? rerun(first, settings.rescueFill())
                    : run(frame, settings.rescueFill());
            faces = faces(frame, rescue);
        }
        return faces;
    }

    /** The faces of one pass, with the second opinion when it is on. */
    private List<DetectedFace> faces(Mat frame, Pass pass) {
        SecondOpinion.Settings so = settings.secondOpinion();
        return so == null ? faces(frame, pass, settings.minScore(), settings.verification())
                : reviewedFaces(frame, pass, settings.minScore(), settings.verification(), so);
    }

    /**
     * The faces of one pass with the second opinion: detections from {@code so.low()} (and passing the keypoint
     * check), those in the uncertain band re-scored by the extra passes, then kept from {@code minScore}; boxes and
     * keypoints as in {@link #faces(Pass, float, FaceGeometry.Rule)}, scores the combined ones. Extra passes run only
     * when a detection is in the band (one flip pass for all of them, one zoom pass per detection).
     */
    List<DetectedFace> reviewedFaces(Mat frame, Pass pass, float minScore, FaceGeometry.Rule verification,
                                     SecondOpinion.Settings so) {
        List<BlazeFaceDecoder.Detection> kept = new ArrayList<>();
        List<BlazeFaceDecoder.Detection> flipped = null;
        for (BlazeFaceDecoder.Detection d : candidates(pass, so.low(), settings.iouThreshold())) {
            if (verification != null && !verification.accepts(FaceGeometry.of(d))) {
                continue;
            }
            float score = d.score();
            if (so.uncertain(score)) {
                float flip = 0;
                float zoom = 0;
                if (so.votes().flip()) {
                    if (flipped == null) {
                        flipped = flippedDetections(pass);
                    }
                    flip = SecondOpinion.bestMatch(flipped, d, so.matchIou());
                }
                if (so.votes().zoom()) {
                    zoom = zoomScore(frame, pass.letterbox(), d, so.zoom(), so.matchIou());
                }
                score = SecondOpinion.combine(score, flip, zoom, so.votes());
            }
            if (score >= minScore) {
                kept.add(new BlazeFaceDecoder.Detection(score, d.xMin(), d.yMin(), d.xMax(), d.yMax(), d.keypoints()));
            }
        }
        return inFrame(verified(frame, pass.letterbox(), kept), pass.letterbox());
    }

    /**
     * Runs the model on the mirror image of the pass's input (the input tensor still holds it: the pass must be the
     * last one written) and returns its merged detections from {@link SecondOpinion#MATCH_FLOOR}, mapped back to the
     * unmirrored input. The mirror goes to its own buffer, so the input tensor and the content stay as they were.
     */
    List<BlazeFaceDecoder.Detection> flippedDetections(Pass pass) {
        if (!pass.letterbox().equals(lastLetterbox)) {
            throw new IllegalStateException("the input of " + pass.letterbox() + " is no longer in the buffer");
        }
        long t0 = System.nanoTime();
        int w = pass.inputWidth();
        int h = pass.inputHeight();
        Core.flip(main.mat(w, h), second.mat(w, h), 1);
        Pass p = infer(pass.letterbox(), w, h, second.floats(), t0);
        List<BlazeFaceDecoder.Detection> out = new ArrayList<>();
        for (BlazeFaceDecoder.Detection d : candidates(p, SecondOpinion.MATCH_FLOOR, settings.iouThreshold())) {
            out.add(SecondOpinion.unmirror(d, (double) w / SIZE));
        }
        return out;
    }

    /**
     * The best score of a detection in a zoom crop around it (see {@link SecondOpinion.Crop}): the part of the crop
     * inside the frame is resized into the input (area averaging when shrinking), the rest is 0 (mid-grey).
     */
    float zoomScore(Mat frame, Letterbox box, BlazeFaceDecoder.Detection d, double zoom, double matchIou) {
        long t0 = System.nanoTime();
        SecondOpinion.Crop crop = SecondOpinion.Crop.around(d, box, zoom);
        SquareCut cut = SquareCut.of(crop.x0(), crop.y0(), crop.side(), frame.cols(), frame.rows(), SIZE);
        if (cut == null) {
            return 0;
        }
        Mat zoomInput = second.mat(SIZE, SIZE);
        zoomInput.setTo(Scalar.all(0));
        Mat part = frame.submat(cut.from());
        Mat dst = zoomInput.submat(cut.to());
        try {
            Imgproc.resize(part, zoomContent, dst.size(), 0, 0, cut.shrinks() ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
            writeScaledRgb(zoomContent, zoomRgb, dst, "the zoom input's region");
        } finally {
            part.release();
            dst.release();
        }
        Pass p = infer(box, SIZE, SIZE, second.floats(), t0);
        return SecondOpinion.bestMatch(candidates(p, SecondOpinion.MATCH_FLOOR, settings.iouThreshold()),
                crop.toCrop(d, box), matchIou);
    }

    /** All detections scoring at least {@code minScore} (and passing the keypoint check) at one fill, largest first. */
    List<DetectedFace> detect(Mat frame, double fill) {
        return faces(frame, run(frame, fill));
    }

    /**
     * One run of the model on a letterboxed frame: its raw outputs, the letterbox they came through and the size of
     * the input they came from (the letterbox's, except for the second opinion's square zoom input).
     */
    record Pass(Letterbox letterbox, int inputWidth, int inputHeight, float[] scores8, float[] boxes8,
                float[] scores16, float[] boxes16) {
        Pass(Letterbox letterbox, float[] scores8, float[] boxes8, float[] scores16, float[] boxes16) {
            this(letterbox, letterbox.inputWidth(), letterbox.inputHeight(), scores8, boxes8, scores16, boxes16);
        }
    }

    /** The letterbox of a pass at this fill: trimmed to the frame's shape when the graph allows it. */
    Letterbox letterbox(int frameWidth, int frameHeight, double fill) {
        return trimmed ? Letterbox.trimmed(frameWidth, frameHeight, SIZE, fill, BlazeFaceDecoder.GRID_STRIDE)
                : Letterbox.of(frameWidth, frameHeight, SIZE, fill);
    }

    /** Letterboxes the frame (8-bit BGR, grayscale or BGRA) into the input and runs the model once. */
    Pass run(Mat frame, double fill) {
        long t0 = System.nanoTime();
        Letterbox box = letterbox(frame.cols(), frame.rows(), fill);
        return infer(box, box.inputWidth(), box.inputHeight(), toInput(frame, box), t0);
    }

    /**
     * Runs the model once more on the same frame at a smaller fill, resized from the previous pass's content rather
     * than from the frame: a 128 px image instead of a 640x480 one (an area resize of 640x480 to the rescue size, a
     * non-integer ratio, costs about ten times the 128 px one). The content covers the whole frame, so the letterbox
     * maps back exactly as if the frame itself had been resized.
     *
     * @param previous the last pass {@link #run} made (its content is still in the buffer)
     */
    Pass rerun(Pass previous, double fill) {
        long t0 = System.nanoTime();
        Letterbox last = previous.letterbox();
        if (!last.equals(contentBox)) {
            throw new IllegalStateException("the content of " + last + " is no longer in the buffer");
        }
        Letterbox box = letterbox(last.frameWidth(), last.frameHeight(), fill);
        if (box.contentWidth() > last.contentWidth() || box.contentHeight() > last.contentHeight()) {
            throw new IllegalArgumentException("fill " + fill + " is larger than the previous pass's");
        }
        return infer(box, box.inputWidth(), box.inputHeight(), toSmallerInput(box), t0);
    }

    private Pass infer(Letterbox box, int width, int height, FloatBuffer in, long t0) {
        long t1 = System.nanoTime();
        Map<String, float[]> out;
        try {
            out = graph.run(INPUT, in, new long[] {1, height, width, 3}, OUTPUTS);
        } catch (InferenceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        long t2 = System.nanoTime();
        letterboxNanos += t1 - t0;
        modelNanos += t2 - t1;
        passes++;
        return new Pass(box, width, height, out.get(SCORES_8), out.get(BOXES_8), out.get(SCORES_16), out.get(BOXES_16));
    }

    /** The merged detections of one pass scoring at least {@code minScore}, in model-input units, best first. */
    static List<BlazeFaceDecoder.Detection> candidates(Pass pass, float minScore, double iouThreshold) {
        return BlazeFaceDecoder.weightedNms(BlazeFaceDecoder.decode(pass.inputWidth(), pass.inputHeight(),
                pass.scores8(), pass.boxes8(), pass.scores16(), pass.boxes16(), minScore), iouThreshold);
    }

    /** {@link #faces(Mat, Pass, float, FaceGeometry.Rule)} without the verifier (it needs the frame). */
    List<DetectedFace> faces(Pass pass, float minScore, FaceGeometry.Rule verification) {
        return faces(null, pass, minScore, verification);
    }

    /**
     * The faces of one pass in frame pixels, largest first.
     *
     * @param frame        the frame the pass ran on, for the verifier's crops ({@code null}: no verifier)
     * @param verification the keypoint check each merged detection must pass, or {@code null}
     */
    List<DetectedFace> faces(Mat frame, Pass pass, float minScore, FaceGeometry.Rule verification) {
        long t0 = System.nanoTime();
        List<BlazeFaceDecoder.Detection> kept = new ArrayList<>();
        for (BlazeFaceDecoder.Detection d : candidates(pass, minScore, settings.iouThreshold())) {
            // Checked in model-input units, before the box is clamped to the frame (a face at the border keeps its shape).
            if (verification == null || verification.accepts(FaceGeometry.of(d))) {
                kept.add(d);
            }
        }
        decodeNanos += System.nanoTime() - t0;
        List<Kept> faces = frame == null ? Kept.unasked(kept) : verified(frame, pass.letterbox(), kept);
        long t1 = System.nanoTime();
        List<DetectedFace> out = inFrame(faces, pass.letterbox());
        decodeNanos += System.nanoTime() - t1;
        return out;
    }

    /** Detections mapped to frame pixels (empty boxes dropped), largest first. */
    private static List<DetectedFace> inFrame(List<Kept> ds, Letterbox box) {
        List<DetectedFace> faces = new ArrayList<>();
        for (Kept k : ds) {
            DetectedFace f = toFrame(k.detection(), box).withVerifierScore(k.verifierScore());
            if (f.box().area() > 0) {
                faces.add(f);
            }
        }
        faces.sort(Comparator.comparingInt((DetectedFace f) -> f.box().area()).reversed());
        return faces;
    }

    /**
     * The detections that are faces: those scoring from {@link FaceVerifier#TRUSTED_SCORE} and those whose crops the
     * verifier accepts (all of them when the verifier is off).
     */
    private List<Kept> verified(Mat frame, Letterbox box, List<BlazeFaceDecoder.Detection> ds) {
        if (verifier == null || ds.isEmpty()) {
            return Kept.unasked(ds);
        }
        List<Kept> out = new ArrayList<>();
        List<BlazeFaceDecoder.Detection> asked = new ArrayList<>();
        for (BlazeFaceDecoder.Detection d : ds) {
            if (d.score() >= FaceVerifier.TRUSTED_SCORE) {
                out.add(new Kept(d, Float.NaN));
            } else {
                asked.add(d);
            }
        }
        if (!asked.isEmpty()) {
            float[] p = verifierScores(frame, box, asked);
            for (int i = 0; i < asked.size(); i++) {
                if (p[i] >= settings.verifierMinScore()) {
                    out.add(new Kept(asked.get(i), p[i]));
                }
            }
        }
        return out;
    }

    /** A detection that is kept as a face, with the verifier's probability (NaN when it was not asked). */
    private record Kept(BlazeFaceDecoder.Detection detection, float verifierScore) {
        static List<Kept> unasked(List<BlazeFaceDecoder.Detection> ds) {
            return ds.stream().map(d -> new Kept(d, Float.NaN)).toList();
        }
    }

    /**
     * Cuts a square given in frame pixels for the verifier out of {@link #content}, the frame as the fill-1.0 pass
     * resized it (the rescue pass is resized from it too, so it is there for both): a 128 px image instead of the
     * frame, because cutting a face of a 640x480 frame straight to 32 px cost 0.2-0.6 ms, more than the verifier's
     * model run, and the content still has at least 32 px across every face BlazeFace finds from about 21 input
     * pixels up. The training crops are cut the same way ({@code VerifierCrops}).
     */
    void cutFromContent(FaceVerifier.Square frameSquare, Mat out) {
        if (contentBox == null) {
            throw new IllegalStateException("no pass has run on this frame");
        }
        double sx = contentBox.scaleX();
        double sy = contentBox.scaleY();
        FaceVerifier.cut(content, new FaceVerifier.Square(frameSquare.x0() * sx, frameSquare.y0() * sy,
                frameSquare.side() * sx), out);
    }

    /**
     * The verifier's face probability for each detection of a pass over {@code frame}, in one batch.
     *
     * @throws IllegalStateException when the verifier is off or its inference fails
     */
    float[] verifierScores(Mat frame, Letterbox box, List<BlazeFaceDecoder.Detection> ds) {
        if (verifier == null) {
            throw new IllegalStateException("the face verifier is off (verifierMinScore 0)");
        }
        if (contentBox == null || contentBox.frameWidth() != frame.cols() || contentBox.frameHeight() != frame.rows()) {
            throw new IllegalStateException("the detector's content is not of this frame");
        }
        long t0 = System.nanoTime();
        while (verifierCrops.size() < ds.size()) {
            verifierCrops.add(new Mat());
        }
        for (int i = 0; i < ds.size(); i++) {
            cutFromContent(FaceVerifier.Square.around(ds.get(i), box), verifierCrops.get(i));
        }
        float[] p = verifier.scores(verifierCrops.subList(0, ds.size()));
        verifierNanos += System.nanoTime() - t0;
        verifiedCrops += ds.size();
        return p;
    }

    /**
     * Writes the letterboxed frame into the input tensor: NHWC, RGB, (v / 127.5) - 1, padding 0. All in OpenCV on
     * preallocated buffers: the frame is resized first (so colour conversion and scaling touch only the 128 px
     * content, not the 640x480 frame), then converted straight into the tensor's memory, which {@link #main}
     * wraps. The padding is zeroed only when the letterbox changes (the content area is overwritten every time).
     */
    FloatBuffer toInput(Mat frame, Letterbox box) {
        box.resizeContent(frame, content, halfwayContent);
        contentBox = box;
        return write(content, box);
    }

    /** The input at a smaller letterbox of the same frame, resized from {@link #content} (see {@link #rerun}). */
    FloatBuffer toSmallerInput(Letterbox box) {
        Imgproc.resize(content, smallerContent, new Size(box.contentWidth(), box.contentHeight()), 0, 0,
                Imgproc.INTER_AREA);
        return write(smallerContent, box);
    }

    /** Writes the resized frame (size: the letterbox's content) into the input tensor at the letterbox's offset. */
    private FloatBuffer write(Mat resized, Letterbox box) {
        Mat inputMat = main.mat(box.inputWidth(), box.inputHeight());
        if (!box.equals(lastLetterbox)) {
            inputMat.setTo(Scalar.all(0));
            lastLetterbox = box;
        }
        Mat roi = inputMat.submat(new Rect(box.offsetX(), box.offsetY(), box.contentWidth(), box.contentHeight()));
        try {
            writeScaledRgb(resized, contentRgb, roi, "the input tensor's region");
        } finally {
            roi.release();
        }
        return main.floats();
    }

    /**
     * Converts a BGR (or grey, or BGRA) image to RGB in [-1, 1] straight into {@code dst}, a region of a tensor's
     * memory that ONNX Runtime reads in place; fails if OpenCV allocated new memory instead of writing there.
     */
    private static void writeScaledRgb(Mat image, Mat rgbScratch, Mat dst, String what) {
        int code = switch (image.channels()) {
            case 1 -> Imgproc.COLOR_GRAY2RGB;
            case 4 -> Imgproc.COLOR_BGRA2RGB;
            default -> Imgproc.COLOR_BGR2RGB;
        };
        Imgproc.cvtColor(image, rgbScratch, code);
        long address = dst.dataAddr();
        rgbScratch.convertTo(dst, CvType.CV_32F, 1 / 127.5, -1);
        if (dst.dataAddr() != address) {
            throw new IllegalStateException("OpenCV reallocated " + what + " instead of writing it");
        }
    }

    /** Maps a detection from model-input units to frame pixels through the letterbox (box clamped to the frame). */
    static DetectedFace toFrame(BlazeFaceDecoder.Detection d, Letterbox box) {
        double x0 = box.toFrameX(d.xMin() * SIZE);
        double y0 = box.toFrameY(d.yMin() * SIZE);
        double x1 = box.toFrameX(d.xMax() * SIZE);
        double y1 = box.toFrameY(d.yMax() * SIZE);
        int bx0 = (int) Math.round(x0);
        int by0 = (int) Math.round(y0);
        Box b = new Box(bx0, by0, (int) Math.round(x1) - bx0, (int) Math.round(y1) - by0)
                .clamp(box.frameWidth(), box.frameHeight());
        float[] kp = new float[2 * BlazeFaceDecoder.KEYPOINTS];
        for (int k = 0; k < BlazeFaceDecoder.KEYPOINTS; k++) {
            kp[2 * k] = (float) box.toFrameX(d.keypoints()[2 * k] * SIZE);
            kp[2 * k + 1] = (float) box.toFrameY(d.keypoints()[2 * k + 1] * SIZE);
        }
        return new DetectedFace(b, d.score(), FaceKeypoints.of(kp));
    }

    @Override
    public void close() {
        graph.close();
        if (verifier != null) {
            verifier.close();
        }
        verifierCrops.forEach(Mat::release);
        main.release();
        content.release();
        halfwayContent.release();
        contentRgb.release();
        smallerContent.release();
        second.release();
        zoomContent.release();
        zoomRgb.release();
    }
}
