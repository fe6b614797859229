package dev.vitlens.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Which held-out face-mask images (odd file indexes, the ones the face verifier never trained on) the operating point
 * finds on the square input only, and which on the trimmed input only, with their sizes and the trimmed letterbox:
 * what {@code docs/face-detection.md} ("Trimmed input") says about the faces the trimmed input loses.
 *
 * <pre>
 * java -Xss16m -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.camera.TrimmedInputDiff \
 *      ../shared/data/face-mask/with_mask
 * </pre>
 */
public final class TrimmedInputDiff {
    private TrimmedInputDiff() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
            System.err.println("usage: TrimmedInputDiff DIR (a folder of face images, e.g. ../shared/data/face-mask/with_mask)");
            System.exit(2);
        }
        OpenCvNatives.ensureLoaded();
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(args[0]))) {
            files = s.sorted().toList();
        }
        BlazeFaceDetector.Settings op = BlazeFaceDetector.Settings.defaults();
        try (BlazeFaceDetector square = BlazeFaceDetector.open(op.withSquareInput(true));
             BlazeFaceDetector trimmed = BlazeFaceDetector.open(op)) {
            int both = 0;
            int squareOnly = 0;
            int trimmedOnly = 0;
            int neither = 0;
            for (int i = 1; i < files.size(); i += 2) {
                Mat m = Imgcodecs.imread(files.get(i).toString(), Imgcodecs.IMREAD_COLOR);
                if (m.empty()) {
                    continue;
                }
                boolean a = !square.find(m).isEmpty();
                boolean b = !trimmed.find(m).isEmpty();
                Letterbox box = trimmed.letterbox(m.cols(), m.rows(), 1.0);
                String what = files.get(i).getFileName() + " " + m.cols() + "x" + m.rows() + " (trimmed input "
                        + box.inputWidth() + "x" + box.inputHeight() + ")";
                if (a && b) {
                    both++;
                } else if (a) {
                    squareOnly++;
                    System.out.println("square only:  " + what);
                } else if (b) {
                    trimmedOnly++;
                    System.out.println("trimmed only: " + what);
                } else {
                    neither++;
                }
                m.release();
            }
            System.out.printf("held-out images: found by both %d, square only %d, trimmed only %d, neither %d%n", both,
                    squareOnly, trimmedOnly, neither);
        }
    }
}
