package dev.vitlens.ui;

import dev.vitlens.ui.viewmodel.CurrentAnalysis;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.scene.Node;

/**
 * One view of the main window (a tab): a title, its content, and a way to follow the current analysis. Register it
 * with one line in {@link WorkbenchPages#ALL}; the window builds it once, calls {@link #bind} once, and shows it as a
 * tab. Slow work (a teaching view's computation) goes through {@link PageContext#tasks()}, never on the FX thread.
 */
public interface WorkbenchPage {

    /** The tab's text; also gives the tab's id ("Images" is {@code #imagesTab}). */
    String title();

    /** The page's content, built once. */
    Node node();

    /**
     * Follows what the workbench shows: {@code analysis} holds the current image, model, analysis and explanation
     * (null before the first image) and is replaced whole when any of them changes. Pages whose panels follow the
     * session through their own view-models, or that show something else (live), ignore it.
     */
    void bind(ReadOnlyObjectProperty<CurrentAnalysis> analysis);

    /** Called each time the user selects the page (lazy loading); most pages need nothing. */
    default void selected() {
    }

    /** Called when the user leaves the page for another tab: stop work nobody sees. */
    default void deselected() {
    }

    /**
     * Keys without a shortcut modifier while the page is shown, whatever has the focus (the window hands them over
     * before the tabs or a list can act on them). Return true when the page used the key.
     */
    default boolean handleKey(javafx.scene.input.KeyEvent event) {
        return false;
    }
}
