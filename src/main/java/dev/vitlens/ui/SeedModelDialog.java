package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.catalog.SeedModel;
import dev.vitlens.ui.viewmodel.SessionViewModel;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Window;

import java.util.function.Supplier;

/**
 * Shows how to install a seed model the user picked in the model picker: its export and import commands in a
 * selectable text area, with a button that copies them. Non-modal, so the commands can stay open beside a terminal.
 */
final class SeedModelDialog {

    private final SessionViewModel session;
    private final Supplier<Window> owner;
    private Dialog<Void> dialog;
    private TextArea commands;
    private Label header;

    SeedModelDialog(SessionViewModel session, Supplier<Window> owner) {
        this.session = session;
        this.owner = owner;
        session.seedInstructionsProperty().addListener((obs, old, seed) -> {
            if (seed != null) {
                show(seed);
            }
        });
    }

    private void show(SeedModel seed) {
        if (dialog == null) {
            create();
        }
        dialog.setTitle(seed.displayName() + " is not installed");
        header.setText(seed.displayName() + " (" + seed.repoId() + ") is not installed. Export it with Optimum"
                + " (pip install \"optimum[exporters]\"), then import the folder"
                + (seed.backbone() ? "; it is a backbone without a classification head, for embed and few-shot." : ".")
                + " Model \u2192 Import Model\u2026 imports the folder too.");
        commands.setText(seed.commands());
        if (!dialog.isShowing()) {
            dialog.show();
        }
    }

    private void create() {
        dialog = new Dialog<>();
        Window window = owner.get();
        if (window != null) {
            dialog.initOwner(window);
        }
        dialog.initModality(Modality.NONE);
        header = new Label();
        header.setWrapText(true);
        header.setMaxWidth(560);
        commands = new TextArea();
        commands.setId("seedCommands");
        commands.setEditable(false);
        commands.setPrefRowCount(2);
        commands.setPrefColumnCount(60);
        commands.getStyleClass().add(Styles.TEXT_SMALL);
        commands.setStyle("-fx-font-family: monospace;");
        Button copy = new Button("Copy commands");
        copy.setId("copySeedCommands");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(commands.getText());
            Clipboard.getSystemClipboard().setContent(content);
        });
        VBox body = new VBox(8, header, commands, new HBox(copy));
        dialog.getDialogPane().setContent(body);
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        dialog.getDialogPane().setId("seedModelDialog");
        dialog.setOnHidden(e -> session.dismissSeedInstructions());
    }

    /** The dialog, once shown (tests close it). */
    Dialog<Void> dialog() {
        return dialog;
    }
}
