package dev.vitlens.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Facts about the machine for the report. */
final class Machine {
    private Machine() {
    }

    /** The "model name" line of /proc/cpuinfo, else os.arch. */
    static String cpuName() {
        Path cpuinfo = Paths.get("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).strip();
                    }
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return System.getProperty("os.arch");
    }

    static String ortVersion() {
        try {
            return "ONNX Runtime " + dev.vitlens.inference.ModelRunner.sharedEnvironment().getVersion();
        } catch (Exception | LinkageError e) {
            return "ONNX Runtime (version unknown)";
        }
    }
}
