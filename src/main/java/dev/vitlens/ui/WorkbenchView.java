package dev.vitlens.ui;

import dev.vitlens.imaging.ImageFormats;
import dev.vitlens.ui.viewmodel.LiveViewModel;
import dev.vitlens.ui.viewmodel.WorkbenchViewModel;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.Duration;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/** The main window's content: menus, toolbar, status bar and one tab per registered {@link WorkbenchPage}. */
public final class WorkbenchView extends StackPane {

    private final WorkbenchViewModel viewModel;
    private final ModelPicker modelPicker;
    private final List<WorkbenchPage> pages;
    private final Menu recentMenu = new Menu("Open _Recent");
    private final Consumer<Boolean> themeSwitcher;
    private TabPane tabPane;
    private final ModelActions modelActions;
    private final SeedModelDialog seedModelDialog;

    /** The window with the registered pages ({@link WorkbenchPages#ALL}). */
    public WorkbenchView(WorkbenchViewModel viewModel, LiveViewModel liveViewModel, Consumer<Boolean> themeSwitcher) {
        this(new PageContext(viewModel, liveViewModel, viewModel.tasks()), WorkbenchPages.ALL, themeSwitcher);
    }

    /** The window with {@code pages} as its tabs, in order. */
    public WorkbenchView(PageContext context, List<Function<PageContext, WorkbenchPage>> pages,
                         Consumer<Boolean> themeSwitcher) {
        this.viewModel = context.workbench();
        this.themeSwitcher = themeSwitcher;
        getStyleClass().add("workbench");
        modelPicker = new ModelPicker(viewModel.session());
        modelActions = new ModelActions(viewModel, this::window);
        seedModelDialog = new SeedModelDialog(viewModel.session(), this::window);
        this.pages = pages.stream().map(page -> page.apply(context)).toList();

        BorderPane layout = new BorderPane();
        layout.setTop(new VBox(menuBar(), toolBar()));
        layout.setCenter(tabs());
        layout.setBottom(statusBar());
        NotificationLayer notifications = new NotificationLayer(viewModel.notices(), Duration.seconds(6));
        notifications.setId("notifications");
        StackPane.setAlignment(notifications, Pos.TOP_RIGHT);
        getChildren().addAll(layout, notifications);
        setUpDragAndDrop();
        viewModel.recentFiles().addListener((ListChangeListener<Path>) c -> rebuildRecent());
        rebuildRecent();
    }

    /** The images page's canvas (tests click on it). */
    public ImageCanvas imageCanvas() {
        return pages.stream().filter(ImagesPage.class::isInstance).map(ImagesPage.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no images page")).imageCanvas();
    }

    /** The Evaluate Folder window (tests look at its matrix). */
    EvaluateDialog evaluateDialog() {
        return modelActions.evaluateDialog();
    }

    /** The commands of a not-installed seed model picked in the model picker (tests close it). */
    SeedModelDialog seedModelDialog() {
        return seedModelDialog;
    }

    /** Keys without modifiers (G, H, arrows) act unless a control that needs them has the focus. */
    public void installKeyHandlers(Scene scene) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() || e.isAltDown()) {
                return;
            }
            WorkbenchPage shown = shownPage();
            if (shown != null && !(shown instanceof ImagesPage)) {
                if (shown.handleKey(e)) {
                    e.consume(); // e.g. the Teach page steps with the arrows, which the tabs would take
                }
                return;
            }
            Node focus = scene.getFocusOwner();
            boolean focusWantsKeys = focus instanceof TextInputControl || focus instanceof Slider
                    || focus instanceof ComboBoxBase<?> || focus instanceof javafx.scene.control.ListView<?>;
            if (e.getCode() == KeyCode.G && !(focus instanceof TextInputControl)) {
                viewModel.overlay().toggleGrid();
                e.consume();
            } else if (e.getCode() == KeyCode.H && !(focus instanceof TextInputControl)) {
                viewModel.overlay().toggleHeatmap();
                e.consume();
            } else if (e.getCode() == KeyCode.F && !(focus instanceof TextInputControl)
                    && viewModel.faces().availableProperty().get()) {
                viewModel.faces().toggle();
                e.consume();
            } else if (e.getCode() == KeyCode.RIGHT && !focusWantsKeys) {
                viewModel.gallery().next();
                e.consume();
            } else if (e.getCode() == KeyCode.LEFT && !focusWantsKeys) {
                viewModel.gallery().previous();
                e.consume();
            }
        });
    }

    private MenuBar menuBar() {
        MenuItem open = item("_Open\u2026", "Shortcut+O", this::chooseFiles);
        MenuItem openFolder = item("Open _Folder\u2026", "Shortcut+Shift+O", this::chooseFolder);
        MenuItem paste = item("_Paste Image", "Shortcut+V", this::paste);
        MenuItem saveOverlay = item("_Save Overlay PNG\u2026", "Shortcut+S", this::saveOverlay);
        MenuItem copyJson = item("_Copy Results as JSON", "Shortcut+Shift+C", this::copyJson);
        MenuItem saveResults = item("Save _Results (JSON/CSV)\u2026", "Shortcut+Shift+S", this::saveResults);
        MenuItem quit = item("_Quit", "Shortcut+Q", Platform::exit);
        Menu file = new Menu("_File", null, open, openFolder, recentMenu, paste, new SeparatorMenuItem(), saveOverlay,
                saveResults, copyJson, new SeparatorMenuItem(), quit);

        MenuItem grid = item("Toggle Patch _Grid (G)", null, viewModel.overlay()::toggleGrid);
        MenuItem heat = item("Toggle _Heatmap (H)", null, viewModel.overlay()::toggleHeatmap);
        MenuItem faces = item("Toggle F_aces (F)", null, viewModel.faces()::toggle);
        faces.disableProperty().bind(viewModel.faces().availableProperty().not());
        MenuItem fit = item("_Fit", "Shortcut+0", viewModel.overlay()::fit);
        MenuItem zoomIn = item("Zoom _In", "Shortcut+=", viewModel.overlay()::zoomIn);
        MenuItem zoomOut = item("Zoom _Out", "Shortcut+-", viewModel.overlay()::zoomOut);
        MenuItem previous = item("_Previous Image (Left)", null, viewModel.gallery()::previous);
        MenuItem next = item("_Next Image (Right)", null, viewModel.gallery()::next);
        javafx.scene.control.CheckMenuItem dark = new javafx.scene.control.CheckMenuItem("_Dark Theme");
        dark.setSelected(viewModel.settings().darkTheme());
        dark.selectedProperty().addListener((obs, was, now) -> {
            viewModel.settings().setDarkTheme(now);
            themeSwitcher.accept(now);
        });
        Menu view = new Menu("_View", null, heat, grid, faces, new SeparatorMenuItem(), fit, zoomIn, zoomOut,
                new SeparatorMenuItem(), previous, next, new SeparatorMenuItem(), dark);

        MenuItem rerun = item("_Run Again", "F5", viewModel.session()::rerun);
        MenuItem pickModel = item("Choose _Model", "Shortcut+M", () -> {
            modelPicker.requestFocus();
            modelPicker.show();
        });
        Menu model = new Menu("_Model", null, pickModel, rerun);
        model.getItems().addAll(modelActions.menuItems());
        MenuBar bar = new MenuBar(file, view, model);
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem item = new MenuItem(text);
        if (accelerator != null) {
            item.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        item.setOnAction(e -> action.run());
        return item;
    }

    private ToolBar toolBar() {
        Button open = toolButton("Open", "Open images or a folder (Ctrl+O)", this::chooseFiles);
        open.setId("openButton");
        Button rerun = toolButton("Run", "Run the model again (F5)", viewModel.session()::rerun);
        Button save = toolButton("Save overlay", "Save the image with its heatmap as PNG (Ctrl+S)", this::saveOverlay);
        Button fit = toolButton("Fit", "Fit the image to the window (Ctrl+0)", viewModel.overlay()::fit);
        Button zoomIn = toolButton("+", "Zoom in (Ctrl+=)", viewModel.overlay()::zoomIn);
        Button zoomOut = toolButton("\u2212", "Zoom out (Ctrl+-)", viewModel.overlay()::zoomOut);
        Label modelLabel = new Label("Model");
        // Face mode, offered only for a face classifier (its vitlens.json says so).
        ToggleButton faces = new ToggleButton("Faces");
        faces.setId("facesToggle");
        faces.setTooltip(new Tooltip("Find every face in the image and classify each one (F); click a face for its"
                + " attention map"));
        faces.setFocusTraversable(false);
        faces.selectedProperty().bindBidirectional(viewModel.faces().enabledProperty());
        faces.visibleProperty().bind(viewModel.faces().availableProperty());
        faces.managedProperty().bind(faces.visibleProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ProgressIndicator busy = new ProgressIndicator();
        busy.setId("busy");
        busy.setPrefSize(20, 20);
        busy.visibleProperty().bind(viewModel.session().busyProperty().or(viewModel.faces().searchingProperty()));
        return new ToolBar(open, rerun, save, new javafx.scene.control.Separator(Orientation.VERTICAL), modelLabel,
                modelPicker, faces, new javafx.scene.control.Separator(Orientation.VERTICAL), fit, zoomOut, zoomIn,
                spacer,
                busy);
    }

    private static Button toolButton(String text, String tip, Runnable action) {
        Button button = new Button(text);
        button.setTooltip(new Tooltip(tip));
        button.setOnAction(e -> action.run());
        button.setFocusTraversable(false);
        return button;
    }

    private WorkbenchPage shownPage() {
        Tab selected = tabPane == null ? null : tabPane.getSelectionModel().getSelectedItem();
        return selected == null ? null
                : pages.stream().filter(p -> p.node() == selected.getContent()).findFirst().orElse(null);
    }

    private TabPane tabs() {
        TabPane tabs = new TabPane();
        tabPane = tabs;
        for (WorkbenchPage page : pages) {
            Tab tab = new Tab(page.title(), page.node());
            tab.setId(page.title().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "Tab");
            tab.setOnSelectionChanged(e -> {
                if (tab.isSelected()) {
                    page.selected();
                } else {
                    page.deselected();
                }
            });
            page.bind(viewModel.session().currentProperty());
            tabs.getTabs().add(tab);
        }
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    private HBox statusBar() {
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(viewModel.session().statusProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label hover = new Label();
        hover.setId("hoverPatch");
        hover.textProperty().bind(viewModel.overlay().hoveredPatchProperty()
                .map(p -> "patch row " + p.row() + ", col " + p.col()).orElse(""));
        HBox bar = new HBox(12, status, spacer, modelActions.progress(), hover);
        bar.getStyleClass().add("status-bar");
        bar.setPadding(new Insets(4, 10, 4, 10));
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private void setUpDragAndDrop() {
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY_OR_MOVE);
            }
            e.consume();
        });
        setOnDragDropped(e -> {
            boolean done = e.getDragboard().hasFiles();
            if (done) {
                // An export folder is imported; images and image folders open as before.
                viewModel.drop(e.getDragboard().getFiles().stream().map(File::toPath).toList());
            }
            e.setDropCompleted(done);
            e.consume();
        });
    }

    private void rebuildRecent() {
        recentMenu.getItems().clear();
        for (Path path : viewModel.recentFiles()) {
            MenuItem entry = new MenuItem(path.toString());
            entry.setMnemonicParsing(false);
            entry.setOnAction(e -> viewModel.openFiles(List.of(path)));
            recentMenu.getItems().add(entry);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    private void chooseFiles() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open images");
        // Both cases: the GTK file chooser matches patterns case-sensitively.
        List<String> patterns = ImageFormats.EXTENSIONS.stream().sorted()
                .flatMap(e -> Stream.of("*." + e, "*." + e.toUpperCase(Locale.ROOT))).toList();
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Images", patterns),
                new FileChooser.ExtensionFilter("All files", "*"));
        List<File> files = chooser.showOpenMultipleDialog(window());
        if (files != null && !files.isEmpty()) {
            viewModel.openFiles(files.stream().map(File::toPath).toList());
        }
    }

    private void chooseFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a folder of images");
        File folder = chooser.showDialog(window());
        if (folder != null) {
            viewModel.openFiles(List.of(folder.toPath()));
        }
    }

    private void paste() {
        Clipboard clipboard = Clipboard.getSystemClipboard();
        if (clipboard.hasFiles()) {
            viewModel.openFiles(clipboard.getFiles().stream().map(File::toPath).toList());
        } else if (clipboard.hasImage()) {
            viewModel.session().openImage("Pasted image", clipboard.getImage());
        } else {
            viewModel.notify(dev.vitlens.ui.viewmodel.Notice.warning("Nothing to paste",
                    "The clipboard holds no image and no files."));
        }
    }

    private void saveOverlay() {
        if (!viewModel.export().hasResult()) {
            viewModel.notify(dev.vitlens.ui.viewmodel.Notice.warning("Nothing to save", "Open an image first."));
            return;
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save overlay");
        chooser.setInitialFileName(viewModel.export().exportStem() + "-overlay.png");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        File target = chooser.showSaveDialog(window());
        if (target != null) {
            viewModel.export().saveOverlay(target.toPath());
        }
    }

    private void saveResults() {
        if (!viewModel.export().hasResult()) {
            viewModel.notify(dev.vitlens.ui.viewmodel.Notice.warning("Nothing to save", "Open an image first."));
            return;
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save results");
        chooser.setInitialFileName(viewModel.export().exportStem() + "-results.json");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("JSON", "*.json"),
                new FileChooser.ExtensionFilter("CSV", "*.csv"));
        File target = chooser.showSaveDialog(window());
        if (target != null) {
            viewModel.export().saveResults(target.toPath());
        }
    }

    private void copyJson() {
        viewModel.export().resultsJson().ifPresentOrElse(json -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(json);
            Clipboard.getSystemClipboard().setContent(content);
            viewModel.notify(dev.vitlens.ui.viewmodel.Notice.info("Copied", "Results copied as JSON."));
        }, () -> viewModel.notify(dev.vitlens.ui.viewmodel.Notice.warning("Nothing to copy", "Open an image first.")));
    }
}
