package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.Analysis;
import dev.vitlens.metrics.Faithfulness;
import dev.vitlens.metrics.PerturbationCurves;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The faithfulness curves of the shown image: deletion and insertion curves of the explorer's method, the random
 * baseline and occlusion, with their AUCs. Follows the current analysis; each new one replaces the curves, and a
 * measurement is cancelled as soon as the session starts other work (it shares the interactive worker). The
 * explorer's curves are shown as soon as they are measured; random and occlusion follow, once per image.
 */
public final class FaithfulnessViewModel {

    /**
     * One method's two curves.
     *
     * @param name  the method's registry name or {@code random}
     * @param label what a legend shows, e.g. "rollout · AUC 0.39"
     */
    public record Series(String name, String label, double[] fractions, double[] deletion, double[] insertion,
                         double deletionAuc, double insertionAuc) {
    }

    private final WorkbenchBackend backend;
    private final TaskExecutor tasks;
    private final ReadOnlyObjectProperty<CurrentAnalysis> current;
    private final Supplier<ExplainSettings> settings;
    private final ObservableList<Series> series = FXCollections.observableArrayList();
    // One view kept for good: listeners on a fresh unmodifiable wrapper die with it (it listens weakly).
    private final ObservableList<Series> seriesView = FXCollections.unmodifiableObservableList(series);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private TaskHandle handle;
    private CurrentAnalysis measured;
    private Analysis referencesFor;
    private Faithfulness.ImageResult references;
    private long generation;

    /**
     * @param sessionBusy true while the session analyses or explains: the measurement then gives way
     * @param settings    the explorer's settings fitted to the shown model (FX thread)
     */
    FaithfulnessViewModel(WorkbenchBackend backend, TaskExecutor tasks, ReadOnlyObjectProperty<CurrentAnalysis> current,
                          ObservableValue<Boolean> sessionBusy, Supplier<ExplainSettings> settings) {
        this.backend = Objects.requireNonNull(backend);
        this.tasks = Objects.requireNonNull(tasks);
        this.current = Objects.requireNonNull(current);
        this.settings = Objects.requireNonNull(settings);
        current.addListener((obs, old, now) -> measure(now));
        sessionBusy.addListener((obs, was, busy) -> {
            if (busy) {
                stop();
            } else if (measured != this.current.get()) {
                measure(this.current.get()); // work that gave way without a new analysis: measure again
            }
        });
    }

    private void stop() {
        if (handle != null) {
            handle.cancel();
            handle = null;
        }
        generation++;
        measured = null;
        running.set(false);
    }

    private void measure(CurrentAnalysis shown) {
        stop();
        if (shown == null) {
            series.clear();
            status.set("");
            return;
        }
        if (shown.analysis().top().isEmpty()) {
            series.clear();
            status.set("no class scores: this model has no classification head");
            measured = shown;
            return;
        }
        ExplainSettings used = settings.get();
        series.clear(); // the previous image's curves must not stand for this one
        long requested = generation;
        measured = shown;
        running.set(true);
        Analysis analysis = shown.analysis();
        // Random and occlusion do not depend on the explorer: an image measures them once.
        Faithfulness.ImageResult known = referencesFor == analysis ? references : null;
        boolean chosenIsReference = used.method().name().equals(EngineBackend.OCCLUSION);
        status.set("measuring " + used.method().name() + (known == null ? ", random and occlusion" : "") + "\u2026");
        handle = tasks.execute(BackgroundTask.of("faithfulness", context -> {
            Faithfulness.ImageResult chosen = null;
            if (!chosenIsReference) {
                chosen = backend.faithfulness(analysis, used, false, context::isCancelled);
                Faithfulness.ImageResult first = chosen;
                // The explorer's curves first: they appear while the references are still being measured.
                context.publish(() -> {
                    if (requested == generation && current.get() == shown) {
                        show(first, known);
                    }
                });
            }
            Faithfulness.ImageResult refs = known != null ? known
                    : backend.faithfulness(analysis, used, true, context::isCancelled);
            return new Faithfulness.ImageResult[] {chosen, refs};
        }).onSuccess(result -> {
            if (requested == generation && current.get() == shown) {
                referencesFor = analysis;
                references = result[1];
                show(result[0], result[1]);
            }
        }).onFailure(error -> {
            if (requested == generation) {
                series.clear();
                status.set("faithfulness failed: " + ErrorText.describe(error));
            }
        }).onFinished(() -> {
            if (requested == generation) {
                running.set(false);
            }
        }));
    }

    /** The explorer's method (null when it is a reference itself), then random and occlusion (null: pending). */
    private void show(Faithfulness.ImageResult chosen, Faithfulness.ImageResult refs) {
        List<Series> shown = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        double millis = 0;
        Faithfulness.ImageResult any = chosen != null ? chosen : refs;
        for (Faithfulness.ImageResult part : new Faithfulness.ImageResult[] {chosen, refs}) {
            if (part == null) {
                continue;
            }
            millis += part.millis();
            for (Faithfulness.Outcome o : part.outcomes().values()) {
                if (!o.available()) {
                    notes.add(o.name() + " unavailable: " + o.unavailable());
                    continue;
                }
                PerturbationCurves.Curves c = o.curves();
                String label = String.format(Locale.ROOT, "%s \u00b7 del %.2f \u00b7 ins %.2f", o.name(),
                        c.deletionAuc(), c.insertionAuc());
                shown.add(new Series(o.name(), label, c.deletion().fractions(), c.deletion().scores(),
                        c.insertion().scores(), c.deletionAuc(), c.insertionAuc()));
            }
        }
        series.setAll(shown);
        String summary = String.format(Locale.ROOT, "P(%s) %.2f; AUC: deletion lower is better, insertion higher"
                        + " (random: mean of %d seeds) \u00b7 %s", any.targetLabel().isEmpty()
                        ? "class " + any.targetClass() : any.targetLabel(), any.probability(),
                EngineBackend.FAITHFULNESS_SEEDS, refs == null ? "measuring random and occlusion\u2026"
                        : String.format(Locale.ROOT, "%.0f ms", millis));
        status.set(notes.isEmpty() ? summary : String.join("; ", notes) + ". " + summary);
    }

    /** The curves shown, the explorer's method first, then random and occlusion. */
    public ObservableList<Series> series() {
        return seriesView;
    }

    /** What is shown or why nothing is: the predicted class, how long it took, an unavailable method's reason. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }
}
