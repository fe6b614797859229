package dev.vitlens.camera;

import dev.vitlens.imaging.ImageFormats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Plays the images of a folder (sorted by name) at a fixed rate or as fast as they are processed. Files are picked by
 * {@link ImageFormats} like everywhere else; OpenCV decodes them, and what it cannot read (GIF in OpenCV 4.9, broken
 * files) is skipped. A folder is not a camera: it is not {@linkplain #isLive() live}, so the pipeline processes every
 * image exactly once (per loop) instead of dropping the ones it could not keep up with.
 */
public final class ImageFolderSource implements FrameSource {

    private final Path folder;
    private final double fps;
    private final boolean loop;
    private List<Path> images;
    private List<Path> skipped = List.of();
    private int next;
    private long framesRead;
    private long startNanos;

    /**
     * @param fps  frames per second to release; 0 or less for as fast as they decode
     * @param loop {@code true} to cycle forever, {@code false} to end after the last image
     */
    public ImageFolderSource(Path folder, double fps, boolean loop) {
        this.folder = folder;
        this.fps = fps;
        this.loop = loop;
    }

    @Override
    public synchronized void open() throws FrameSourceException {
        if (images != null) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw new FrameSourceException(FrameSourceException.Kind.NOT_FOUND, "Image folder not found: " + folder);
        }
        OpenCvNatives.ensureLoaded();
        List<Path> found;
        List<Path> unreadable;
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> files = s.filter(Files::isRegularFile).filter(ImageFormats::isImageFile).sorted().toList();
            found = files.stream().filter(ImageFormats::hasImageExtension).toList();
            unreadable = files.stream().filter(f -> !ImageFormats.hasImageExtension(f)).toList();
        } catch (IOException e) {
            throw new FrameSourceException(FrameSourceException.Kind.UNREADABLE,
                    "Cannot list image folder " + folder + ": " + e.getMessage());
        }
        if (found.isEmpty()) {
            throw new FrameSourceException(FrameSourceException.Kind.UNREADABLE,
                    "No images (" + ImageFormats.EXTENSIONS.stream().sorted().map(e -> "." + e)
                            .collect(Collectors.joining(", ")) + ") in folder " + folder + unreadableNote(unreadable));
        }
        images = found;
        skipped = unreadable;
        next = 0;
        framesRead = 0;
        startNanos = System.nanoTime();
    }

    @Override
    public Frame read() throws FrameSourceException {
        Mat m;
        long index;
        synchronized (this) {
            if (images == null) {
                throw new FrameSourceException(FrameSourceException.Kind.NOT_OPEN, describe() + " is not open");
            }
            m = null;
            int tried = 0;
            while (m == null) {
                if (next >= images.size()) {
                    if (!loop) {
                        throw new FrameSourceException(FrameSourceException.Kind.END_OF_STREAM,
                                "End of image folder " + folder.getFileName() + " after " + framesRead + " frames");
                    }
                    next = 0;
                }
                // Each image is tried at most once per read, so a folder of only broken files fails instead of spinning.
                if (tried++ >= images.size()) {
                    throw new FrameSourceException(FrameSourceException.Kind.UNREADABLE,
                            "No readable image in folder " + folder);
                }
                Mat candidate = Imgcodecs.imread(images.get(next++).toString(), Imgcodecs.IMREAD_COLOR);
                if (candidate.empty()) {
                    candidate.release();
                } else {
                    m = candidate;
                }
            }
            if (framesRead == 0) {
                startNanos = System.nanoTime(); // pace from the first read, not from open(): a model may load in between
            }
            index = framesRead++;
        }
        if (fps > 0) {
            long wait = startNanos + (long) (index * 1e9 / fps) - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return new Frame(index, System.nanoTime(), m);
    }

    @Override
    public boolean isLive() {
        return false;
    }

    @Override
    public synchronized boolean isOpen() {
        return images != null;
    }

    /** Image files of formats that cannot be read (SVG, HEIC, ...): named in {@link #describe()}, not played. */
    public synchronized List<Path> skipped() {
        return skipped;
    }

    private static String unreadableNote(List<Path> unreadable) {
        if (unreadable.isEmpty()) {
            return "";
        }
        return "; skipped " + unreadable.size() + " unreadable (" + unreadable.get(0).getFileName()
                + (unreadable.size() > 1 ? ", ..." : "") + ": "
                + ImageFormats.unreadableReason(unreadable.get(0)).orElse("unsupported format") + ")";
    }

    @Override
    public synchronized String describe() {
        return "folder " + folder.getFileName() + (images == null ? "" : " (" + images.size() + " images"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " unreadable skipped"))
                + (images == null ? " (" : ", ") + (fps > 0 ? fps + " fps" : "unpaced") + (loop ? ", loop" : "") + ")";
    }

    @Override
    public synchronized void close() {
        images = null;
    }
}
