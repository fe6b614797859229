package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.SeedModel;
import dev.vitlens.catalog.SeedModels;
import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.Prediction;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;
import dev.vitlens.engine.method.Need;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.function.Consumer;

/**
 * The session: the model catalogue, the chosen model and the analysis on screen ({@link #currentProperty()}), with
 * the actions that replace it (open, paste, run again, explain again). Everything shown is read-only from outside;
 * only the model choice is the user's to set. Slow work runs as a {@link BackgroundTask}; a generation counter drops
 * late results of stale requests.
 */
public final class SessionViewModel {

    static final int TOP_K = 5;

    private final WorkbenchBackend backend;
    private final TaskExecutor interactive;
    private final WorkbenchSettings settings;
    private final ExplorerViewModel explorer;
    private final ObjectProperty<ColormapChoice> colormap;
    private final Consumer<Notice> notices;

    private final ObservableList<ModelEntry> models = FXCollections.observableArrayList();
    private final ObservableList<ModelEntry> modelsView = FXCollections.unmodifiableObservableList(models);
    private final ObservableList<ModelEntry> pickerEntries = FXCollections.observableArrayList();
    private final ObservableList<ModelEntry> pickerEntriesView = FXCollections.unmodifiableObservableList(pickerEntries);
    private final ObjectProperty<ModelEntry> selectedModel = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<SeedModel> seedInstructions = new ReadOnlyObjectWrapper<>();

    private final ReadOnlyObjectWrapper<CurrentAnalysis> current = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Image> image = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper imageName = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper part = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Image> heatmapImage = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyIntegerWrapper gridRows = new ReadOnlyIntegerWrapper(0);
    private final ReadOnlyIntegerWrapper gridColumns = new ReadOnlyIntegerWrapper(0);
    private final ReadOnlyObjectWrapper<ImageRegion> modelRegion = new ReadOnlyObjectWrapper<>(ImageRegion.WHOLE);
    private final ObservableList<Prediction> predictions = FXCollections.observableArrayList();
    private final ObservableList<Prediction> predictionsView = FXCollections.unmodifiableObservableList(predictions);
    private final ReadOnlyStringWrapper timings = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper device = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper deviceNote = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper heatmapDescription = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Explanation> explanation = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Starting\u2026");

    // Only touched on the FX thread.
    private long generation;
    private long explainGeneration;
    private TaskHandle runningAnalysis;
    private TaskHandle runningExplain;
    private boolean adoptingModel;
    private ExplanationMethod lastMethod = ExplanationMethods.defaultMethod();

    /**
     * @param colormap      the overlay's colours: heatmaps are rendered in them, and signed methods switch them
     * @param onModelChosen called after a user's model choice has started a re-run (the gallery re-runs too)
     */
    SessionViewModel(WorkbenchBackend backend, TaskExecutor interactive, WorkbenchSettings settings,
                     ExplorerViewModel explorer, ObjectProperty<ColormapChoice> colormap, Consumer<Notice> notices,
                     Consumer<ModelEntry> onModelChosen) {
        this.backend = Objects.requireNonNull(backend);
        this.interactive = Objects.requireNonNull(interactive);
        this.settings = Objects.requireNonNull(settings);
        this.explorer = Objects.requireNonNull(explorer);
        this.colormap = Objects.requireNonNull(colormap);
        this.notices = Objects.requireNonNull(notices);
        selectedModel.addListener((obs, old, now) -> {
            if (now != null && !adoptingModel && !now.equals(old)) {
                settings.setLastModel(now.id());
                rerun();
                onModelChosen.accept(now);
            }
        });
        colormap.addListener((obs, old, now) -> rerender());
    }

    // ---- start-up ---------------------------------------------------------------------------------------------

    /**
     * Loads the catalogue and selects the remembered (or default) model; then hands {@code files} to
     * {@code openFiles}, or with no files shows the default model's first sample so a new user sees a classified
     * image at once.
     */
    void start(List<Path> files, Consumer<List<Path>> openFiles) {
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
            explorer.offer(catalogue.methods());
            adoptingModel = true;
            try {
                setModels(catalogue.models());
                selectedModel.set(chooseStartModel(catalogue.models(), catalogue.defaultId()).orElse(null));
            } finally {
                adoptingModel = false;
            }
            status.set(models.isEmpty() ? "No models found" : "Ready");
            if (models.stream().noneMatch(ModelEntry::available)) {
                notices.accept(Notice.error("No usable model", models.isEmpty() ? "The catalogue is empty."
                        : "Every model failed to load; hover a model in the picker to see why."));
            }
            if (!files.isEmpty()) {
                openFiles.accept(files);
            } else if (!catalogue.samples().isEmpty()) {
                showFile(catalogue.samples().get(0));
            }
        }).onFailure(error -> {
            status.set("No models");
            notices.accept(Notice.error("Cannot load the model catalogue", ErrorText.describe(error)));
        }));
    }

    /**
     * Lists the catalogue again after the user's models changed (import, rename, removal). With {@code selectId}
     * (a new import) that model becomes the choice, as if the user had picked it; otherwise the current choice stays
     * (its entry refreshed, nothing re-run) unless it is gone, when the start-up choice replaces it.
     */
    void refreshModels(String selectId) {
        record Listing(List<ModelEntry> models, String defaultId) {
        }
        interactive.execute(BackgroundTask.of("catalogue", context ->
                new Listing(backend.listModels(), backend.defaultModelId())).onSuccess(listing -> {
            ModelEntry before = selectedModel.get();
            String wanted = selectId != null ? selectId : before == null ? null : before.id();
            Optional<ModelEntry> kept = listing.models().stream().filter(m -> m.id().equals(wanted)).findFirst();
            boolean newChoice = selectId != null || kept.isEmpty();
            adoptingModel = true;
            try {
                setModels(listing.models());
                if (!newChoice) {
                    selectedModel.set(kept.get());
                }
            } finally {
                adoptingModel = false;
            }
            if (newChoice) {
                selectedModel.set(kept.filter(ModelEntry::available)
                        .or(() -> chooseStartModel(listing.models(), listing.defaultId())).orElse(null));
            }
        }).onFailure(error -> notices.accept(Notice.error("Cannot list the models", ErrorText.describe(error)))));
    }

    private void setModels(List<ModelEntry> installed) {
        models.setAll(installed);
        pickerEntries.setAll(withSeedModels(installed));
    }

    /**
     * The installed models, then one not-installed entry per seed model that has none. A seed model counts as
     * installed when a model has the id its README import command gives it (the export folder's name): a model
     * imported under another id is not recognised and the seed entry stays listed.
     */
    static List<ModelEntry> withSeedModels(List<ModelEntry> installed) {
        Set<String> ids = installed.stream().map(ModelEntry::id).collect(Collectors.toSet());
        return Stream.concat(installed.stream(), SeedModels.all().stream().filter(seed -> !ids.contains(seed.id()))
                .map(ModelEntry::notInstalled)).toList();
    }

    /**
     * The user picked {@code entry} in the model picker. An installed model becomes the choice (unusable ones too: the
     * picker greys them out, and running refuses them with their reason). A not-installed seed model loads nothing:
     * the choice stays, and {@link #seedInstructionsProperty()} asks the view to show its export and import commands.
     */
    public void choose(ModelEntry entry) {
        if (entry == null) {
            return;
        }
        if (!entry.installed()) {
            seedInstructions.set(null);
            seedInstructions.set(entry.seed());
            return;
        }
        selectedModel.set(entry);
    }

    /** The view has closed the seed model's commands. */
    public void dismissSeedInstructions() {
        seedInstructions.set(null);
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

    // ---- analysing --------------------------------------------------------------------------------------------

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

    /**
     * Classifies and explains a part of the shown image (a face crop) on its own and shows it in place: the image stays,
     * the heatmap and the patch grid cover {@code where}, and predictions, explorer and faithfulness are the part's.
     */
    void showPart(DecodedImage partImage, ImageRegion where) {
        CurrentAnalysis shown = current.get();
        ModelEntry model = usableModel();
        if (shown == null || model == null) {
            return;
        }
        DecodedImage photo = shown.image();
        Image photoFx = image.get();
        ExplainSettings wanted = explorer.settings();
        boolean followLast = explorer.followsLastLayer();
        ColormapChoice colors = colormap.get();
        analyse("Analysing " + partImage.name(), context -> analyse(photo, photoFx, partImage, where, model, wanted,
                followLast, colors, context), "Cannot analyse " + partImage.name());
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

    /** Runs the current image (the whole of it, also while a face is shown) again with the selected model (F5). */
    public void rerun() {
        CurrentAnalysis shown = current.get();
        ModelEntry model = usableModel();
        if (shown == null || model == null) {
            return;
        }
        DecodedImage decoded = shown.image();
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
            notices.accept(Notice.error("No model selected", "Pick a model first."));
            return null;
        }
        if (!model.available()) {
            notices.accept(Notice.error("Model " + model.displayName() + " is unavailable", model.unavailableReason()));
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
                notices.accept(Notice.error(failureTitle, ErrorText.describe(error)));
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
        return analyse(decoded, null, decoded, null, model, wanted, followLast, colors, context);
    }

    /**
     * Runs the model on {@code analysed}: {@code decoded} itself ({@code where} null), or the part of it at
     * {@code where}, whose analysis is then drawn over that region of {@code decoded} ({@code decodedFx}, the image
     * already on screen, or null to convert {@code decoded}).
     */
    private ScreenResult analyse(DecodedImage decoded, Image decodedFx, DecodedImage analysed, ImageRegion where,
                                 ModelEntry model, ExplainSettings wanted, boolean followLast, ColormapChoice colors,
                                 TaskContext context) throws Exception {
        Analysis classification = backend.classify(analysed.image(), model.id(), TOP_K, true);
        if (where != null) {
            classification = classification.withRegion(classification.region().within(where));
        }
        context.throwIfCancelled();
        ExplainSettings used = ExplorerViewModel.fit(wanted, followLast, classification.layout(), model.family());
        Explanation heatmap = null;
        Image heatmapFx = null;
        if (canExplain(classification, used)) {
            heatmap = backend.explain(analysed.image(), classification, used, context::isCancelled);
            context.throwIfCancelled();
            heatmapFx = renderHeatmap(heatmap, colors, analysed.image());
        }
        Image fx = decodedFx != null ? decodedFx : SwingFXUtils.toFXImage(decoded.image(), null);
        return new ScreenResult(decoded, analysed, fx, model, classification, heatmap, heatmapFx, used);
    }

    /** Whether the analysis carries what the method declares it needs. */
    private static boolean canExplain(Analysis analysis, ExplainSettings settings) {
        ExplanationMethod method = settings.method();
        return analysis.layout() != null
                && (!method.needs(Need.ATTENTIONS) || analysis.hasAttentions())
                && (!method.needs(Need.SCORER) || !analysis.top().isEmpty());
    }

    private void publish(ScreenResult result) {
        Analysis c = result.classification();
        explanation.set(result.heatmap());
        image.set(result.image());
        imageName.set(result.decoded().name());
        boolean isPart = result.analysed() != result.decoded();
        part.set(isPart ? result.analysed().name() : "");
        heatmapImage.set(result.heatmapImage());
        heatmapDescription.set(result.heatmap() == null
                ? (c.hasAttentions() ? "" : noAttentions(c))
                : result.heatmap().description());
        modelRegion.set(c.region());
        gridRows.set(c.layout() == null ? 0 : c.layout().gridHeight());
        gridColumns.set(c.layout() == null ? 0 : c.layout().gridWidth());
        explorer.adopt(c.layout(), result.model().family(), result.settings(), c.hasAttentions());
        predictions.setAll(c.top());
        // A part (face crop) was cut from the decoded image, not decoded itself.
        String decode = isPart ? "" : String.format(Locale.ROOT, "decode %.1f ms \u00b7 ",
                result.decoded().decodeMillis());
        timings.set(String.format(Locale.ROOT, "%spreprocess %.1f ms \u00b7 inference %.1f ms%s", decode,
                c.preprocessMillis(), c.inferenceMillis(),
                result.heatmap() == null ? "" : String.format(Locale.ROOT, " \u00b7 explain %.1f ms",
                        result.heatmap().millis())));
        device.set(c.device());
        deviceNote.set(c.deviceNote());
        status.set(result.decoded().name() + (isPart ? ", " + result.analysed().name() : "") + " \u2014 "
                + result.model().displayName());
        // Last: listeners of the current analysis see every other property already updated.
        current.set(new CurrentAnalysis(result.decoded(), result.model(), c, result.heatmap(), result.analysed()));
    }

    private static String noAttentions(Analysis analysis) {
        String reason = analysis.noAttentionsReason();
        return "this model exports no attentions" + (reason.isEmpty() ? "" : " (" + reason + ")");
    }

    // ---- explanations -----------------------------------------------------------------------------------------

    /** Recomputes the heatmap for the shown analysis with the explorer's current settings. */
    public void reexplain() {
        followMethodWithColormap();
        CurrentAnalysis shown = current.get();
        if (shown == null) {
            return;
        }
        Analysis classification = shown.analysis();
        DecodedImage analysed = shown.analysed();
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
            Explanation heatmap = backend.explain(analysed.image(), classification, used, context::isCancelled);
            context.throwIfCancelled();
            return new Explained(heatmap, renderHeatmap(heatmap, colors, analysed.image()));
        }).onSuccess(result -> {
            if (requested == explainGeneration && forResult == generation) {
                explanation.set(result.heatmap());
                heatmapImage.set(result.image());
                heatmapDescription.set(result.heatmap().description());
                replaceExplainTiming(result.heatmap().millis());
                current.set(current.get().withExplanation(result.heatmap()));
            }
        }).onFailure(error -> {
            if (requested == explainGeneration) {
                notices.accept(Notice.error("Explanation failed", ErrorText.describe(error)));
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
        CurrentAnalysis shown = current.get();
        if (shown == null || shown.explanation() == null) {
            return;
        }
        Explanation heatmap = shown.explanation();
        BufferedImage source = shown.analysed().image();
        ColormapChoice colors = colormap.get();
        long forResult = generation;
        long forExplain = explainGeneration;
        interactive.execute(BackgroundTask.of("colormap", context -> renderHeatmap(heatmap, colors, source))
                .onSuccess(rendered -> {
                    if (forResult == generation && forExplain == explainGeneration) {
                        heatmapImage.set(rendered);
                    }
                }).onFailure(error -> notices.accept(Notice.error("Cannot draw the heatmap",
                        ErrorText.describe(error)))));
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

    private static void cancel(TaskHandle handle) {
        if (handle != null) {
            handle.cancel();
        }
    }

    /** Stops the running analysis and explanation. */
    void shutdown() {
        cancel(runningAnalysis);
        cancel(runningExplain);
    }

    // ---- properties -------------------------------------------------------------------------------------------

    /** The analysis on screen, or null before the first one; replaced whole whenever any part of it changes. */
    public ReadOnlyObjectProperty<CurrentAnalysis> currentProperty() {
        return current.getReadOnlyProperty();
    }

    public ObservableList<ModelEntry> models() {
        return modelsView;
    }

    /** What the workbench's model picker lists: {@link #models()}, then the seed models not installed. */
    public ObservableList<ModelEntry> pickerEntries() {
        return pickerEntriesView;
    }

    /**
     * The not-installed seed model the user picked, whose export and import commands the view shows until
     * {@link #dismissSeedInstructions()}; null when none is asked for.
     */
    public ReadOnlyObjectProperty<SeedModel> seedInstructionsProperty() {
        return seedInstructions.getReadOnlyProperty();
    }

    /** The user's model choice; setting it re-runs the shown image (and the gallery) with that model. */
    public ObjectProperty<ModelEntry> selectedModelProperty() {
        return selectedModel;
    }

    public ReadOnlyObjectProperty<Image> imageProperty() {
        return image.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty imageNameProperty() {
        return imageName.getReadOnlyProperty();
    }

    /** What part of the image the shown analysis is of ("face 2"), or empty for the whole image. */
    public ReadOnlyStringProperty partProperty() {
        return part.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Image> heatmapImageProperty() {
        return heatmapImage.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty gridRowsProperty() {
        return gridRows.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty gridColumnsProperty() {
        return gridColumns.getReadOnlyProperty();
    }

    /** Where the heatmap and patch grid sit on the image: the part the model saw. */
    public ReadOnlyObjectProperty<ImageRegion> modelRegionProperty() {
        return modelRegion.getReadOnlyProperty();
    }

    public ObservableList<Prediction> predictions() {
        return predictionsView;
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
}
