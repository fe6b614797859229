package dev.vitlens.imaging;

import dev.vitlens.bench.Harness;
import dev.vitlens.bench.Stats;
import dev.vitlens.catalog.ResampleMethod;
import dev.vitlens.imaging.baseline.PilResamplerBaseline;
import java.util.Locale;
import java.util.Random;

/**
 * Before/after timing of the imaging speed changes in one JVM, interleaved (not a unit test):
 * {@code java -cp target/test-classes:target/classes:'target/lib/*' dev.vitlens.imaging.ImagingSpeedCheck [iters [PNG...]]}
 */
public final class ImagingSpeedCheck {
    private ImagingSpeedCheck() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Harness h = new Harness(iterations / 2, iterations);
        for (int i = 1; i < args.length; i++) {
            decode(java.nio.file.Path.of(args[i]), h);
        }
        Random r = new Random(1);
        int[][] cases = {{320, 240, 224, 224}, {640, 480, 224, 224}, {1280, 720, 224, 224}, {28, 28, 64, 64}};
        for (int[] c : cases) {
            byte[] px = new byte[c[0] * c[1] * 3];
            r.nextBytes(px);
            RgbImage img = new RgbImage(c[0], c[1], px);
            for (ResampleMethod m : new ResampleMethod[] {ResampleMethod.BILINEAR, ResampleMethod.BICUBIC}) {
                Stats[] s = h.interleaved(() -> PilResamplerBaseline.resize(img, c[2], c[3], m),
                        () -> PilResampler.resize(img, c[2], c[3], m));
                print(String.format(Locale.ROOT, "resize %dx%d -> %dx%d %s", c[0], c[1], c[2], c[3], m), s);
            }
        }
    }

    /** Decode before (head read + ImageIO file stream) and after (one read, memory stream), same JVM, interleaved. */
    public static void decode(java.nio.file.Path file, Harness h) throws Exception {
        Stats[] s = h.interleaved(() -> {
            byte[] head;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                head = in.readNBytes(256 * 1024);
            }
            try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
                javax.imageio.ImageReader r = javax.imageio.ImageIO.getImageReaders(in).next();
                r.setInput(in, true, true);
                ImageConversion.toRgb(r.read(0));
                r.dispose();
            }
        }, () -> ImageDecoder.decode(file, 0));
        print("decode " + file.getFileName() + " (file stream vs memory)", s);
    }

    private static void print(String what, Stats[] s) {
        System.out.printf(Locale.ROOT, "%-46s before %8.3f ms (p95 %8.3f)   after %8.3f ms (p95 %8.3f)   %.2fx%n",
                what, s[0].medianMs(), s[0].p95Ms(), s[1].medianMs(), s[1].p95Ms(), s[0].medianMs() / s[1].medianMs());
    }
}
