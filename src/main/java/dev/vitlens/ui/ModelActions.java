package dev.vitlens.ui;

import dev.vitlens.ui.viewmodel.ModelEntry;
import dev.vitlens.ui.viewmodel.ModelLibraryViewModel;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextInputDialog;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

import java.io.File;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Model menu's actions on models themselves: import an export folder, evaluate on a labelled folder, rename and
 * remove one of the user's models; and the status-bar progress of imports.
 */
final class ModelActions {

    private final WorkbenchViewModel viewModel;
    private final Supplier<Window> window;
    private EvaluateDialog evaluateDialog;

    ModelActions(WorkbenchViewModel viewModel, Supplier<Window> window) {
        this.viewModel = viewModel;
        this.window = window;
    }

    /** Import…, Evaluate Folder…, then Rename…/Remove… (enabled for the user's own models only). */
    List<MenuItem> menuItems() {
        MenuItem importItem = item("_Import Model\u2026", "Shortcut+I", this::chooseImport);
        MenuItem evaluate = item("_Evaluate Folder\u2026", "Shortcut+E", this::chooseEvaluate);
        MenuItem rename = item("Re_name Model\u2026", null, this::rename);
        MenuItem remove = item("Remo_ve Model\u2026", null, this::remove);
        ObjectProperty<ModelEntry> selected = viewModel.session().selectedModelProperty();
        var notOwn = Bindings.createBooleanBinding(() -> !ModelLibraryViewModel.canChange(selected.get()), selected);
        rename.disableProperty().bind(notOwn);
        remove.disableProperty().bind(notOwn);
        return List.of(new SeparatorMenuItem(), importItem, evaluate, new SeparatorMenuItem(), rename, remove);
    }

    /** "Importing …" with a progress bar, shown while an import, rename or removal runs. */
    Node progress() {
        Label status = new Label();
        status.textProperty().bind(viewModel.library().statusProperty());
        ProgressBar bar = new ProgressBar();
        bar.setPrefWidth(140);
        bar.progressProperty().bind(viewModel.library().progressProperty());
        HBox box = new HBox(6, status, bar);
        box.setId("libraryProgress");
        box.setAlignment(Pos.CENTER_LEFT);
        box.visibleProperty().bind(viewModel.library().runningProperty());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    /** The evaluation window (created on first use). */
    EvaluateDialog evaluateDialog() {
        if (evaluateDialog == null) {
            evaluateDialog = new EvaluateDialog(viewModel.evaluate(), window.get());
        }
        return evaluateDialog;
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem item = new MenuItem(text);
        if (accelerator != null) {
            item.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        item.setOnAction(e -> action.run());
        return item;
    }

    private void chooseImport() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Import a model export folder (model.onnx, config.json, preprocessor_config.json)");
        File folder = chooser.showDialog(window.get());
        if (folder != null) {
            viewModel.library().importModel(folder.toPath());
        }
    }

    private void chooseEvaluate() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Evaluate on a folder with one sub-folder of images per class");
        File folder = chooser.showDialog(window.get());
        if (folder != null) {
            viewModel.evaluate().evaluate(folder.toPath());
            evaluateDialog().show();
        }
    }

    private void rename() {
        ModelEntry model = viewModel.session().selectedModelProperty().get();
        if (!ModelLibraryViewModel.canChange(model)) {
            return;
        }
        TextInputDialog dialog = new TextInputDialog(model.displayName());
        dialog.initOwner(window.get());
        dialog.setTitle("Rename model");
        dialog.setHeaderText("Display name of \"" + model.id() + "\" (its id stays the same)");
        dialog.showAndWait().ifPresent(name -> viewModel.library().rename(model, name));
    }

    private void remove() {
        ModelEntry model = viewModel.session().selectedModelProperty().get();
        if (!ModelLibraryViewModel.canChange(model)) {
            return;
        }
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, "This deletes \"" + model.id()
                + "\" from your models folder. The folder it was imported from is not touched.",
                ButtonType.CANCEL, ButtonType.OK);
        confirm.initOwner(window.get());
        confirm.setTitle("Remove model");
        confirm.setHeaderText("Remove " + model.displayName() + "?");
        confirm.showAndWait().filter(ButtonType.OK::equals).ifPresent(ok -> viewModel.library().remove(model));
    }
}
