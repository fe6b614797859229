package dev.vitlens.cli;

import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine;

/** Builds and runs the picocli command line. */
public final class Cli {
    /** Usage errors, unknown models, unloadable models. */
    public static final int EXIT_USAGE = 2;
    /** At least one input failed while the rest were processed. */
    public static final int EXIT_SOME_FAILED = 1;

    private Cli() {
    }

    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new VitLensCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("error: " + messageOf(ex));
            if (Boolean.getBoolean("vitlens.debug")) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_USAGE;
        });
        return cl;
    }

    /** Runs the CLI and returns the exit code (does not exit). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    /** True when the arguments are for the CLI (a subcommand or an option) rather than files for the GUI. */
    public static boolean handles(String[] args) {
        if (args == null || args.length == 0) {
            return false;
        }
        String first = args[0];
        return first.startsWith("-") || subcommandNames().contains(first);
    }

    /**
     * Names from the root command's annotation: building the whole picocli model just to decide CLI vs GUI would
     * cost a second reflective pass over every command on each start.
     */
    public static Set<String> subcommandNames() {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (Class<?> sub : VitLensCommand.class.getAnnotation(CommandLine.Command.class).subcommands()) {
            CommandLine.Command c = sub.getAnnotation(CommandLine.Command.class);
            if (c != null) {
                names.add(c.name());
                names.addAll(java.util.Arrays.asList(c.aliases()));
            }
        }
        return names;
    }

    static String messageOf(Throwable ex) {
        if (ex instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            // NIO's message is often only the path; say what went wrong with it.
            String what = f instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : f instanceof java.nio.file.NoSuchFileException
                    ? "no such file or folder (or the file system does not allow creating it)"
                    : f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            return f.getFile() + ": " + what;
        }
        String message = ex.getMessage();
        return message == null || message.isBlank() ? ex.toString() : message;
    }
}
