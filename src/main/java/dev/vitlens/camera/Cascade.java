package dev.vitlens.camera;

import dev.vitlens.output.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The OpenCV face cascades shipped as resources (from Debian's opencv-data, licence headers intact). OpenCV's
 * CascadeClassifier only loads from a file path, so each resource is extracted once to a cache folder.
 */
public enum Cascade {
    HAAR_DEFAULT("haarcascade_frontalface_default.xml"),
    HAAR_ALT("haarcascade_frontalface_alt.xml"),
    HAAR_ALT2("haarcascade_frontalface_alt2.xml"),
    HAAR_ALT_TREE("haarcascade_frontalface_alt_tree.xml"),
    HAAR_PROFILE("haarcascade_profileface.xml"),
    LBP("lbpcascade_frontalface.xml"),
    LBP_IMPROVED("lbpcascade_frontalface_improved.xml"),
    /** Eyes, not faces: {@link FaceDetector} turns pairs of eyes into a face box (finds faces whose mouth is masked). */
    HAAR_EYE("haarcascade_eye.xml"),
    /** Eyes with or without glasses, used like {@link #HAAR_EYE}. */
    HAAR_EYE_GLASSES("haarcascade_eye_tree_eyeglasses.xml");

    private static final ConcurrentMap<Cascade, Path> EXTRACTED = new ConcurrentHashMap<>();

    private final String resourceName;

    Cascade(String resourceName) {
        this.resourceName = resourceName;
    }

    /** {@code true} for eye cascades, whose hits are paired into face boxes rather than used as faces. */
    public boolean findsEyes() {
        return this == HAAR_EYE || this == HAAR_EYE_GLASSES;
    }

    public String resourceName() {
        return resourceName;
    }

    /** Short lower-case name for command lines and tables, e.g. {@code haar_alt2}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Cascade fromId(String id) {
        for (Cascade c : values()) {
            if (c.id().equalsIgnoreCase(id.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("Unknown cascade '" + id + "'; known: "
                + java.util.Arrays.stream(values()).map(Cascade::id).toList());
    }

    /** Path of the extracted XML, extracting it on first use. */
    public Path file() {
        return EXTRACTED.computeIfAbsent(this, Cascade::extract);
    }

    private static Path extract(Cascade c) {
        try (InputStream in = Cascade.class.getResourceAsStream(c.resourceName)) {
            if (in == null) {
                throw new IllegalStateException("Cascade resource missing from the build: " + c.resourceName);
            }
            byte[] bytes = in.readAllBytes();
            Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                    "vitlens-cascades-" + System.getProperty("user.name", "user"));
            Files.createDirectories(dir);
            Path target = dir.resolve(c.resourceName);
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                return target;
            }
            // Atomic so a concurrent process never loads a half-written cascade.
            AtomicFiles.write(target, bytes);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract face cascade " + c.resourceName + ": " + e.getMessage(), e);
        }
    }
}
