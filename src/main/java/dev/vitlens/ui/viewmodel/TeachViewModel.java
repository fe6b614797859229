package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.output.AtomicFiles;
import dev.vitlens.teach.Lesson;
import dev.vitlens.teach.ModelInputImage;
import dev.vitlens.teach.LessonExport;
import dev.vitlens.teach.Question;
import dev.vitlens.teach.TeachInput;
import dev.vitlens.teach.TeachSelection;
import dev.vitlens.teach.TeachingView;
import dev.vitlens.teach.TeachingViews;
import dev.vitlens.teach.ViewData;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ObservableValue;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Teach page: the guided lesson and free exploration of the teaching views on the current image. The heavy
 * part (one forward pass keeping attentions and hidden states, the model's weights) is computed once per image on
 * the interactive worker; a layer, head, patch or view change only redraws, on the redraw worker, newest request
 * wins. All properties change on the UI thread; the page binds to them and calls the commands.
 */
public final class TeachViewModel {

    private final WorkbenchBackend backend;
    private final TaskExecutor heavy;
    private final TaskExecutor redraws;
    private final Consumer<Notice> notices;
    private final List<TeachingView> views = TeachingViews.ALL;

    private final ReadOnlyObjectWrapper<TeachInput> input = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<TeachingView> view = new ReadOnlyObjectWrapper<>(views.get(0));
    private final ReadOnlyObjectWrapper<TeachSelection> selection = new ReadOnlyObjectWrapper<>();
    private final BooleanProperty guided = new SimpleBooleanProperty(true);
    private final ReadOnlyIntegerWrapper step = new ReadOnlyIntegerWrapper(0);
    private final ReadOnlyObjectWrapper<List<Lesson.Step>> steps = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyObjectWrapper<Image> picture = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ViewData> data = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Image> inputPicture = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Open an image to start the lesson.");
    private final ReadOnlyStringWrapper unavailable = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<Question> question = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper questionPrompt = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Question.Answer> answer = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper pictureHidden = new ReadOnlyBooleanWrapper(false);
    private volatile double redrawMillis = Double.NaN;

    private CurrentAnalysis shown;
    private CurrentAnalysis wanted;
    private boolean active;
    private long redrawGeneration;
    private TaskHandle pendingLoad;

    public TeachViewModel(WorkbenchBackend backend, TaskExecutor heavy, TaskExecutor redraws,
                          Consumer<Notice> notices) {
        this.backend = Objects.requireNonNull(backend);
        this.heavy = Objects.requireNonNull(heavy);
        this.redraws = Objects.requireNonNull(redraws);
        this.notices = Objects.requireNonNull(notices);
        guided.addListener((obs, was, now) -> {
            if (now) {
                goToStep(step.get());
            } else {
                clearQuestion();
                redraw();
            }
        });
    }

    /**
     * Follows the workbench's current image (or the face of it that is shown) and model; the internals are computed once
     * the page is shown.
     */
    public void follow(ObservableValue<CurrentAnalysis> current) {
        current.addListener((obs, was, now) -> {
            wanted = now;
            if (active) {
                reload();
            }
        });
        wanted = current.getValue();
    }

    /** The page became visible: compute what is missing (nothing runs while the page was never opened). */
    public void activate() {
        active = true;
        if (wanted != shown) {
            reload();
        }
    }

    /**
     * The page was left: images opened meanwhile are not run for the lesson (each run would queue on the worker the
     * Images page uses); {@link #activate} catches up with the newest one.
     */
    public void deactivate() {
        active = false;
    }

    private boolean sameImageAndModel(CurrentAnalysis a, CurrentAnalysis b) {
        return a != null && b != null && a.analysed() == b.analysed() && a.model().id().equals(b.model().id());
    }

    private void reload() {
        CurrentAnalysis target = wanted;
        if (target == null) {
            return;
        }
        if (sameImageAndModel(target, shown)) {
            shown = target; // only the explanation changed: the lesson has nothing to redo
            return;
        }
        if (pendingLoad != null) {
            pendingLoad.cancel();
        }
        busy.set(true);
        status.set("Computing " + target.model().id() + "'s attentions and hidden states for " + target.analysed().name()
                + " ...");
        TeachSelection keep = selection.get();
        pendingLoad = heavy.execute(BackgroundTask.of("teach " + target.analysed().name(),
                context -> backend.teach(target.analysed().image(), target.model().id())).onSuccess(loaded -> {
                    shown = target;
                    TeachSelection next = keep != null && fits(keep, loaded.layout()) ? keep
                            : TeachSelection.defaults(loaded.layout());
                    input.set(loaded.withSelection(next));
                    selection.set(next);
                    steps.set(Lesson.steps(loaded));
                    inputPicture.set(SwingFXUtils.toFXImage(ModelInputImage.of(loaded), null));
                    status.set(describe(loaded));
                    if (guided.get()) {
                        goToStep(Math.min(step.get(), steps.get().size() - 1));
                    } else {
                        redraw();
                    }
                }).onFailure(error -> {
                    shown = target;
                    input.set(null);
                    picture.set(null);
                    data.set(null);
                    status.set("The lesson cannot use " + target.model().id() + ": " + ErrorText.describe(error));
                }).onFinished(() -> busy.set(false)));
    }

    private static boolean fits(TeachSelection s, TokenLayout layout) {
        try {
            s.checked(layout);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(TeachInput in) {
        TokenLayout l = in.layout();
        return String.format(Locale.ROOT, "%s on %s: %d x %d patches of %d px, %d layers x %d heads, %d tokens",
                in.model().id(), in.model().family().displayName(), l.gridHeight(), l.gridWidth(), l.patchSize(),
                l.layers(), l.heads(), l.tokens());
    }

    // ---- the lesson -------------------------------------------------------------------------------------------

    public void nextStep() {
        if (!guided.get()) {
            guided.set(true);
            return;
        }
        goToStep(step.get() + 1);
    }

    public void previousStep() {
        if (!guided.get()) {
            guided.set(true);
            return;
        }
        goToStep(step.get() - 1);
    }

    /** Shows step {@code index} (clamped): its view, its text and its question, if any (the picture waits). */
    public void goToStep(int index) {
        List<Lesson.Step> all = steps.get();
        if (all.isEmpty()) {
            return;
        }
        int clamped = Math.max(0, Math.min(all.size() - 1, index));
        step.set(clamped);
        Lesson.Step s = all.get(clamped);
        views.stream().filter(v -> v.name().equals(s.view())).findFirst().ifPresent(view::set);
        clearQuestion();
        s.question().ifPresent(q -> {
            question.set(q);
            questionPrompt.set(q.prompt(input.get()));
            pictureHidden.set(true);
        });
        redraw();
    }

    private void clearQuestion() {
        question.set(null);
        questionPrompt.set("");
        answer.set(null);
        pictureHidden.set(false);
    }

    /** Whether the current picture is held back until the student answers the step's question. */
    public ReadOnlyBooleanProperty pictureHiddenProperty() {
        return pictureHidden.getReadOnlyProperty();
    }

    /**
     * The student's answer to the current question (a patch or a layer, as {@link Question#pick()} says); the
     * feedback and the picture follow.
     */
    public void answer(int picked) {
        Question q = question.get();
        TeachInput in = input.get();
        if (q == null || in == null || answer.get() != null) {
            return;
        }
        try {
            answer.set(q.check(in, picked));
        } catch (IllegalArgumentException e) {
            answer.set(new Question.Answer(false, -1, e.getMessage()));
        }
        pictureHidden.set(false);
        if (q.pick() == Question.Pick.PATCH && answer.get().correct() >= 0) {
            select(selection.get().withPatch(picked));
        }
        if (q.pick() == Question.Pick.LAYER && answer.get().correct() >= 0) {
            select(selection.get().withLayer(picked));
        }
        redraw();
    }

    /** Shows the picture without answering. */
    public void reveal() {
        if (question.get() != null && answer.get() == null) {
            answer.set(new Question.Answer(false, -1, "Revealed without an answer."));
            pictureHidden.set(false);
            redraw();
        }
    }

    // ---- free exploration and the linked selection ------------------------------------------------------------

    /** Shows {@code chosen} outside the lesson (free exploration). */
    public void showView(TeachingView chosen) {
        Objects.requireNonNull(chosen);
        if (guided.get()) {
            guided.set(false);
        }
        view.set(chosen);
        redraw();
    }

    /** Sets the linked selection: every view reads the same layer, head, query and patch. */
    public void select(TeachSelection next) {
        TeachInput in = input.get();
        if (in == null || next == null || next.equals(selection.get()) || !fits(next, in.layout())) {
            return;
        }
        selection.set(next);
        redraw();
    }

    public void pickPatch(int row, int col) {
        TeachInput in = input.get();
        if (in == null) {
            return;
        }
        TokenLayout l = in.layout();
        if (row < 0 || col < 0 || row >= l.gridHeight() || col >= l.gridWidth()) {
            return;
        }
        int patch = row * l.gridWidth() + col;
        if (question.get() != null && question.get().pick() == Question.Pick.PATCH && answer.get() == null) {
            answer(patch);
            return;
        }
        select(selection.get().withPatch(patch));
    }

    /** Moves the picked patch by whole rows and columns (keyboard arrows), staying on the grid. */
    public void movePatch(int rows, int cols) {
        TeachInput in = input.get();
        TeachSelection s = selection.get();
        if (in == null || s == null) {
            return;
        }
        TokenLayout l = in.layout();
        int row = Math.max(0, Math.min(l.gridHeight() - 1, s.patchRow(l) + rows));
        int col = Math.max(0, Math.min(l.gridWidth() - 1, s.patchColumn(l) + cols));
        select(s.withPatch(row * l.gridWidth() + col));
    }

    public void setLayer(int layer) {
        TeachSelection s = selection.get();
        if (s != null) {
            if (question.get() != null && question.get().pick() == Question.Pick.LAYER && answer.get() == null) {
                answer(layer);
                return;
            }
            select(s.withLayer(layer));
        }
    }

    public void shiftLayer(int delta) {
        TeachSelection s = selection.get();
        TeachInput in = input.get();
        if (s != null && in != null) {
            select(s.withLayer(Math.max(0, Math.min(in.layout().layers() - 1, s.layer() + delta))));
        }
    }

    public void shiftHead(int delta) {
        TeachSelection s = selection.get();
        TeachInput in = input.get();
        if (s != null && in != null) {
            int heads = in.layout().heads();
            select(s.withHead(Math.floorMod(s.head() + delta, heads)));
        }
    }

    public void setQuery(int token) {
        TeachSelection s = selection.get();
        if (s != null) {
            select(s.withQuery(token));
        }
    }

    // ---- drawing ----------------------------------------------------------------------------------------------

    private void redraw() {
        TeachInput in = input.get();
        TeachingView v = view.get();
        TeachSelection s = selection.get();
        if (in == null || v == null || s == null) {
            return;
        }
        Optional<String> missing = v.unavailable(in);
        if (missing.isPresent()) {
            unavailable.set(missing.get());
            picture.set(null);
            data.set(null);
            return;
        }
        unavailable.set("");
        long generation = ++redrawGeneration;
        TeachInput selected = in.withSelection(s);
        redraws.execute(BackgroundTask.of("draw " + v.name(), context -> {
            if (generation != redrawGeneration) {
                return null; // a newer selection is queued: skip the work
            }
            long start = System.nanoTime();
            ViewData computed = v.compute(selected);
            BufferedImage image = computed.render();
            Image fx = SwingFXUtils.toFXImage(image, null);
            return new Drawn(computed, fx, (System.nanoTime() - start) / 1e6);
        }).onSuccess(drawn -> {
            if (drawn != null && generation == redrawGeneration) {
                data.set(drawn.data());
                picture.set(drawn.image());
                redrawMillis = drawn.millis();
            }
        }).onFailure(error -> {
            if (generation == redrawGeneration) {
                unavailable.set(v.title() + ": " + ErrorText.describe(error));
                picture.set(null);
                data.set(null);
            }
        }));
    }

    private record Drawn(ViewData data, Image image, double millis) {
    }

    /** How long the last redraw took (compute and render, off the FX thread), or NaN before the first. */
    public double lastRedrawMillis() {
        return redrawMillis;
    }

    // ---- export -----------------------------------------------------------------------------------------------

    /** Saves the current view as PNG, or as SVG when the file name ends in {@code .svg} and the view is a chart. */
    public void savePicture(Path file) {
        ViewData current = data.get();
        TeachingView v = view.get();
        if (current == null) {
            notices.accept(Notice.warning("Nothing to save", "The view has no picture yet."));
            return;
        }
        boolean svg = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
        if (svg && current.svg().isEmpty()) {
            notices.accept(Notice.warning("No SVG for this view", v.title() + " is a picture, not a chart: save it "
                    + "as PNG instead."));
            return;
        }
        heavy.execute(BackgroundTask.of("save " + file.getFileName(), context -> {
            if (svg) {
                AtomicFiles.write(file, current.svg().orElseThrow().getBytes(StandardCharsets.UTF_8));
            } else {
                BufferedImage image = current.render();
                AtomicFiles.write(file, out -> {
                    if (!javax.imageio.ImageIO.write(image, "png", out)) {
                        throw new java.io.IOException("no PNG writer");
                    }
                });
            }
            return file;
        }).onSuccess(saved -> notices.accept(Notice.success("Saved", saved.toString())))
                .onFailure(error -> notices.accept(Notice.error("Cannot save " + file.getFileName(),
                        ErrorText.describe(error)))));
    }

    /** Saves the whole lesson for this image: one self-contained HTML page, or a folder of PNG and JSON files. */
    public void saveLesson(Path target, boolean asFolder) {
        TeachInput in = input.get();
        if (in == null) {
            notices.accept(Notice.warning("Nothing to save", "Open an image first."));
            return;
        }
        TeachInput selected = in.withSelection(selection.get());
        busy.set(true);
        heavy.execute(BackgroundTask.of("save lesson", context -> {
            if (asFolder) {
                LessonExport.writeFolder(selected, target);
            } else {
                LessonExport.writeHtml(selected, target);
            }
            return target;
        }).onSuccess(saved -> notices.accept(Notice.success("Lesson saved", saved.toString())))
                .onFailure(error -> notices.accept(Notice.error("Cannot save the lesson", ErrorText.describe(error))))
                .onFinished(() -> busy.set(false)));
    }

    // ---- read-only state for the page -------------------------------------------------------------------------

    public List<TeachingView> views() {
        return views;
    }

    public ReadOnlyObjectProperty<TeachInput> inputProperty() {
        return input.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<TeachingView> viewProperty() {
        return view.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<TeachSelection> selectionProperty() {
        return selection.getReadOnlyProperty();
    }

    public BooleanProperty guidedProperty() {
        return guided;
    }

    public ReadOnlyIntegerProperty stepProperty() {
        return step.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<Lesson.Step>> stepsProperty() {
        return steps.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Image> pictureProperty() {
        return picture.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ViewData> dataProperty() {
        return data.getReadOnlyProperty();
    }

    /** The image as the model saw it (its input resolution), for the patch picker. */
    public ReadOnlyObjectProperty<Image> inputPictureProperty() {
        return inputPicture.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Why the current view cannot be drawn for this model (empty when it can). */
    public ReadOnlyStringProperty unavailableProperty() {
        return unavailable.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Question> questionProperty() {
        return question.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty questionPromptProperty() {
        return questionPrompt.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Question.Answer> answerProperty() {
        return answer.getReadOnlyProperty();
    }
}
