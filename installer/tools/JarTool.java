import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Jar surgery for the installers, run as a single-file program ({@code java installer/tools/JarTool.java ...})
 * so the packaging needs nothing but the JDK on every OS (no zip/unzip on stock Windows).
 *
 * <ul>
 *   <li>{@code filter <in.jar> <out.jar> <dropPrefix> [keepPrefix ...]}: copies the jar without the
 *       entries under {@code dropPrefix}, except those under one of the {@code keepPrefix}es. Used to
 *       strip the other platforms' native libraries from the ONNX Runtime and OpenCV jars.</li>
 *   <li>{@code extract <in.jar> <dirPrefix> <outDir>}: writes the files directly under
 *       {@code dirPrefix} (not its sub-folders, e.g. macOS .dSYM debug bundles) into {@code outDir}.</li>
 *   <li>{@code classpath <jar>}: prints the manifest {@code Class-Path} entries, one a line.</li>
 *   <li>{@code classes <outDir> <jar>...}: extracts the class files (without {@code module-info} and
 *       multi-release copies) so jdeps can analyse them as plain class-path code: jdeps refuses modular
 *       jars whose required modules are absent (commons-compress requires commons-lang3, which is not
 *       on our run-time class path).</li>
 * </ul>
 */
public final class JarTool {

    public static void main(String[] args) throws IOException {
        if (args.length >= 4 && args[0].equals("filter")) {
            filter(Path.of(args[1]), Path.of(args[2]), args[3], Arrays.asList(args).subList(4, args.length));
        } else if (args.length == 4 && args[0].equals("extract")) {
            int count = extract(Path.of(args[1]), args[2], Path.of(args[3]));
            if (count == 0) {
                System.err.println("No files under " + args[2] + " in " + args[1]);
                System.exit(1);
            }
        } else if (args.length == 2 && args[0].equals("classpath")) {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(args[1])) {
                java.util.jar.Manifest manifest = jar.getManifest();
                String classPath = manifest == null ? null
                        : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
                if (classPath == null) {
                    System.err.println("No Class-Path in the manifest of " + args[1]);
                    System.exit(1);
                }
                for (String entry : classPath.trim().split("\\s+")) {
                    System.out.println(entry);
                }
            }
        } else if (args.length >= 3 && args[0].equals("classes")) {
            for (String jar : Arrays.asList(args).subList(2, args.length)) {
                extractClasses(Path.of(jar), Path.of(args[1]));
            }
        } else {
            System.err.println("usage: JarTool filter <in.jar> <out.jar> <dropPrefix> [keepPrefix...]"
                    + " | JarTool extract <in.jar> <dirPrefix> <outDir> | JarTool classpath <jar>"
                    + " | JarTool classes <outDir> <jar>...");
            System.exit(2);
        }
    }

    static void filter(Path in, Path out, String dropPrefix, List<String> keepPrefixes) throws IOException {
        Path temp = out.resolveSibling(out.getFileName() + ".tmp");
        long dropped = 0;
        try (ZipFile zip = new ZipFile(in.toFile());
             ZipOutputStream target = new ZipOutputStream(Files.newOutputStream(temp))) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                String name = entry.getName();
                boolean drop = name.startsWith(dropPrefix) && keepPrefixes.stream().noneMatch(name::startsWith)
                        // keep the parent folders of kept entries so the jar's tree stays well formed
                        && keepPrefixes.stream().noneMatch(keep -> keep.startsWith(name));
                if (drop) {
                    dropped += entry.getSize();
                    continue;
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(entry.getTime());
                target.putNextEntry(copy);
                try (InputStream data = zip.getInputStream(entry)) {
                    data.transferTo(target);
                }
                target.closeEntry();
            }
        }
        Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("%s: dropped %.1f MB under %s%n", out.getFileName(), dropped / 1e6, dropPrefix);
    }

    static int extract(Path in, String dirPrefix, Path outDir) throws IOException {
        String prefix = dirPrefix.endsWith("/") ? dirPrefix : dirPrefix + "/";
        Files.createDirectories(outDir);
        int count = 0;
        try (ZipFile zip = new ZipFile(in.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                String rest = entry.getName().startsWith(prefix) ? entry.getName().substring(prefix.length()) : "";
                if (entry.isDirectory() || rest.isEmpty() || rest.contains("/")) {
                    continue;
                }
                try (InputStream data = zip.getInputStream(entry);
                     OutputStream file = Files.newOutputStream(outDir.resolve(rest))) {
                    data.transferTo(file);
                }
                count++;
            }
        }
        return count;
    }

    static void extractClasses(Path jar, Path outDir) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                String name = entry.getName();
                if (!name.endsWith(".class") || name.endsWith("module-info.class")
                        || name.startsWith("META-INF/versions/")) {
                    continue;
                }
                Path target = outDir.resolve(name).normalize();
                if (!target.startsWith(outDir.normalize())) {
                    continue; // no zip-slip from odd entry names
                }
                Files.createDirectories(target.getParent());
                try (InputStream data = zip.getInputStream(entry)) {
                    Files.copy(data, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
