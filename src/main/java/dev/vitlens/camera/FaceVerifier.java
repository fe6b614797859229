package dev.vitlens.camera;

import dev.vitlens.inference.InferenceException;
import dev.vitlens.inference.ModelLoadException;
import dev.vitlens.inference.OnnxGraph;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * The second stage of face detection (issue 16): a small CNN that looks at a 32x32 crop around each BlazeFace
 * detection and says whether it is a face. BlazeFace alone cannot reach 90% masked-face recall without boxes on
 * about 6% of face-free images (docs/face-detection.md); its own keypoints and re-scoring passes were measured and
 * were not enough, so this stage sees the pixels again, trained (models/recipes/face_verifier.py) on BlazeFace's own
 * detections: the face-mask images' faces against what it finds in face-free images (Fashion-MNIST training images,
 * Debian desktop wallpapers, synthetic images).
 * <p>
 * The crop ({@link Square#around}) is a square of {@link #CONTEXT} box sides centred on the box, in frame pixels; the
 * detector cuts it out of the frame as its first pass resized it ({@link BlazeFaceDetector#cutFromContent}) and
 * {@link #cut} scales it to 32x32 (area averaging when shrinking), mid-grey where it leaves the frame. The training
 * crops are cut by this same code ({@code VerifierCrops}), so training and use see identical pixels.
 * Thread-safe for {@link #scores}: no buffers are shared between calls.
 */
public final class FaceVerifier implements AutoCloseable {

    /** The bundled model, next to this class. */
    public static final String RESOURCE = "face_verifier_32.onnx";
    /** Side of the crop the model reads. */
    public static final int SIZE = 32;
    /** The crop's side in box sides (the box's longer side): the face and some hair, chin and background. */
    public static final double CONTEXT = 1.5;
    /**
     * Detections scoring at least this are faces without asking the verifier: no face-free image measured has one
     * (0 of the 500 {@code NonFaceImages}, 1 of 2,240 held-out wallpaper crops), while most unmasked faces do, so a
     * frame with a clear face costs no verifier run (docs/face-detection.md, "Face verifier").
     */
    public static final float TRUSTED_SCORE = 0.80f;
    static final String INPUT = "crops";
    static final String OUTPUT = "face_logit";

    private final OnnxGraph graph;

    private FaceVerifier(OnnxGraph graph) {
        this.graph = graph;
    }

    /** A square region of a frame in frame pixels; it may reach outside the frame. */
    public record Square(double x0, double y0, double side) {

        /**
         * The crop of a detection: {@code context} times the longer side of its box (unclamped, mapped to the frame
         * through the letterbox), centred on the box. {@code scale} and the shifts (in crop sides) are 1 and 0 for
         * use; the training recipe also cuts scaled and shifted crops.
         */
        public static Square around(BlazeFaceDecoder.Detection d, Letterbox box, double context, double scale,
                                    double shiftX, double shiftY) {
            double s = box.inputSize();
            double x0 = box.toFrameX(d.xMin() * s);
            double x1 = box.toFrameX(d.xMax() * s);
            double y0 = box.toFrameY(d.yMin() * s);
            double y1 = box.toFrameY(d.yMax() * s);
            double side = context * scale * Math.max(x1 - x0, y1 - y0);
            double cx = (x0 + x1) / 2 + shiftX * side;
            double cy = (y0 + y1) / 2 + shiftY * side;
            return new Square(cx - side / 2, cy - side / 2, side);
        }

        /** The crop used at run time. */
        public static Square around(BlazeFaceDecoder.Detection d, Letterbox box) {
            return around(d, box, CONTEXT, 1, 0, 0);
        }
    }

    /**
     * Cuts the square out of the frame into {@code out} (8-bit, 3 channels BGR, {@value #SIZE}x{@value #SIZE}): the
     * part inside the frame resized to its place, the rest mid-grey (128).
     */
    public static void cut(Mat frame, Square s, Mat out) {
        out.create(SIZE, SIZE, CvType.CV_8UC3);
        out.setTo(Scalar.all(128));
        SquareCut cut = frame.empty() ? null : SquareCut.of(s.x0(), s.y0(), s.side(), frame.cols(), frame.rows(), SIZE);
        if (cut == null) {
            return;
        }
        Mat part = frame.submat(cut.from());
        Mat dst = out.submat(cut.to());
        Mat bgr = new Mat();
        try {
            Mat src = part;
            if (frame.channels() != 3) {
                Imgproc.cvtColor(part, bgr, frame.channels() == 1 ? Imgproc.COLOR_GRAY2BGR : Imgproc.COLOR_BGRA2BGR);
                src = bgr;
            }
            Imgproc.resize(src, dst, dst.size(), 0, 0, cut.shrinks() ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
        } finally {
            part.release();
            dst.release();
            bgr.release();
        }
    }

    /** Loads the bundled model. */
    public static FaceVerifier open() throws BlazeFaceDetector.UnavailableException {
        byte[] bytes;
        try (InputStream in = FaceVerifier.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is missing from the build");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new BlazeFaceDetector.UnavailableException("cannot read the face verifier: " + e.getMessage(), e);
        }
        return open(RESOURCE, bytes);
    }

    static FaceVerifier open(String name, byte[] onnx) throws BlazeFaceDetector.UnavailableException {
        OnnxGraph graph = null;
        try {
            graph = OnnxGraph.load(name, onnx, 1);
            long[] in = graph.shape(INPUT);
            long[] out = graph.shape(OUTPUT);
            if (in.length != 4 || in[1] != SIZE || in[2] != SIZE || in[3] != 3 || out.length != 2 || out[1] != 1) {
                throw new ModelLoadException(name + ": expected " + INPUT + " [N,32,32,3] and " + OUTPUT + " [N,1], got "
                        + Arrays.toString(in) + " and " + Arrays.toString(out));
            }
            return new FaceVerifier(graph);
        } catch (ModelLoadException | RuntimeException | LinkageError e) {
            if (graph != null) {
                graph.close();
            }
            throw new BlazeFaceDetector.UnavailableException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    /**
     * The face probability of each crop, in one batch.
     *
     * @param crops 8-bit BGR {@value #SIZE}x{@value #SIZE} crops, as {@link #cut} makes them
     * @throws IllegalStateException when inference fails
     */
    public float[] scores(List<Mat> crops) {
        if (crops.isEmpty()) {
            return new float[0];
        }
        int n = crops.size();
        ByteBuffer bytes = ByteBuffer.allocateDirect(n * SIZE * SIZE * 3 * Float.BYTES).order(ByteOrder.nativeOrder());
        Mat batch = new Mat(n * SIZE, SIZE, CvType.CV_32FC3, bytes);
        Mat rgb = new Mat();
        try {
            for (int i = 0; i < n; i++) {
                Mat c = crops.get(i);
                if (c.rows() != SIZE || c.cols() != SIZE || c.type() != CvType.CV_8UC3) {
                    throw new IllegalArgumentException("crop " + i + " is not an 8-bit BGR " + SIZE + "x" + SIZE + " image");
                }
                Imgproc.cvtColor(c, rgb, Imgproc.COLOR_BGR2RGB);
                Mat dst = batch.rowRange(i * SIZE, (i + 1) * SIZE);
                long address = dst.dataAddr();
                rgb.convertTo(dst, CvType.CV_32F, 1 / 127.5, -1);
                boolean inPlace = dst.dataAddr() == address;
                dst.release();
                if (!inPlace) {
                    throw new IllegalStateException("OpenCV reallocated the verifier's input instead of writing it");
                }
            }
        } finally {
            batch.release();
            rgb.release();
        }
        FloatBuffer in = bytes.asFloatBuffer();
        Map<String, float[]> out;
        try {
            out = graph.run(INPUT, in, new long[] {n, SIZE, SIZE, 3}, List.of(OUTPUT));
        } catch (InferenceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        float[] logits = out.get(OUTPUT);
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
        return p;
    }

    @Override
    public void close() {
        graph.close();
    }
}
