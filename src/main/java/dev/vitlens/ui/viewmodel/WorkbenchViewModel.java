package dev.vitlens.ui.viewmodel;

import dev.vitlens.output.AtomicFiles;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.Prediction;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.Need;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * The workbench window's state and actions. Views bind to its properties and call its methods on the FX thread;
 * everything slow runs as a {@link BackgroundTask}. A generation counter drops late results of stale requests.
 */
public final class WorkbenchViewModel {

    static final int TOP_K = 5;
    static final Set<String> IMAGE_EXTENSIONS = dev.vitlens.imaging.ImageFormats.EXTENSIONS;
    private static final int THUMBNAIL_SIZE = 72;
    private static final double MIN_ZOOM = 0.1;
    private static final double MAX_ZOOM = 32;

    private final WorkbenchBackend backend;
    private final TaskExecutor interactive;
    private final TaskExecutor batch;
    private final WorkbenchSettings settings;

    private final ObservableList<ModelEntry> models = FXCollections.observableArrayList();
    private final ObjectProperty<ModelEntry> selectedModel = new SimpleObjectProperty<>();

    private final ReadOnlyObjectWrapper<Image> image = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper imageName = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Image> heatmapImage = new ReadOnlyObjectWrapper<>();
    private final BooleanProperty heatmapVisible = new SimpleBooleanProperty(true);
    private final DoubleProperty heatmapOpacity = new SimpleDoubleProperty(0.55);
    private final ObjectProperty<ColormapChoice> colormap = new SimpleObjectProperty<>(ColormapChoice.VIRIDIS);
    private final BooleanProperty gridVisible = new SimpleBooleanProperty(true);
    private final IntegerProperty gridRows = new SimpleIntegerProperty(0);
    private final IntegerProperty gridColumns = new SimpleIntegerProperty(0);
    private final ObjectProperty<PatchPosition> hoveredPatch = new SimpleObjectProperty<>();
    private final DoubleProperty zoom = new SimpleDoubleProperty(1.0);
    private final ReadOnlyObjectWrapper<ImageRegion> modelRegion = new ReadOnlyObjectWrapper<>(ImageRegion.WHOLE);

    private final ObservableList<Prediction> predictions = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper timings = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper device = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper deviceNote = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper heatmapDescription = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Explanation> explanation = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Starting\u2026");

    private final ObservableList<GalleryItem> gallery = FXCollections.observableArrayList();
    private final IntegerProperty galleryIndex = new SimpleIntegerProperty(-1);
    private final DoubleProperty galleryProgress = new SimpleDoubleProperty(0);
    private final ReadOnlyStringWrapper galleryStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper galleryRunning = new ReadOnlyBooleanWrapper(false);

    private final ObservableList<Notice> notices = FXCollections.observableArrayList();
    private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
    private final ExplorerViewModel explorer;

    // State of the shown result; only touched on the FX thread.
    private long generation;
    private long explainGeneration;
    private long batchGeneration;
    private TaskHandle runningAnalysis;
    private TaskHandle runningExplain;
    private TaskHandle runningBatch;
    private DecodedImage currentImage;
    private Analysis currentClassification;
    private Explanation currentHeatmap;
    private boolean adoptingModel;
    private ExplanationMethod lastMethod = ExplanationMethods.defaultMethod();

    public WorkbenchViewModel(WorkbenchBackend backend, TaskExecutor interactive, TaskExecutor batch,
                              WorkbenchSettings settings) {
        this.backend = Objects.requireNonNull(backend);
        this.interactive = Objects.requireNonNull(interactive);
        this.batch = Objects.requireNonNull(batch);
        this.settings = Objects.requireNonNull(settings);
        this.explorer = new ExplorerViewModel(this::reexplain);
        recentFiles.setAll(settings.recentFiles());
        selectedModel.addListener((obs, old, now) -> {
            if (now != null && !adoptingModel && !now.equals(old)) {
                settings.setLastModel(now.id());
                rerun();
                if (!gallery.isEmpty()) {
                    startBatch();
                }
            }
        });
        colormap.addListener((obs, old, now) -> rerender());
        galleryIndex.addListener((obs, old, now) -> {
            int index = now.intValue();
            if (index >= 0 && index < gallery.size() && index != old.intValue()) {
                showFile(gallery.get(index).file());
            }
        });
    }

    // ---- start-up ---------------------------------------------------------------------------------------------

    /**
     * Loads the catalogue, selects the remembered (or default) model, then opens {@code files}; with no files it
     * shows the default model's first sample so a new user sees a classified image at once.
     */
    public void start(List<Path> files) {
        status.set("Loading models\u2026");
        record Catalogue(List<ModelEntry> models, String defaultId, List<Path> samples,
                         List<ExplanationMethod> methods) {
        }
        interactive.execute(BackgroundTask.of("catalogue", context -> {
            List<ModelEntry> list = backend.listModels();
            String defaultId = backend.defaultModelId();
            return new Catalogue(list, defaultId, files.isEmpty() ? backend.sampleImages(defaultId) : List.of(),
                    backend.supportedMethods());
        }).onSuccess(catalogue -> {
            explorer.methods().setAll(catalogue.methods());
            adoptingModel = true;
            try {
                models.setAll(catalogue.models());
                selectedModel.set(chooseStartModel(catalogue.models(), catalogue.defaultId()).orElse(null));
            } finally {
                adoptingModel = false;
            }
            status.set(models.isEmpty() ? "No models found" : "Ready");
            if (models.stream().noneMatch(ModelEntry::available)) {
                notify(Notice.error("No usable model", models.isEmpty() ? "The catalogue is empty."
                        : "Every model failed to load; hover a model in the picker to see why."));
            }
            if (!files.isEmpty()) {
                openFiles(files);
            } else if (!catalogue.samples().isEmpty()) {
                showFile(catalogue.samples().get(0));
            }
        }).onFailure(error -> {
            status.set("No models");
            notify(Notice.error("Cannot load the model catalogue", describe(error)));
        }));
    }

    private Optional<ModelEntry> chooseStartModel(List<ModelEntry> list, String defaultId) {
        String remembered = settings.lastModel();
        for (String wanted : List.of(remembered, defaultId == null ? "" : defaultId)) {
            Optional<ModelEntry> match = list.stream().filter(m -> m.id().equals(wanted) && m.available()).findFirst();
            if (match.isPresent()) {
                return match;
            }
        }
        return list.stream().filter(ModelEntry::available).findFirst().or(() -> list.stream().findFirst());
    }

    // ---- opening images ---------------------------------------------------------------------------------------

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
                clearGallery();
                showFile(files.get(0));
                return;
            }
            if (files.isEmpty()) {
                notify(Notice.warning("No images found", "No image files (" + String.join(", ",
                        IMAGE_EXTENSIONS.stream().sorted().toList()) + ") in " + paths.get(0)));
                return;
            }
            clearGallery();
            files.forEach(file -> gallery.add(new GalleryItem(file)));
            startBatch();
            galleryIndex.set(0);
        }).onFailure(error -> notify(Notice.error("Cannot open folder", describe(error)))));
    }

    /** Folders become their image files (sorted, not recursive); files are kept as given so errors can show. */
    static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> listing = Files.list(path)) {
                    listing.filter(Files::isRegularFile).filter(WorkbenchViewModel::looksLikeImage).sorted()
                            .forEach(files::add);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    static boolean looksLikeImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
    }

    /** Decodes, classifies and explains one file; on failure the previous result stays on screen. */
    public void showFile(Path file) {
        ModelEntry model = usableModel();
        if (model == null) {
            return;
        }
        ExplainSettings wanted = explorer.settings();
        boolean followLast = explorer.followsLastLayer();
        ColormapChoice colors = colormap.get();
        analyse("Opening " + file.getFileName(), context -> {
            DecodedImage decoded = backend.decode(file);
            context.throwIfCancelled();
            return analyse(decoded, model, wanted, followLast, colors, context);
        }, "Cannot open " + file.getFileName());
    }

    /** Classifies an image that has no file (pasted from the clipboard). */
    public void openImage(String name, Image pasted) {
        ModelEntry model = usableModel();
        if (model == null) {
            return;
        }
        ExplainSettings wanted = explorer.settings();
        boolean followLast = explorer.followsLastLayer();
        ColormapChoice colors = colormap.get();
        analyse("Classifying " + name, context -> {
            long start = System.nanoTime();
            BufferedImage converted = SwingFXUtils.fromFXImage(pasted, null);
            if (converted == null) {
                throw new IOException("the clipboard image has no readable pixels");
            }
            DecodedImage decoded = new DecodedImage(null, name, converted, (System.nanoTime() - start) / 1e6);
            return analyse(decoded, model, wanted, followLast, colors, context);
        }, "Cannot use the pasted image");
    }

    /** Runs the current image again with the selected model (F5, model switch). */
    public void rerun() {
        DecodedImage decoded = currentImage;
        ModelEntry model = usableModel();
        if (decoded == null || model == null) {
            return;
        }
        ExplainSettings wanted = explorer.settings();
        boolean followLast = explorer.followsLastLayer();
        ColormapChoice colors = colormap.get();
        analyse("Running " + model.displayName(),
                context -> analyse(decoded, model, wanted, followLast, colors, context),
                "Model " + model.displayName() + " failed");
    }

    private ModelEntry usableModel() {
        ModelEntry model = selectedModel.get();
        if (model == null) {
            notify(Notice.error("No model selected", "Pick a model first."));
            return null;
        }
        if (!model.available()) {
            notify(Notice.error("Model " + model.displayName() + " is unavailable", model.unavailableReason()));
            return null;
        }
        return model;
    }

    private void analyse(String what, BackgroundTask.Work<ScreenResult> work, String failureTitle) {
        long requested = ++generation;
        explainGeneration++;
        cancel(runningAnalysis);
        cancel(runningExplain);
        busy.set(true);
        status.set(what + "\u2026");
        runningAnalysis = interactive.execute(BackgroundTask.of(what, work).onSuccess(result -> {
            if (requested == generation) {
                publish(result);
            }
        }).onFailure(error -> {
            if (requested == generation) {
                notify(Notice.error(failureTitle, describe(error)));
                status.set(failureTitle);
            }
        }).onFinished(() -> {
            if (requested == generation) {
                busy.set(false);
            }
        }));
    }

    private ScreenResult analyse(DecodedImage decoded, ModelEntry model, ExplainSettings wanted, boolean followLast,
                             ColormapChoice colors, TaskContext context) throws Exception {
        Analysis classification = backend.classify(decoded.image(), model.id(), TOP_K, true);
        context.throwIfCancelled();
        ExplainSettings used = ExplorerViewModel.fit(wanted, followLast, classification.layout(), model.family());
        Explanation heatmap = null;
        Image heatmapFx = null;
        if (canExplain(classification, used)) {
            heatmap = backend.explain(decoded.image(), classification, used, context::isCancelled);
            context.throwIfCancelled();
            heatmapFx = renderHeatmap(heatmap, colors, decoded.image());
        }
        Image fx = SwingFXUtils.toFXImage(decoded.image(), null);
        return new ScreenResult(decoded, fx, model, classification, heatmap, heatmapFx, used);
    }

    /** Whether the analysis carries what the method declares it needs. */
    private static boolean canExplain(Analysis analysis, ExplainSettings settings) {
        ExplanationMethod method = settings.method();
        return analysis.layout() != null
                && (!method.needs(Need.ATTENTIONS) || analysis.hasAttentions())
                && (!method.needs(Need.SCORER) || !analysis.top().isEmpty());
    }

    private void publish(ScreenResult result) {
        currentImage = result.decoded();
        currentClassification = result.classification();
        currentHeatmap = result.heatmap();
        explanation.set(result.heatmap());
        image.set(result.image());
        imageName.set(result.decoded().name());
        heatmapImage.set(result.heatmapImage());
        heatmapDescription.set(result.heatmap() == null
                ? (result.classification().hasAttentions() ? "" : noAttentions(result.classification()))
                : result.heatmap().description());
        modelRegion.set(result.classification().region());
        if (result.classification().layout() != null) {
            gridRows.set(result.classification().layout().gridHeight());
            gridColumns.set(result.classification().layout().gridWidth());
        } else {
            gridRows.set(0);
            gridColumns.set(0);
        }
        explorer.adopt(result.classification().layout(), result.model().family(), result.settings(),
                result.classification().hasAttentions());
        predictions.setAll(result.classification().top());
        Analysis c = result.classification();
        timings.set(String.format(Locale.ROOT, "decode %.1f ms \u00b7 preprocess %.1f ms \u00b7 inference %.1f ms%s",
                result.decoded().decodeMillis(), c.preprocessMillis(), c.inferenceMillis(),
                result.heatmap() == null ? "" : String.format(Locale.ROOT, " \u00b7 explain %.1f ms",
                        result.heatmap().millis())));
        device.set(c.device());
        deviceNote.set(c.deviceNote());
        status.set(result.decoded().name() + " \u2014 " + result.model().displayName());
    }

    private static String noAttentions(Analysis analysis) {
        String reason = analysis.noAttentionsReason();
        return "this model exports no attentions" + (reason.isEmpty() ? "" : " (" + reason + ")");
    }

    // ---- explanations -----------------------------------------------------------------------------------------

    /** Recomputes the heatmap for the shown classification with the explorer's current settings. */
    public void reexplain() {
        followMethodWithColormap();
        Analysis classification = currentClassification;
        DecodedImage decoded = currentImage;
        if (classification == null || decoded == null) {
            return;
        }
        ModelEntry model = selectedModel.get();
        ExplainSettings used = ExplorerViewModel.fit(explorer.settings(), false, classification.layout(),
                model == null ? null : model.family());
        if (!canExplain(classification, used)) {
            return;
        }
        ColormapChoice colors = colormap.get();
        long requested = ++explainGeneration;
        long forResult = generation;
        cancel(runningExplain);
        busy.set(true);
        record Explained(Explanation heatmap, Image image) {
        }
        runningExplain = interactive.execute(BackgroundTask.of("explain", context -> {
            Explanation heatmap = backend.explain(decoded.image(), classification, used, context::isCancelled);
            context.throwIfCancelled();
            return new Explained(heatmap, renderHeatmap(heatmap, colors, decoded.image()));
        }).onSuccess(result -> {
            if (requested == explainGeneration && forResult == generation) {
                currentHeatmap = result.heatmap();
                explanation.set(result.heatmap());
                heatmapImage.set(result.image());
                heatmapDescription.set(result.heatmap().description());
                replaceExplainTiming(result.heatmap().millis());
            }
        }).onFailure(error -> {
            if (requested == explainGeneration) {
                notify(Notice.error("Explanation failed", describe(error)));
            }
        }).onFinished(() -> {
            if (requested == explainGeneration && forResult == generation) {
                busy.set(false);
            }
        }));
    }

    /** Signed maps (occlusion drops): switch to the diverging colormap for them, and back when leaving them. */
    private void followMethodWithColormap() {
        ExplanationMethod method = explorer.methodProperty().get();
        if (method == null || method == lastMethod) {
            return;
        }
        if (method.signed() && colormap.get() != ColormapChoice.DIVERGING) {
            colormap.set(ColormapChoice.DIVERGING);
        } else if (!method.signed() && lastMethod.signed() && colormap.get() == ColormapChoice.DIVERGING) {
            colormap.set(ColormapChoice.VIRIDIS);
        }
        lastMethod = method;
    }

    private void replaceExplainTiming(double millis) {
        String text = timings.get();
        int at = text.indexOf(" \u00b7 explain");
        String base = at < 0 ? text : text.substring(0, at);
        timings.set(base + String.format(Locale.ROOT, " \u00b7 explain %.1f ms", millis));
    }

    /** Only the colours changed: re-render the existing map. */
    private void rerender() {
        Explanation heatmap = currentHeatmap;
        DecodedImage decoded = currentImage;
        if (heatmap == null || decoded == null) {
            return;
        }
        ColormapChoice colors = colormap.get();
        long forResult = generation;
        long forExplain = explainGeneration;
        interactive.execute(BackgroundTask.of("colormap", context -> renderHeatmap(heatmap, colors, decoded.image()))
                .onSuccess(rendered -> {
                    if (forResult == generation && forExplain == explainGeneration) {
                        heatmapImage.set(rendered);
                    }
                }).onFailure(error -> notify(Notice.error("Cannot draw the heatmap", describe(error)))));
    }

    /** Renders the heatmap large enough to look smooth over small inputs, small enough to stay cheap. */
    private Image renderHeatmap(Explanation heatmap, ColormapChoice colors, BufferedImage source) {
        int w = source.getWidth();
        int h = source.getHeight();
        double longSide = Math.max(w, h);
        double scale = longSide < 256 ? 256 / longSide : Math.min(1.0, 768 / longSide);
        int width = Math.max(1, (int) Math.round(w * scale));
        int height = Math.max(1, (int) Math.round(h * scale));
        return SwingFXUtils.toFXImage(backend.renderHeatmap(heatmap, colors, width, height), null);
    }

    /** A click on a patch makes it the attention query. */
    public void selectPatch(PatchPosition patch) {
        if (patch == null || gridRows.get() == 0) {
            return;
        }
        explorer.queryPatch(patch);
    }

    // ---- gallery ----------------------------------------------------------------------------------------------

    private void clearGallery() {
        cancel(runningBatch);
        batchGeneration++;
        galleryRunning.set(false);
        galleryIndex.set(-1);
        gallery.clear();
        galleryProgress.set(0);
        galleryStatus.set("");
    }

    /** Classifies every gallery image in the background, top-1 and thumbnail per item, with progress. */
    private void startBatch() {
        ModelEntry model = selectedModel.get();
        if (model == null || !model.available() || gallery.isEmpty()) {
            return;
        }
        cancel(runningBatch);
        long requested = ++batchGeneration;
        List<GalleryItem> items = List.copyOf(gallery);
        items.forEach(GalleryItem::reset);
        galleryProgress.set(0);
        galleryRunning.set(true);
        galleryStatus.set("0 / " + items.size());
        runningBatch = batch.execute(BackgroundTask.<Integer>of("gallery", context -> {
            int failures = 0;
            for (int i = 0; i < items.size(); i++) {
                context.throwIfCancelled();
                GalleryItem item = items.get(i);
                Image thumb = null;
                try {
                    DecodedImage decoded = backend.decode(item.file());
                    thumb = thumbnail(decoded.image());
                    Analysis c = backend.classify(decoded.image(), model.id(), 1, false);
                    Image finalThumb = thumb;
                    context.publish(() -> item.classified(finalThumb, c.top().get(0)));
                } catch (Exception e) {
                    failures++;
                    Image finalThumb = thumb;
                    String reason = describe(e);
                    context.publish(() -> item.failed(finalThumb, reason));
                }
                context.progress(i + 1, items.size(), (i + 1) + " / " + items.size());
            }
            return failures;
        }).onProgress(progress -> {
            if (requested == batchGeneration) {
                // Status first: a progress listener may cancel the batch, and its "Cancelled" must stay.
                galleryStatus.set(progress.message());
                galleryProgress.set(progress.fraction());
            }
        }).onSuccess(failures -> {
            if (requested == batchGeneration) {
                galleryProgress.set(1.0);
                galleryStatus.set(items.size() + " images" + (failures > 0 ? ", " + failures + " unreadable" : ""));
            }
        }).onFailure(error -> notify(Notice.error("Gallery stopped", describe(error)))).onFinished(() -> {
            if (requested == batchGeneration) {
                galleryRunning.set(false);
            }
        }));
    }

    /** Stops the gallery batch; items done so far keep their results. */
    public void cancelBatch() {
        if (runningBatch != null && !runningBatch.isDone()) {
            runningBatch.cancel();
            batchGeneration++;
            galleryRunning.set(false);
            galleryStatus.set("Cancelled at " + Math.round(galleryProgress.get() * 100) + "%");
        }
    }

    private static Image thumbnail(BufferedImage source) {
        double scale = (double) THUMBNAIL_SIZE / Math.max(source.getWidth(), source.getHeight());
        int w = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(source.getHeight() * scale));
        BufferedImage thumb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        java.awt.Graphics2D g = thumb.createGraphics();
        try {
            // Small inputs (28x28) get enlarged: keep their pixels crisp like the main view.
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, scale > 1
                    ? java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR
                    : java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return SwingFXUtils.toFXImage(thumb, null);
    }

    public void nextImage() {
        if (!gallery.isEmpty()) {
            galleryIndex.set(Math.min(gallery.size() - 1, galleryIndex.get() + 1));
        }
    }

    public void previousImage() {
        if (!gallery.isEmpty()) {
            galleryIndex.set(Math.max(0, galleryIndex.get() - 1));
        }
    }

    // ---- view controls ----------------------------------------------------------------------------------------

    public void zoomIn() {
        zoom.set(Math.min(MAX_ZOOM, zoom.get() * 1.25));
    }

    public void zoomOut() {
        zoom.set(Math.max(MIN_ZOOM, zoom.get() / 1.25));
    }

    public void fit() {
        zoom.set(1.0);
    }

    public void toggleGrid() {
        gridVisible.set(!gridVisible.get());
    }

    public void toggleHeatmap() {
        heatmapVisible.set(!heatmapVisible.get());
    }

    // ---- export -----------------------------------------------------------------------------------------------

    public boolean hasResult() {
        return currentImage != null && currentClassification != null;
    }

    /** Suggested file name stem for exports, from the shown image. */
    public String exportStem() {
        String name = currentImage == null ? "vitlens" : currentImage.name();
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The shown results as JSON, or empty when nothing is shown. */
    public Optional<String> resultsJson() {
        if (!hasResult()) {
            return Optional.empty();
        }
        return Optional.of(ResultsExport.json(currentImage, selectedModelFor(currentClassification),
                currentClassification, currentHeatmap, List.copyOf(gallery)));
    }

    private ModelEntry selectedModelFor(Analysis classification) {
        return models.stream().filter(m -> m.id().equals(classification.modelId())).findFirst().orElse(null);
    }

    /** Saves the results as JSON or CSV (by the file's extension), atomically. */
    public void saveResults(Path target) {
        if (!hasResult()) {
            notify(Notice.warning("Nothing to save", "Open an image first."));
            return;
        }
        boolean csv = target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        String text = csv ? ResultsExport.csv(currentImage, currentClassification) : resultsJson().orElseThrow();
        interactive.execute(BackgroundTask.of("save results", context -> {
            AtomicFiles.write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
            return target;
        }).onSuccess(saved -> notify(Notice.success("Results saved", saved.toString())))
                .onFailure(error -> notify(Notice.error("Cannot save " + target.getFileName(), describe(error)))));
    }

    /** Saves the image with the heatmap blended as on screen (plain image when the heatmap is hidden), as PNG. */
    public void saveOverlay(Path target) {
        if (!hasResult()) {
            notify(Notice.warning("Nothing to save", "Open an image first."));
            return;
        }
        BufferedImage source = currentImage.image();
        Explanation heatmap = heatmapVisible.get() ? currentHeatmap : null;
        ImageRegion region = currentClassification.region();
        ColormapChoice colors = colormap.get();
        double opacity = heatmapOpacity.get();
        interactive.execute(BackgroundTask.of("save overlay", context -> {
            BufferedImage out = heatmap == null ? source : backend.renderOverlay(source, region, heatmap, colors, opacity);
            AtomicFiles.write(target, stream -> {
                if (!ImageIO.write(out, "png", stream)) {
                    throw new IOException("no PNG writer available");
                }
            });
            return target;
        }).onSuccess(saved -> notify(Notice.success("Overlay saved", saved.toString())))
                .onFailure(error -> notify(Notice.error("Cannot save " + target.getFileName(), describe(error)))));
    }

    // ---- notices ----------------------------------------------------------------------------------------------

    public void notify(Notice notice) {
        notices.add(notice);
    }

    /** A specific, readable reason from an exception chain (never just a class name when a message exists). */
    static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof UncheckedIOException
                || (cause instanceof RuntimeException && cause.getMessage() == null)) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof NoSuchFileException missing) {
            return "file not found: " + missing.getFile();
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    private static void cancel(TaskHandle handle) {
        if (handle != null) {
            handle.cancel();
        }
    }

    /** Stops background work and writes the settings (on the caller's thread: call at shutdown). */
    public void shutdown() {
        cancel(runningAnalysis);
        cancel(runningExplain);
        cancel(runningBatch);
        settings.flush();
    }

    // ---- properties -------------------------------------------------------------------------------------------

    public WorkbenchSettings settings() {
        return settings;
    }

    public ExplorerViewModel explorer() {
        return explorer;
    }

    public ObservableList<ModelEntry> models() {
        return models;
    }

    public ObjectProperty<ModelEntry> selectedModelProperty() {
        return selectedModel;
    }

    public ReadOnlyObjectProperty<Image> imageProperty() {
        return image.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty imageNameProperty() {
        return imageName.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Image> heatmapImageProperty() {
        return heatmapImage.getReadOnlyProperty();
    }

    public BooleanProperty heatmapVisibleProperty() {
        return heatmapVisible;
    }

    public DoubleProperty heatmapOpacityProperty() {
        return heatmapOpacity;
    }

    public ObjectProperty<ColormapChoice> colormapProperty() {
        return colormap;
    }

    public BooleanProperty gridVisibleProperty() {
        return gridVisible;
    }

    public IntegerProperty gridRowsProperty() {
        return gridRows;
    }

    public IntegerProperty gridColumnsProperty() {
        return gridColumns;
    }

    public ObjectProperty<PatchPosition> hoveredPatchProperty() {
        return hoveredPatch;
    }

    /** Where the heatmap and patch grid sit on the image: the part the model saw. */
    public ReadOnlyObjectProperty<ImageRegion> modelRegionProperty() {
        return modelRegion.getReadOnlyProperty();
    }

    public DoubleProperty zoomProperty() {
        return zoom;
    }

    public ObservableList<Prediction> predictions() {
        return predictions;
    }

    public ReadOnlyStringProperty timingsProperty() {
        return timings.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty deviceProperty() {
        return device.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty deviceNoteProperty() {
        return deviceNote.getReadOnlyProperty();
    }

    /** The explanation shown (values per patch, method, settings), or null when there is none. */
    public ReadOnlyObjectProperty<Explanation> explanationProperty() {
        return explanation.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty heatmapDescriptionProperty() {
        return heatmapDescription.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ObservableList<GalleryItem> gallery() {
        return gallery;
    }

    public IntegerProperty galleryIndexProperty() {
        return galleryIndex;
    }

    public DoubleProperty galleryProgressProperty() {
        return galleryProgress;
    }

    public ReadOnlyStringProperty galleryStatusProperty() {
        return galleryStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty galleryRunningProperty() {
        return galleryRunning.getReadOnlyProperty();
    }

    public ObservableList<Notice> notices() {
        return notices;
    }

    public ObservableList<Path> recentFiles() {
        return recentFiles;
    }
}
