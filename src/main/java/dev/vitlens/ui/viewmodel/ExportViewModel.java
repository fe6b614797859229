package dev.vitlens.ui.viewmodel;

import dev.vitlens.engine.ImageRegion;
import dev.vitlens.engine.method.Explanation;
import dev.vitlens.output.AtomicFiles;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.collections.ObservableList;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/** Export of the shown analysis: results as JSON or CSV, the overlay as PNG; files are written atomically. */
public final class ExportViewModel {

    private final WorkbenchBackend backend;
    private final TaskExecutor interactive;
    private final ReadOnlyObjectProperty<CurrentAnalysis> current;
    private final OverlayViewModel overlay;
    private final ObservableList<GalleryItem> gallery;
    private final Consumer<Notice> notices;

    ExportViewModel(WorkbenchBackend backend, TaskExecutor interactive, ReadOnlyObjectProperty<CurrentAnalysis> current,
                    OverlayViewModel overlay, ObservableList<GalleryItem> gallery, Consumer<Notice> notices) {
        this.backend = Objects.requireNonNull(backend);
        this.interactive = Objects.requireNonNull(interactive);
        this.current = Objects.requireNonNull(current);
        this.overlay = Objects.requireNonNull(overlay);
        this.gallery = Objects.requireNonNull(gallery);
        this.notices = Objects.requireNonNull(notices);
    }

    public boolean hasResult() {
        return current.get() != null;
    }

    /** Suggested file name stem for exports, from the shown image. */
    public String exportStem() {
        String name = current.get() == null ? "vitlens" : current.get().image().name();
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The shown results as JSON, or empty when nothing is shown. */
    public Optional<String> resultsJson() {
        CurrentAnalysis shown = current.get();
        if (shown == null) {
            return Optional.empty();
        }
        return Optional.of(ResultsExport.json(shown.image(), shown.model(), shown.analysis(), shown.explanation(),
                List.copyOf(gallery), shown.isPart() ? shown.analysed() : null));
    }

    /** Saves the results as JSON or CSV (by the file's extension), atomically. */
    public void saveResults(Path target) {
        CurrentAnalysis shown = current.get();
        if (shown == null) {
            notices.accept(Notice.warning("Nothing to save", "Open an image first."));
            return;
        }
        boolean csv = target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        String text = csv ? ResultsExport.csv(shown.image(), shown.analysis()) : resultsJson().orElseThrow();
        interactive.execute(BackgroundTask.of("save results", context -> {
            AtomicFiles.write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
            return target;
        }).onSuccess(saved -> notices.accept(Notice.success("Results saved", saved.toString())))
                .onFailure(error -> notices.accept(Notice.error("Cannot save " + target.getFileName(),
                        ErrorText.describe(error)))));
    }

    /** Saves the image with the heatmap blended as on screen (plain image when the heatmap is hidden), as PNG. */
    public void saveOverlay(Path target) {
        CurrentAnalysis shown = current.get();
        if (shown == null) {
            notices.accept(Notice.warning("Nothing to save", "Open an image first."));
            return;
        }
        BufferedImage source = shown.image().image();
        Explanation heatmap = overlay.heatmapVisibleProperty().get() ? shown.explanation() : null;
        ImageRegion region = shown.analysis().region();
        ColormapChoice colors = overlay.colormapProperty().get();
        double opacity = overlay.heatmapOpacityProperty().get();
        interactive.execute(BackgroundTask.of("save overlay", context -> {
            BufferedImage out = heatmap == null ? source : backend.renderOverlay(source, region, heatmap, colors, opacity);
            AtomicFiles.write(target, stream -> {
                if (!ImageIO.write(out, "png", stream)) {
                    throw new IOException("no PNG writer available");
                }
            });
            return target;
        }).onSuccess(saved -> notices.accept(Notice.success("Overlay saved", saved.toString())))
                .onFailure(error -> notices.accept(Notice.error("Cannot save " + target.getFileName(),
                        ErrorText.describe(error)))));
    }
}
