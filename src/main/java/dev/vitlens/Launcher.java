package dev.vitlens;

import dev.vitlens.cli.Cli;
import dev.vitlens.inference.CommandLineLimit;
import dev.vitlens.ui.VitLensApp;

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
            System.exit(Cli.run(args));
        }
        try {
            VitLensApp.launchApp(args);
        } catch (RuntimeException e) {
            // Typically no display (SSH, CI): say so instead of a stack trace.
            System.err.println("error: cannot open the GUI: " + e.getMessage()
                    + "\nThe command line works without a display: java -jar vitlens.jar --help");
            System.exit(1);
        }
    }
}
