package dev.vitlens;

import dev.vitlens.cli.Cli;
import dev.vitlens.inference.CommandLineLimit;
import dev.vitlens.inference.SessionGate;
import dev.vitlens.ui.VitLensApp;

import java.time.Duration;
import java.util.Optional;

/**
 * Main class of {@code vitlens.jar}. It does not extend {@code Application} so the jar runs from the classpath:
 * a CLI subcommand or option runs the command line and exits with its code; anything else (no arguments, or image
 * files) opens the GUI.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        Optional<String> tooLong = CommandLineLimit.problem(args);
        if (tooLong.isPresent()) {
            System.err.println("error: " + tooLong.get());
            System.exit(2);
        }
        if (Cli.handles(args)) {
            int code = Cli.run(args);
            drainInference();
            System.exit(code);
        }
        try {
            VitLensApp.launchApp(args);
        } catch (RuntimeException e) {
            // Typically no display (SSH, CI) or no GTK 3 (a minimal install): say so instead of a stack trace.
            System.err.println(guiFailureMessage(e.getMessage()));
            System.exit(1);
        }
        drainInference();
    }

    /** What the user reads when JavaFX cannot start, with the fix when the cause is a known one. */
    static String guiFailureMessage(String cause) {
        String hint = cause != null && cause.contains("GTK")
                // Glass needs GTK 3, which minimal and server installs lack (seen on a fresh Debian machine).
                ? "\nJavaFX needs GTK 3; on Debian or Ubuntu: sudo apt install libgtk-3-0"
                : "";
        return "error: cannot open the GUI: " + cause + hint
                + "\nThe command line works without a display: java -jar vitlens.jar --help";
    }

    /** How long the exit waits for a model run still in progress (a cancelled job finishes its current batch). */
    static final Duration EXIT_DRAIN = Duration.ofSeconds(30);

    /**
     * ONNX Runtime frees its native environment in a JVM shutdown hook, under any session still running on a worker
     * thread (a SIGSEGV at exit, issue 19): refuse new runs and let the running ones finish first.
     */
    private static void drainInference() {
        if (!SessionGate.drainForExit(EXIT_DRAIN)) {
            System.err.println("warning: a model was still running " + EXIT_DRAIN.toSeconds() + " s after exit was"
                    + " requested; exiting anyway");
        }
    }
}
