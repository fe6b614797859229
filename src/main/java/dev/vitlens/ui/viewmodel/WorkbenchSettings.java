package dev.vitlens.ui.viewmodel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** What the workbench remembers between runs, in a java.util.prefs node (tests pass a throwaway node). */
public final class WorkbenchSettings {

    static final int MAX_RECENT = 10;
    private static final String RECENT = "recentFiles";
    private static final String LAST_MODEL = "lastModel";
    private static final String WIDTH = "windowWidth";
    private static final String HEIGHT = "windowHeight";
    private static final String DARK = "darkTheme";

    private final Preferences node;

    public WorkbenchSettings(Preferences node) {
        this.node = Objects.requireNonNull(node);
    }

    public static WorkbenchSettings forUser() {
        return new WorkbenchSettings(Preferences.userRoot().node("dev/vitlens/workbench"));
    }

    public List<Path> recentFiles() {
        List<Path> paths = new ArrayList<>();
        for (String line : node.get(RECENT, "").split("\n")) {
            if (!line.isBlank()) {
                try {
                    paths.add(Path.of(line));
                } catch (RuntimeException ignored) {
                    // A path from another OS or a damaged entry: skip it rather than lose the rest.
                }
            }
        }
        return paths;
    }

    /** Puts {@code file} first, drops duplicates, keeps the newest {@value #MAX_RECENT}. */
    public List<Path> addRecent(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        List<Path> paths = new ArrayList<>(recentFiles());
        paths.remove(absolute);
        paths.add(0, absolute);
        while (paths.size() > MAX_RECENT) {
            paths.remove(paths.size() - 1);
        }
        StringBuilder joined = new StringBuilder();
        for (Path path : paths) {
            joined.append(path).append('\n');
        }
        // Preferences values are limited to 8 KB; ten paths fit, but cut rather than throw.
        String value = joined.length() > Preferences.MAX_VALUE_LENGTH
                ? joined.substring(0, joined.lastIndexOf("\n", Preferences.MAX_VALUE_LENGTH - 1) + 1)
                : joined.toString();
        node.put(RECENT, value);
        return recentFiles();
    }

    public String lastModel() {
        return node.get(LAST_MODEL, "");
    }

    public void setLastModel(String modelId) {
        node.put(LAST_MODEL, modelId);
    }

    public double windowWidth() {
        return node.getDouble(WIDTH, 1280);
    }

    public double windowHeight() {
        return node.getDouble(HEIGHT, 820);
    }

    public void setWindowSize(double width, double height) {
        node.putDouble(WIDTH, width);
        node.putDouble(HEIGHT, height);
    }

    public boolean darkTheme() {
        return node.getBoolean(DARK, false);
    }

    public void setDarkTheme(boolean dark) {
        node.putBoolean(DARK, dark);
    }

    /**
     * Writes to the backing store. Setters don't call it: they only change memory (the FX thread never does I/O),
     * and java.util.prefs syncs in its own background timer and at exit; call this from a worker or at shutdown.
     */
    public void flush() {
        try {
            node.flush();
        } catch (BackingStoreException e) {
            // Not being able to remember settings must not break the app; the values stay for this run.
        }
    }
}
