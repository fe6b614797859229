package dev.vitlens.internals;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.inference.AttentionModelCache;
import dev.vitlens.inference.BigStack;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Times the teaching views' heavy part per image: {@link InternalsSession#analyse} (one forward pass with attentions
 * and hidden states), {@link LogitLens#compute} (the read-out on every layer and every patch) and
 * {@link SpecialTokens#compute}, plus opening the session (derivation cached in a temporary folder, so the first
 * open includes the surgery). Prints medians in milliseconds.
 *
 * <p>Run: {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.vitlens.internals.InternalsBenchmark
 * [iterations] [model folder]...} (default: the bundled models).
 */
public final class InternalsBenchmark {
    private InternalsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String[] dirs = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"models/vit-fashion", "models/deit-mask", "models/beit-fashion"};
        Path cache = Files.createTempDirectory("vitlens-internals-bench");
        RunnerOptions options = RunnerOptions.on(Device.CPU);
        BigStack.call("internals-bench", () -> {
            for (String dir : dirs) {
                ModelInfo info = ModelFolder.load(Path.of(dir));
                long t0 = System.nanoTime();
                try (InternalsSession session = InternalsSession.open(info, options, new AttentionModelCache(cache))) {
                    double openMs = (System.nanoTime() - t0) / 1e6;
                    RgbImage image = image(info.inputWidth(), info.inputHeight());
                    Readout readout = session.readout().orElse(null);
                    ModelInternals internals = session.analyse(image);
                    long[] analyse = new long[iterations];
                    long[] lens = new long[iterations];
                    long[] tokens = new long[iterations];
                    for (int i = 0; i < iterations; i++) {
                        long a = System.nanoTime();
                        internals = session.analyse(image);
                        long b = System.nanoTime();
                        if (readout != null) {
                            LogitLens.compute(internals, readout);
                        }
                        long c = System.nanoTime();
                        SpecialTokens.compute(internals, readout);
                        long d = System.nanoTime();
                        analyse[i] = b - a;
                        lens[i] = c - b;
                        tokens[i] = d - c;
                    }
                    System.out.printf(Locale.ROOT, "%-40s open %8.1f ms  analyse %7.2f ms  lens %7.2f ms  tokens %6.2f"
                                    + " ms  (%d layers, %d tokens, read-out %s)%n", info.id(), openMs, median(analyse),
                            median(lens), median(tokens), info.layout().layers(), info.layout().tokens(),
                            readout == null ? "none: " + session.noReadoutReason()
                                    : readout.readsTwoTokenStates() ? "2-token" : "full-length");
                }
            }
            return null;
        });
    }

    private static RgbImage image(int width, int height) {
        byte[] px = new byte[width * height * 3];
        new Random(1).nextBytes(px);
        return new RgbImage(width, height, px);
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
