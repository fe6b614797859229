package dev.vitlens.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Guards against an ONNX Runtime 1.29 start-up crash: when the process's command line is longer than about 58 KB,
 * creating ORT's environment kills the JVM with SIGSEGV and no message (measured on Linux x64 with a plain
 * {@code OrtEnvironment.getEnvironment()}: a 58,143-byte {@code /proc/self/cmdline} works, 58,153 bytes crash, on
 * any thread stack size; a large environment does not matter). That is about 1,400 image paths of 40 characters.
 * The launcher checks first and explains instead of dying; picocli's {@code @FILE} argument files avoid the limit.
 */
public final class CommandLineLimit {
    /** Below the measured crash with a margin, so JVM options added by a launcher script stay safe. */
    public static final int MAX_BYTES = 56 * 1024;

    private CommandLineLimit() {
    }

    /** Why this process must not start ONNX Runtime, or empty when its command line is short enough. */
    public static Optional<String> problem(String[] args) {
        return problem(commandLineBytes(args));
    }

    static Optional<String> problem(long bytes) {
        if (bytes <= MAX_BYTES) {
            return Optional.empty();
        }
        return Optional.of(String.format(java.util.Locale.ROOT, "the command line is %.0f KB long, and ONNX Runtime "
                + "1.29 crashes at start-up when it is longer than about 58 KB. Pass the folder instead of its "
                + "files, or write the paths to a file, one per line, and pass @FILE "
                + "(e.g. vitlens classify -m MODEL @images.txt)", bytes / 1024.0));
    }

    /** {@code /proc/self/cmdline} where the OS has it (it includes JVM options); else the arguments' length. */
    static long commandLineBytes(String[] args) {
        Path self = Path.of("/proc/self/cmdline");
        if (Files.isReadable(self)) {
            try {
                return Files.size(self) > 0 ? Files.readAllBytes(self).length : argumentBytes(args);
            } catch (IOException | UnsupportedOperationException e) {
                // fall through to the estimate
            }
        }
        return argumentBytes(args);
    }

    static long argumentBytes(String[] args) {
        long bytes = 0;
        for (String arg : args) {
            bytes += arg.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1L;
        }
        return bytes;
    }
}
