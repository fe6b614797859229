package dev.vitlens.catalog;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Where model folders live: the bundled {@code models/} folder and the per-user folder. */
public final class ModelDirectories {
    /** System property naming the bundled models folder (tests, packaged installs). */
    public static final String MODELS_DIR_PROPERTY = "vitlens.models.dir";
    /** System property naming the per-user data folder that holds {@code models/} (tests). */
    public static final String USER_DIR_PROPERTY = "vitlens.user.dir";

    private ModelDirectories() {
    }

    /**
     * The bundled models folder: {@code -Dvitlens.models.dir}, else {@code models/} in the working directory, else
     * next to the jar ({@code <jar dir>/../models}, {@code <jar dir>/models}). Empty when none exists.
     */
    public static Optional<Path> bundled() {
        String property = System.getProperty(MODELS_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(Paths.get(property).toAbsolutePath().normalize());
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(Paths.get("models"));
        codeLocation().ifPresent(jarDir -> {
            if (jarDir.getParent() != null) {
                candidates.add(jarDir.getParent().resolve("models"));
            }
            candidates.add(jarDir.resolve("models"));
        });
        return candidates.stream().filter(Files::isDirectory).map(p -> p.toAbsolutePath().normalize()).findFirst();
    }

    /** Per-user models folder (may not exist yet). */
    public static Path user() {
        return userDataDir().resolve("models");
    }

    /**
     * Per-user data folder: {@code -Dvitlens.user.dir}; Linux {@code $XDG_DATA_HOME/vitlens} (default
     * {@code ~/.local/share/vitlens}); Windows {@code %APPDATA%\ViTLens}; macOS
     * {@code ~/Library/Application Support/ViTLens}.
     */
    public static Path userDataDir() {
        String property = System.getProperty(USER_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Paths.get(property).toAbsolutePath().normalize();
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Paths.get(System.getProperty("user.home", "."));
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            Path base = appData != null && !appData.isBlank() ? Paths.get(appData)
                    : home.resolve("AppData").resolve("Roaming");
            return base.resolve("ViTLens");
        }
        if (os.contains("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("ViTLens");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() && Paths.get(xdg).isAbsolute() ? Paths.get(xdg)
                : home.resolve(".local").resolve("share");
        return base.resolve("vitlens");
    }

    /** The folder holding the running jar (or the classes folder when run from an IDE/Maven). */
    static Optional<Path> codeLocation() {
        try {
            var source = ModelDirectories.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path location = Paths.get(source.getLocation().toURI());
            return Optional.ofNullable(Files.isDirectory(location) ? location : location.getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
