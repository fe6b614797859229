import dev.vitlens.camera.MjpegClips;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import java.nio.file.Path;

/**
 * Writes a 640x480 MJPEG AVI demo clip (the camera tests' public-domain NASA astronaut portrait, slowly panning)
 * for the Live tab and its README screenshot.
 * Usage: java -cp target/vitlens.jar scripts/MakeDemoClip.java OUT.avi
 */
public class MakeDemoClip {
    public static void main(String[] args) {
        nu.pattern.OpenCV.loadLocally();
        Mat photo = Imgcodecs.imread("src/test/resources/dev/vitlens/camera/astronaut.png");
        if (photo.empty()) {
            throw new IllegalStateException("run from the repository root: astronaut.png not found");
        }
        Mat wide = new Mat();
        Imgproc.resize(photo, wide, new Size(800, 800));
        int frames = 150;
        MjpegClips.write(Path.of(args[0]), 640, 480, 30, frames, i -> {
            int x = (int) Math.round(160.0 * i / (frames - 1));
            return new Mat(wide, new Rect(x, 60, 640, 480)).clone();
        });
        System.out.println("wrote " + args[0]);
    }
}
