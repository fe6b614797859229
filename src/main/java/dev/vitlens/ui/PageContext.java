package dev.vitlens.ui;

import dev.vitlens.ui.viewmodel.LiveViewModel;
import dev.vitlens.ui.viewmodel.TaskExecutor;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;

import java.util.Objects;

/**
 * What a {@link WorkbenchPage} may build on: the workbench's view-models and a background executor for its own work.
 *
 * @param workbench the composition root; a page takes the view-models its panels need from it
 * @param live      the live view's view-model
 * @param tasks     runs a page's slow work off the FX thread, in order with the workbench's analyses
 */
public record PageContext(WorkbenchViewModel workbench, LiveViewModel live, TaskExecutor tasks) {

    public PageContext {
        Objects.requireNonNull(workbench);
        Objects.requireNonNull(live);
        Objects.requireNonNull(tasks);
    }
}
