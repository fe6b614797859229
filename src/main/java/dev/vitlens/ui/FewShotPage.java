package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.fewshot.Example;
import dev.vitlens.fewshot.FewShotResult;
import dev.vitlens.ui.viewmodel.CurrentAnalysis;
import dev.vitlens.ui.viewmodel.FewShotViewModel;
import dev.vitlens.ui.viewmodel.FewShotViewModel.ClassItem;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * "Teach new classes": the user builds classes from a few images each (dropped, chosen, pasted, webcam), picks a
 * backbone, fits a head and sees its leave-one-out accuracy per class and confusion matrix, then saves it as a new
 * model. Everything slow happens in {@link FewShotViewModel}'s background tasks; this page lays out and forwards.
 * Keys: F5 fits.
 */
final class FewShotPage implements WorkbenchPage {
    private static final double THUMB = 56;

    private final FewShotViewModel fewShot;
    private final BorderPane root = new BorderPane();
    private final VBox classBox = new VBox(10);
    private final GridPane matrix = new GridPane();
    /**
     * Thumbnails by example: a card is rebuilt whenever its class changes, and without this every rebuild would
     * read and decode all of the class's files again (and convert every in-memory image on the FX thread again).
     */
    private final java.util.Map<Example, Image> thumbnails = new java.util.WeakHashMap<>();

    FewShotPage(PageContext context) {
        fewShot = context.workbench().fewShot();
        root.setId("fewShotPage");
        root.setTop(toolBar());
        root.setCenter(classesArea());
        root.setRight(resultsArea());
        fewShot.classes().addListener((ListChangeListener<ClassItem>) change -> rebuildClasses());
        fewShot.resultProperty().addListener((obs, was, now) -> showResult(now));
        rebuildClasses();
    }

    @Override
    public String title() {
        return "Few-shot";
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void bind(ReadOnlyObjectProperty<CurrentAnalysis> analysis) {
        // independent of the analysed image
    }

    @Override
    public void selected() {
        if (fewShot.backboneProperty().get() == null && !fewShot.backbones().isEmpty()) {
            fewShot.backboneProperty().set(fewShot.backbones().stream().filter(m -> m.available()).findFirst()
                    .orElse(null));
        }
        if (fewShot.classes().isEmpty()) {
            fewShot.addClass();
            fewShot.addClass();
        }
    }

    @Override
    public boolean handleKey(KeyEvent event) {
        if (event.getEventType() == KeyEvent.KEY_PRESSED && event.getCode() == KeyCode.F5) {
            fewShot.fit();
            return true;
        }
        return false;
    }

    // ---- layout -----------------------------------------------------------------------------------------------

    private ToolBar toolBar() {
        Label backboneLabel = new Label("Backbone");
        ModelPicker backbone = new ModelPicker("fewShotBackbone", fewShot.backbones(), fewShot.backboneProperty());
        backbone.setTooltip(new Tooltip("The model whose features the new head reads: [CLS] (ViT), the mean of the "
                + "patches (BEiT) or [CLS] and [DIST] (DeiT). Any bundled or imported model, with or without a head."));
        Button addClass = new Button("Add class");
        addClass.setId("fewShotAddClass");
        addClass.setOnAction(e -> fewShot.addClass());
        Button folders = new Button("Add class folders\u2026");
        folders.setId("fewShotAddFolders");
        folders.setTooltip(new Tooltip("A folder with one sub-folder of images per class (as `vitlens fewshot train"
                + " --data` reads)"));
        folders.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Folder with one sub-folder per class");
            File dir = chooser.showDialog(window());
            if (dir != null) {
                fewShot.addClassFolders(dir.toPath());
            }
        });
        Button fit = new Button("Fit (F5)");
        fit.setId("fewShotFit");
        fit.setOnAction(e -> fewShot.fit());
        fit.disableProperty().bind(fewShot.runningProperty());
        ProgressBar progress = new ProgressBar();
        progress.setId("fewShotProgress");
        progress.setPrefWidth(160);
        progress.progressProperty().bind(fewShot.progressProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("fewShotCancel");
        cancel.setOnAction(e -> fewShot.cancel());
        HBox running = new HBox(6, progress, cancel);
        running.setAlignment(Pos.CENTER_LEFT);
        running.visibleProperty().bind(fewShot.runningProperty());
        running.managedProperty().bind(running.visibleProperty());
        return new ToolBar(backboneLabel, backbone, new Separator(), addClass, folders, new Separator(), fit, running);
    }

    private Node classesArea() {
        classBox.setId("fewShotClasses");
        classBox.setPadding(new Insets(12));
        ScrollPane scroll = new ScrollPane(classBox);
        scroll.setFitToWidth(true);
        // Dropped on the page (not on a class): a folder of class folders becomes classes; anything else a new class.
        scroll.setOnDragOver(this::acceptFiles);
        scroll.setOnDragDropped(e -> {
            List<Path> files = dropped(e);
            if (files.size() == 1 && files.get(0).toFile().isDirectory() && hasSubfolders(files.get(0))) {
                fewShot.addClassFolders(files.get(0));
            } else if (!files.isEmpty()) {
                fewShot.addFiles(fewShot.addClass(), files);
            }
        });
        return scroll;
    }

    private Node resultsArea() {
        Label heading = new Label("Leave-one-out check");
        heading.getStyleClass().add(Styles.TITLE_4);
        Label status = new Label();
        status.setId("fewShotStatus");
        status.setWrapText(true);
        status.textProperty().bind(fewShot.statusProperty());
        Label stale = new Label("Changed since this fit: press Fit again before saving.");
        stale.setId("fewShotStale");
        stale.getStyleClass().add(Styles.WARNING);
        stale.setWrapText(true);
        stale.visibleProperty().bind(fewShot.staleProperty());
        stale.managedProperty().bind(stale.visibleProperty());
        matrix.setId("fewShotMatrix");
        matrix.setHgap(2);
        matrix.setVgap(2);
        ScrollPane matrixScroll = new ScrollPane(matrix);
        matrixScroll.setPrefViewportHeight(260);
        Label legend = new Label("Each image is predicted by a head fitted without it. Rows: true class \u00b7 "
                + "columns: prediction \u00b7 colour: share of the row.");
        legend.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        legend.setWrapText(true);

        TextField name = new TextField();
        name.setId("fewShotModelName");
        name.setPromptText("Name of the new model");
        Button save = new Button("Save as model");
        save.setId("fewShotSave");
        save.disableProperty().bind(fewShot.resultProperty().isNull().or(fewShot.staleProperty())
                .or(fewShot.runningProperty()));
        save.setOnAction(e -> fewShot.save(name.getText()));
        name.setOnAction(e -> {
            if (!save.isDisabled()) {
                fewShot.save(name.getText());
            }
        });
        HBox saveRow = new HBox(6, name, save);
        HBox.setHgrow(name, Priority.ALWAYS);
        Label saveNote = new Label("Saved models appear in the model picker and work for classify, explain, "
                + "teach, live and evaluate.");
        saveNote.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        saveNote.setWrapText(true);

        VBox box = new VBox(10, heading, status, stale, matrixScroll, legend, new Separator(), saveRow, saveNote);
        box.setId("fewShotResults");
        box.setPadding(new Insets(12));
        box.setPrefWidth(430);
        return box;
    }

    // ---- classes ----------------------------------------------------------------------------------------------

    private void rebuildClasses() {
        classBox.getChildren().clear();
        if (fewShot.classes().isEmpty()) {
            Label empty = new Label("Add a class, or drop a folder with one sub-folder of images per class here.");
            empty.getStyleClass().add(Styles.TEXT_MUTED);
            classBox.getChildren().add(empty);
        }
        int i = 0;
        for (ClassItem item : fewShot.classes()) {
            classBox.getChildren().add(card(item, i++));
        }
        Label hint = new Label("Drop images or folders on a class. Five or more images per class give a useful "
                + "accuracy estimate; one image per class trains but cannot be checked.");
        hint.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        hint.setWrapText(true);
        classBox.getChildren().add(hint);
    }

    private Node card(ClassItem item, int index) {
        TextField name = new TextField();
        name.setId("fewShotClassName-" + index);
        name.textProperty().bindBidirectional(item.nameProperty());
        name.setPrefColumnCount(16);
        name.setTooltip(new Tooltip("The class's name becomes the new model's label"));
        Label count = new Label();
        count.setId("fewShotClassCount-" + index);
        count.textProperty().bind(javafx.beans.binding.Bindings.size(item.examples()).asString("%d images"));
        count.getStyleClass().add(Styles.TEXT_MUTED);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button images = small("Images\u2026", "fewShotAddImages-" + index, () -> chooseImages(item));
        Button folder = small("Folder\u2026", "fewShotAddFolder-" + index, () -> chooseFolder(item));
        Button paste = small("Paste", "fewShotPaste-" + index, () -> paste(item));
        Button snapshot = small("Snapshot", "fewShotSnapshot-" + index, () -> fewShot.snapshot(item));
        snapshot.setTooltip(new Tooltip("Take a picture with the webcam"));
        Button remove = small("\u2715", "fewShotRemoveClass-" + index, () -> fewShot.removeClass(item));
        remove.setTooltip(new Tooltip("Remove this class"));
        remove.getStyleClass().add(Styles.DANGER);
        HBox head = new HBox(8, name, count, spacer, images, folder, paste, snapshot, remove);
        head.setAlignment(Pos.CENTER_LEFT);

        FlowPane thumbs = new FlowPane(4, 4);
        thumbs.setId("fewShotThumbs-" + index);
        thumbs.setMinHeight(THUMB);
        Runnable fill = () -> {
            thumbs.getChildren().clear();
            for (Example e : item.examples()) {
                thumbs.getChildren().add(thumbnail(item, e));
            }
            if (item.examples().isEmpty()) {
                Label drop = new Label("Drop images here");
                drop.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
                thumbs.getChildren().add(drop);
            }
        };
        item.examples().addListener((ListChangeListener<Example>) c -> fill.run());
        fill.run();

        VBox card = new VBox(6, head, thumbs);
        card.getStyleClass().add("fewshot-class");
        card.setPadding(new Insets(8));
        card.setOnDragOver(this::acceptFiles);
        card.setOnDragDropped(e -> {
            fewShot.addFiles(item, dropped(e));
            e.consume();
        });
        return card;
    }

    private Node thumbnail(ClassItem item, Example e) {
        // Files load in the background (JavaFX decodes them off the FX thread and shows them when ready).
        Image image = thumbnails.computeIfAbsent(e, ex -> ex.file() != null
                ? new Image(ex.file().toUri().toString(), THUMB, THUMB, true, true, true)
                : SwingFXUtils.toFXImage(ex.image().toBufferedImage(), null));
        ImageView view = new ImageView(image);
        view.setFitWidth(THUMB);
        view.setFitHeight(THUMB);
        view.setPreserveRatio(true);
        Label holder = new Label(null, view);
        holder.setMinSize(THUMB, THUMB);
        holder.setTooltip(new Tooltip(e.name() + "\nRight-click to remove"));
        MenuItem remove = new MenuItem("Remove from \"" + item.nameProperty().get() + "\"");
        remove.setOnAction(a -> fewShot.removeExample(item, e));
        holder.setContextMenu(new ContextMenu(remove));
        return holder;
    }

    private static Button small(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.getStyleClass().add(Styles.SMALL);
        b.setOnAction(e -> action.run());
        return b;
    }

    private void chooseImages(ClassItem item) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Images for \"" + item.nameProperty().get() + "\"");
        List<File> files = chooser.showOpenMultipleDialog(window());
        if (files != null) {
            fewShot.addFiles(item, files.stream().map(File::toPath).toList());
        }
    }

    private void chooseFolder(ClassItem item) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("A folder of images for \"" + item.nameProperty().get() + "\"");
        File dir = chooser.showDialog(window());
        if (dir != null) {
            fewShot.addFiles(item, List.of(dir.toPath()));
        }
    }

    private void paste(ClassItem item) {
        Clipboard clipboard = Clipboard.getSystemClipboard();
        List<Path> files = clipboard.hasFiles() ? clipboard.getFiles().stream().map(File::toPath).toList() : List.of();
        java.awt.image.BufferedImage image = !clipboard.hasFiles() && clipboard.hasImage()
                ? SwingFXUtils.fromFXImage(clipboard.getImage(), null) : null;
        fewShot.paste(item, files, image);
    }

    private void acceptFiles(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
        }
        e.consume();
    }

    private static List<Path> dropped(DragEvent e) {
        boolean has = e.getDragboard().hasFiles();
        e.setDropCompleted(has);
        e.consume();
        return has ? e.getDragboard().getFiles().stream().map(File::toPath).toList() : List.of();
    }

    private static boolean hasSubfolders(Path dir) {
        File[] children = dir.toFile().listFiles(File::isDirectory);
        return children != null && children.length > 0;
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    // ---- result -----------------------------------------------------------------------------------------------

    private void showResult(FewShotResult r) {
        matrix.getChildren().clear();
        if (r == null) {
            return;
        }
        int n = r.labels().size();
        Label corner = new Label("true \\ predicted");
        corner.getStyleClass().add(Styles.TEXT_SMALL);
        matrix.add(corner, 0, 0);
        for (int c = 0; c < n; c++) {
            Label head = ConfusionCells.centred(String.valueOf(c), 44);
            head.setTooltip(new Tooltip(r.labels().get(c)));
            head.getStyleClass().add(Styles.TEXT_BOLD);
            matrix.add(head, c + 1, 0);
        }
        Label accHead = ConfusionCells.centred("accuracy", 80);
        accHead.getStyleClass().add(Styles.TEXT_BOLD);
        matrix.add(accHead, n + 1, 0);
        for (int row = 0; row < n; row++) {
            Label rowHead = new Label(row + "  " + r.labels().get(row) + " (" + r.count(row) + ")");
            rowHead.setMaxWidth(180);
            matrix.add(rowHead, 0, row + 1);
            int total = r.count(row);
            for (int col = 0; col < n; col++) {
                int count = r.confusion()[row][col];
                double share = total == 0 ? 0 : (double) count / total;
                matrix.add(ConfusionCells.cell("fewShotCell-" + row + "-" + col, count, share, row == col,
                        r.labels().get(row) + " predicted as " + r.labels().get(col) + ": " + count
                                + String.format(Locale.ROOT, " (%.1f%% of the row)", share * 100)), col + 1, row + 1);
            }
            Label acc = ConfusionCells.centred(FewShotViewModel.classAccuracy(r, row), 80);
            acc.setId("fewShotClassAccuracy-" + row);
            matrix.add(acc, n + 1, row + 1);
        }
    }
}
