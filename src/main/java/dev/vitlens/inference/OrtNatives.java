package dev.vitlens.inference;

import dev.vitlens.output.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts ONNX Runtime's native libraries once into a versioned cache folder and points ORT at it with
 * {@code onnxruntime.native.path}. Without this the GPU build copies its ~580 MB CUDA provider to a temp folder on
 * every start. Must run before any {@code ai.onnxruntime} class is initialised, so it only touches the jar as a
 * resource. Disable with {@code -Dvitlens.ort.nativeCache=false}.
 */
public final class OrtNatives {
    public static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";
    public static final String CACHE_DIR_PROPERTY = "vitlens.cache.dir";
    public static final String ENABLE_PROPERTY = "vitlens.ort.nativeCache";

    private static final Pattern POM_VERSION = Pattern.compile(
            "<artifactId>onnxruntime(?:_gpu)?</artifactId>\\s*<version>([^<]+)</version>");

    private static volatile String status = "not prepared";

    private OrtNatives() {
    }

    /** What {@link #prepare()} did, for diagnostics ("cached in ...", "disabled", "failed: ..."). */
    public static String status() {
        return status;
    }

    /**
     * Ensures the cache exists and sets {@code onnxruntime.native.path} (unless already set). Never throws: on any
     * problem ORT falls back to its own extraction and the reason is kept in {@link #status()}.
     */
    public static synchronized Optional<Path> prepare() {
        String existing = System.getProperty(NATIVE_PATH_PROPERTY);
        if (existing != null && !existing.isBlank()) {
            status = "using " + NATIVE_PATH_PROPERTY + "=" + existing;
            return Optional.of(Paths.get(existing));
        }
        if ("false".equalsIgnoreCase(System.getProperty(ENABLE_PROPERTY))) {
            status = "disabled";
            return Optional.empty();
        }
        try {
            Optional<Path> dir = extract();
            dir.ifPresent(d -> {
                System.setProperty(NATIVE_PATH_PROPERTY, d.toString());
                status = "cached in " + d;
            });
            return dir;
        } catch (IOException | RuntimeException e) {
            status = "failed: " + e;
            return Optional.empty();
        }
    }

    static Optional<Path> extract() throws IOException {
        String osArch = osArch();
        String prefix = "ai/onnxruntime/native/" + osArch + "/";
        ClassLoader loader = OrtNatives.class.getClassLoader();
        URL probe = loader.getResource(prefix + System.mapLibraryName("onnxruntime4j_jni"));
        if (probe == null) {
            status = "no bundled natives for " + osArch;
            return Optional.empty();
        }
        URLConnection connection = probe.openConnection();
        if (!(connection instanceof JarURLConnection jarConnection)) {
            // Natives are plain files (exploded classpath): ORT can load them where they are.
            Path folder = Paths.get(URI(probe)).getParent();
            return Optional.of(folder);
        }
        jarConnection.setUseCaches(false);
        try (JarFile jar = jarConnection.getJarFile()) {
            String version = ortVersion(loader).orElseGet(() -> "crc" + Long.toHexString(crcOf(jar, prefix)));
            Path target = cacheRoot().resolve("ort-natives").resolve(version + "-" + osArch);
            if (Files.isDirectory(target)) {
                return Optional.of(target);
            }
            // Published whole: a concurrent start either sees the complete folder or none, and uses whichever
            // copy was renamed first.
            AtomicFiles.writeSharedFolder(target, temp -> {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                    JarEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (!entry.isDirectory() && name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            Files.copy(in, temp.resolve(name.substring(prefix.length())));
                        }
                    }
                }
            });
            return Optional.of(target);
        }
    }

    private static java.net.URI URI(URL url) throws IOException {
        try {
            return url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static long crcOf(JarFile jar, String prefix) {
        JarEntry e = jar.getJarEntry(prefix + System.mapLibraryName("onnxruntime"));
        return e == null ? 0 : e.getCrc() ^ e.getSize();
    }

    static Optional<String> ortVersion(ClassLoader loader) {
        for (String artifact : new String[] {"onnxruntime_gpu", "onnxruntime"}) {
            try (InputStream in = loader.getResourceAsStream(
                    "META-INF/maven/com.microsoft.onnxruntime/" + artifact + "/pom.xml")) {
                if (in != null) {
                    Matcher m = POM_VERSION.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    if (m.find()) {
                        return Optional.of(m.group(1).trim());
                    }
                }
            } catch (IOException ignored) {
                // try the next one
            }
        }
        return Optional.empty();
    }

    /** Same naming as ORT's OnnxRuntime.initOsArch. */
    static String osArch() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String detectedOs = os.contains("mac") || os.contains("darwin") ? "osx"
                : os.contains("win") ? "win" : os.contains("nux") ? "linux" : os;
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String detectedArch = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
        return detectedOs + "-" + detectedArch;
    }

    /** {@code -Dvitlens.cache.dir}, else {@code $XDG_CACHE_HOME/vitlens}, else {@code ~/.cache/vitlens}. */
    public static Path cacheRoot() {
        String property = System.getProperty(CACHE_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Paths.get(property);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path home = Paths.get(System.getProperty("user.home", "."));
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return (local != null ? Paths.get(local) : home.resolve("AppData").resolve("Local"))
                    .resolve("ViTLens").resolve("cache");
        }
        if (os.contains("mac")) {
            return home.resolve("Library").resolve("Caches").resolve("ViTLens");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() && Paths.get(xdg).isAbsolute() ? Paths.get(xdg)
                : home.resolve(".cache")).resolve("vitlens");
    }
}
