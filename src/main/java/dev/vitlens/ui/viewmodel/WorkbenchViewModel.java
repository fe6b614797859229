package dev.vitlens.ui.viewmodel;

import dev.vitlens.imaging.ImageFormats;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The composition root of the workbench window: creates the session, explorer, overlay, gallery and export
 * view-models and wires them; owns opening what the user gives (one image or a gallery), recent files and notices.
 * Each panel takes only its own view-model from here.
 */
public final class WorkbenchViewModel {

    static final Set<String> IMAGE_EXTENSIONS = dev.vitlens.imaging.ImageFormats.EXTENSIONS;

    private final TaskExecutor interactive;
    private final WorkbenchSettings settings;
    private final ObservableList<Notice> notices = FXCollections.observableArrayList();
    private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
    private final ObservableList<Path> recentFilesView = FXCollections.unmodifiableObservableList(recentFiles);

    private final ExplorerViewModel explorer;
    private final OverlayViewModel overlay;
    private final SessionViewModel session;
    private final GalleryViewModel gallery;
    private final ExportViewModel export;
    private final TaskExecutor redraws;
    private final TeachViewModel teach;
    private final EvaluateViewModel evaluate;
    private final ModelLibraryViewModel library;
    private final FaithfulnessViewModel faithfulness;
    private final FewShotViewModel fewShot;
    private final FacesViewModel faces;

    public WorkbenchViewModel(WorkbenchBackend backend, TaskExecutor interactive, TaskExecutor batch,
                              WorkbenchSettings settings) {
        Objects.requireNonNull(backend);
        this.interactive = Objects.requireNonNull(interactive);
        this.settings = Objects.requireNonNull(settings);
        // The explorer asks the session for a new map; the session exists by the time a user changes anything.
        explorer = new ExplorerViewModel(() -> session().reexplain());
        overlay = new OverlayViewModel();
        session = new SessionViewModel(backend, interactive, settings, explorer, overlay.colormapProperty(),
                this::notify, chosen -> gallery().classifyAll());
        gallery = new GalleryViewModel(backend, batch, session.selectedModelProperty()::get, session::showFile,
                this::notify);
        export = new ExportViewModel(backend, interactive, session.currentProperty(), overlay, gallery.items(),
                this::notify);
        redraws = interactive.sibling("vitlens-teach-redraw");
        teach = new TeachViewModel(backend, interactive, redraws, this::notify);
        // Long runs share the gallery's worker, so browsing stays responsive on the interactive one.
        evaluate = new EvaluateViewModel(backend, batch, session.selectedModelProperty(), gallery::open,
                this::notify);
        library = new ModelLibraryViewModel(backend, batch, session, this::notify);
        // Fitting is a long run too: on the batch worker, beside evaluation and imports.
        fewShot = new FewShotViewModel(backend, batch, session, this::notify);
        faithfulness = new FaithfulnessViewModel(backend, interactive, session.currentProperty(),
                session.busyProperty(), () -> {
                    CurrentAnalysis shown = session.currentProperty().get();
                    return ExplorerViewModel.fit(explorer.settings(), false, shown == null ? null
                            : shown.analysis().layout(), shown == null ? null : shown.analysis().family());
                });
        // After the session's own listeners, so a model switch re-runs the image before the faces are looked for.
        faces = new FacesViewModel(backend, interactive, session, this::notify);
        overlay.follow(session, explorer);
        explorer.follow(session.heatmapDescriptionProperty(), session.imageProperty().isNotNull());
        recentFiles.setAll(settings.recentFiles());
    }

    /**
     * Loads the catalogue, selects the remembered (or default) model, then opens {@code files}; with no files it
     * shows the default model's first sample so a new user sees a classified image at once.
     */
    public void start(List<Path> files) {
        session.start(files, this::openFiles);
    }

    /**
     * Opens what the user gave us (command line, Open dialog, drop, pasted files): one file is shown; a folder or
     * several files become a gallery classified in the background.
     */
    public void openFiles(List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        for (Path path : paths) {
            recentFiles.setAll(settings.addRecent(path));
        }
        record Expanded(List<Path> files, boolean single) {
        }
        // Even "is this a folder?" touches the disk: ask on the worker, never on the FX thread.
        interactive.execute(BackgroundTask.of("list images", context -> {
            boolean single = paths.size() == 1 && !Files.isDirectory(paths.get(0));
            return new Expanded(single ? paths : expand(paths), single);
        }).onSuccess(expanded -> {
            List<Path> files = expanded.files();
            if (expanded.single()) {
                gallery.clear();
                session.showFile(files.get(0));
                return;
            }
            if (files.isEmpty()) {
                notify(Notice.warning("No images found", "No image files (" + String.join(", ",
                        IMAGE_EXTENSIONS.stream().sorted().toList()) + ") in " + paths.get(0)));
                return;
            }
            gallery.open(files);
        }).onFailure(error -> notify(Notice.error("Cannot open folder", ErrorText.describe(error)))));
    }

    /**
     * What was dropped on the window: model export folders (model.onnx and config.json) are imported, everything
     * else opens as {@link #openFiles} would (a folder of images stays a gallery).
     */
    public void drop(List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        record Split(List<Path> exports, List<Path> images) {
        }
        interactive.execute(BackgroundTask.of("inspect dropped files", context -> {
            List<Path> exports = new ArrayList<>();
            List<Path> images = new ArrayList<>();
            for (Path path : paths) {
                (ModelLibraryViewModel.isExportFolder(path) ? exports : images).add(path);
            }
            return new Split(exports, images);
        }).onSuccess(split -> {
            split.exports().forEach(library::importModel);
            if (!split.images().isEmpty()) {
                openFiles(split.images());
            }
        }).onFailure(error -> notify(Notice.error("Cannot open what was dropped", ErrorText.describe(error)))));
    }

    /**
     * Folders become their image files (sorted, not recursive), including formats that cannot be read (SVG, HEIC):
     * the gallery shows those with the reason; files are kept as given so errors can show.
     */
    static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> listing = Files.list(path)) {
                    listing.filter(Files::isRegularFile).filter(ImageFormats::isImageFile).sorted()
                            .forEach(files::add);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    public void notify(Notice notice) {
        notices.add(notice);
    }

    /**
     * At exit, on the FX thread: cancels the running analyses, batches, evaluations and few-shot fits. Quick: nothing
     * here waits; {@link #release()} does the waiting, on another thread.
     */
    public void cancelAll() {
        session.shutdown();
        gallery.shutdown();
        evaluate.shutdown();
        fewShot.shutdown();
    }

    /**
     * At exit, after {@link #cancelAll()}, on any thread but the FX thread: stops the teaching views' redraw worker
     * (waits up to 2 s for a redraw in progress) and writes the settings to disk.
     */
    public void release() {
        redraws.close();
        settings.flush();
    }

    /** {@link #cancelAll()} then {@link #release()} on the caller's thread (tests and tools without an FX exit path). */
    public void shutdown() {
        cancelAll();
        release();
    }

    /** Where pages run their own slow work: the interactive worker, in order with the analyses. */
    public TaskExecutor tasks() {
        return interactive;
    }

    public WorkbenchSettings settings() {
        return settings;
    }

    /** The current analysis and the model choice. */
    public SessionViewModel session() {
        return session;
    }

    public ExplorerViewModel explorer() {
        return explorer;
    }

    /** Overlay and view controls (heatmap, grid, zoom) and what the image canvas draws. */
    public OverlayViewModel overlay() {
        return overlay;
    }

    public GalleryViewModel gallery() {
        return gallery;
    }

    public ExportViewModel export() {
        return export;
    }

    /** The Teach page's lesson and views; the page binds it to the current analysis. */
    public TeachViewModel teach() {
        return teach;
    }

    /** Evaluate Folder: the chosen model on a labelled folder, and its confusion matrix. */
    public EvaluateViewModel evaluate() {
        return evaluate;
    }

    /** The user's own models: import, rename, remove. */
    public ModelLibraryViewModel library() {
        return library;
    }

    /** Deletion and insertion curves of the shown image's explanation against random and occlusion. */
    public FewShotViewModel fewShot() {
        return fewShot;
    }

    public FaithfulnessViewModel faithfulness() {
        return faithfulness;
    }

    /** Face mode of the Images tab: the faces of the shown image, for a face classifier. */
    public FacesViewModel faces() {
        return faces;
    }

    /** Notices to show; anything may add one through {@link #notify}. */
    public ObservableList<Notice> notices() {
        return notices;
    }

    public ObservableList<Path> recentFiles() {
        return recentFilesView;
    }
}
