package dev.vitlens.camera;

/** Loads OpenCV's native library (bundled in the openpnp jar) exactly once per process. */
public final class OpenCvNatives {

    private static volatile boolean loaded;

    private OpenCvNatives() {
    }

    public static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (OpenCvNatives.class) {
            if (!loaded) {
                try {
                    nu.pattern.OpenCV.loadLocally();
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException("Could not load OpenCV's native library for this platform ("
                            + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): " + e.getMessage(), e);
                }
                loaded = true;
            }
        }
    }
}
