package dev.vitlens.ui.viewmodel;

import dev.vitlens.camera.CameraSource;
import dev.vitlens.camera.FaceResult;
import dev.vitlens.camera.FrameResult;
import dev.vitlens.camera.FrameSource;
import dev.vitlens.camera.ImageFolderSource;
import dev.vitlens.camera.LiveFrameRenderer;
import dev.vitlens.camera.LiveOptions;
import dev.vitlens.camera.LivePipeline;
import dev.vitlens.camera.ModelFaceClassifier;
import dev.vitlens.camera.VideoFileSource;
import dev.vitlens.catalog.ModelCatalog;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.Device;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The Live tab: a frame source (camera index, MJPEG AVI clip or image folder) through the camera package's live
 * pipeline with a face-mask model. Frames arrive on the pipeline's thread; only the newest waits for the FX thread.
 */
public final class LiveViewModel {

    /** A drawn frame handed to the view: pixels are a private copy, premultiplied ARGB. */
    public record LiveFrame(int width, int height, int[] argbPre) {
    }

    private final Supplier<ModelCatalog> catalogs;
    private final TaskExecutor worker;
    private final Executor uiThread;
    private final Consumer<Notice> notices;
    private final StringProperty source = new SimpleStringProperty("0");
    private final ObservableList<String> models = FXCollections.observableArrayList();
    private final ObjectProperty<String> model = new SimpleObjectProperty<>();
    private final BooleanProperty detectOnly = new SimpleBooleanProperty(false);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper starting = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper fps = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Stopped");
    private final ObjectProperty<LiveFrame> frame = new SimpleObjectProperty<>();
    private final AtomicReference<Object[]> pendingFrame = new AtomicReference<>();

    private LivePipeline pipeline;
    private ModelFaceClassifier classifier;

    /** Supplies the catalogue; called on a worker thread (it touches the disk). */
    @FunctionalInterface
    public interface Supplier<T> {
        T get();
    }

    public LiveViewModel(Supplier<ModelCatalog> catalogs, TaskExecutor worker, Executor uiThread,
                         Consumer<Notice> notices) {
        this.catalogs = Objects.requireNonNull(catalogs);
        this.worker = Objects.requireNonNull(worker);
        this.uiThread = Objects.requireNonNull(uiThread);
        this.notices = Objects.requireNonNull(notices);
    }

    /** Lists usable models, preferring a face-mask model. */
    public void loadModels() {
        worker.execute(BackgroundTask.of("live models", context -> catalogs.get().available().stream()
                .map(ModelCatalog.Entry::id).toList()).onSuccess(ids -> {
                    models.setAll(ids);
                    if (model.get() == null || !ids.contains(model.get())) {
                        model.set(ids.stream().filter(id -> id.contains("mask")).findFirst()
                                .orElse(ids.isEmpty() ? null : ids.get(0)));
                    }
                }).onFailure(e -> notices.accept(Notice.error("Cannot list models for live view",
                        ErrorText.describe(e)))));
    }

    /** A camera index ("0"), an MJPEG AVI file or a folder of images. */
    static FrameSource sourceFor(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.matches("\\d{1,2}")) {
            return new CameraSource(Integer.parseInt(trimmed), 640, 480);
        }
        Path path = Path.of(trimmed);
        if (Files.isDirectory(path)) {
            return new ImageFolderSource(path, 10, true);
        }
        if (Files.isRegularFile(path)) {
            return new VideoFileSource(path, true);
        }
        throw new IllegalArgumentException("no camera index, video file or image folder: \"" + trimmed + "\"");
    }

    public void start() {
        if (running.get() || starting.get()) {
            return;
        }
        String sourceText = source.get();
        String modelId = detectOnly.get() ? null : model.get();
        starting.set(true);
        status.set("Opening " + sourceText + "\u2026");
        record Started(LivePipeline pipeline, ModelFaceClassifier classifier, String description) {
        }
        worker.execute(BackgroundTask.of("live start", context -> {
            FrameSource frameSource = sourceFor(sourceText);
            ModelFaceClassifier opened = null;
            try {
                if (modelId != null) {
                    ModelInfo info = catalogs.get().resolve(modelId).require();
                    opened = ModelFaceClassifier.open(info, ModelFaceClassifier.liveOptions(Device.AUTO));
                }
                LivePipeline live = new LivePipeline(frameSource, opened, null, LiveOptions.defaults(),
                        new LivePipeline.Listener() {
                            @Override
                            public void onFrame(FrameResult result, LiveFrameRenderer rendered) {
                                deliver(result, rendered);
                            }

                            @Override
                            public void onStopped(Exception cause) {
                                uiThread.execute(() -> stopped(cause));
                            }
                        });
                live.start(); // opens the source here, off the FX thread: a missing camera fails at once
                return new Started(live, opened, frameSource.describe()
                        + (modelId == null ? ", detection only" : ", model " + modelId));
            } catch (Exception e) {
                if (opened != null) {
                    opened.close();
                }
                throw e;
            }
        }).onSuccess(started -> {
            pipeline = started.pipeline();
            classifier = started.classifier();
            running.set(true);
            status.set("Live: " + started.description());
        }).onFailure(error -> {
            status.set("Stopped");
            notices.accept(Notice.error("Cannot start live view", ErrorText.describe(error)));
        }).onFinished(() -> starting.set(false)));
    }

    /** Pipeline thread: copy the drawn frame (its buffer is reused two frames later) and hand over the newest. */
    private void deliver(FrameResult result, LiveFrameRenderer rendered) {
        if (rendered == null) {
            return;
        }
        LiveFrame copy = new LiveFrame(rendered.width(), rendered.height(), rendered.pixels().clone());
        if (pendingFrame.getAndSet(new Object[] {copy, result}) == null) {
            uiThread.execute(() -> {
                Object[] latest = pendingFrame.getAndSet(null);
                if (latest != null && running.get()) {
                    frame.set((LiveFrame) latest[0]);
                    FrameResult r = (FrameResult) latest[1];
                    fps.set(String.format(Locale.ROOT, "%.1f FPS \u00b7 %.0f ms latency \u00b7 %d dropped", r.fps(),
                            r.latencyMs(), r.droppedFrames()));
                    status.set(describe(r));
                }
            });
        }
    }

    private static String describe(FrameResult r) {
        if (r.error() != null) {
            return "frame " + r.frameIndex() + ": " + r.error();
        }
        List<FaceResult> faces = r.faces();
        if (faces.isEmpty()) {
            return "frame " + r.frameIndex() + ": no face";
        }
        StringBuilder text = new StringBuilder("frame " + r.frameIndex() + ":");
        for (FaceResult face : faces) {
            text.append(' ').append(face.label() == null ? "face" : face.label());
            if (!Float.isNaN(face.score())) {
                text.append(String.format(Locale.ROOT, " %.0f%%", face.score() * 100));
            }
            if (face.fallback()) {
                text.append(" (centre crop)");
            }
        }
        return text.toString();
    }

    public void stop() {
        LivePipeline live = pipeline;
        if (live != null) {
            status.set("Stopping\u2026");
            // stop() joins the pipeline threads: never on the FX thread.
            worker.execute(BackgroundTask.of("live stop", context -> {
                live.stop();
                return true;
            }));
        }
    }

    /**
     * At exit: stops the pipeline on the calling thread (joins its threads, a few seconds at most), so never call it on
     * the FX thread.
     */
    public void shutdown() {
        LivePipeline live = pipeline;
        if (live != null) {
            live.stop();
        }
        if (classifier != null) {
            classifier.close();
        }
    }

    private void stopped(Exception cause) {
        running.set(false);
        pipeline = null;
        ModelFaceClassifier done = classifier;
        classifier = null;
        if (done != null) {
            worker.execute(BackgroundTask.of("release model", context -> {
                done.close();
                return true;
            }));
        }
        status.set(cause == null ? "Stopped" : "Stopped: " + ErrorText.describe(cause));
        if (cause != null) {
            notices.accept(Notice.error("Live view stopped", ErrorText.describe(cause)));
        }
    }

    public StringProperty sourceProperty() {
        return source;
    }

    public ObservableList<String> models() {
        return models;
    }

    public ObjectProperty<String> modelProperty() {
        return model;
    }

    public BooleanProperty detectOnlyProperty() {
        return detectOnly;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty startingProperty() {
        return starting.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty fpsProperty() {
        return fps.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ObjectProperty<LiveFrame> frameProperty() {
        return frame;
    }
}
