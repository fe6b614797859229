package dev.vitlens.ui;

import atlantafx.base.theme.Styles;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.teach.Lesson;
import dev.vitlens.teach.Question;
import dev.vitlens.teach.TeachInput;
import dev.vitlens.teach.TeachSelection;
import dev.vitlens.teach.TeachingView;
import dev.vitlens.ui.viewmodel.CurrentAnalysis;
import dev.vitlens.ui.viewmodel.TeachViewModel;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.FileChooser;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "Inside the transformer": the guided lesson from pixels to prediction, and every teaching view on its own. The
 * picture comes from the view-model, drawn off the FX thread; this page only lays it out and forwards clicks and
 * keys. Keys: Right/Page Down/N next step, Left/Page Up/P previous, [ ] layer, , . head, Shift+arrows move the
 * patch, Enter answers with the picked patch, E switches between lesson and free exploration.
 */
final class TeachPage implements WorkbenchPage {

    static final String KEYS = "Right/N next step · Left/P back · [ ] layer · , . head · Shift+arrows patch · "
            + "Enter answer · E lesson/explore";

    private final TeachViewModel teach;
    private final BorderPane root = new BorderPane();
    private final Canvas picker = new Canvas(224, 224);
    private final Slider layer = new Slider(0, 0, 0);
    private final ComboBox<String> head = new ComboBox<>();
    private final ComboBox<String> query = new ComboBox<>();
    private boolean updatingControls;

    TeachPage(PageContext context) {
        teach = context.workbench().teach();
        root.setId("teachPage");
        root.setTop(toolBar());
        root.setLeft(lists());
        Node side = sidePanel();
        root.setCenter(pictureArea());
        root.setRight(side);
        root.setBottom(statusLine());
        teach.inputProperty().addListener((obs, was, now) -> updateControls());
        teach.selectionProperty().addListener((obs, was, now) -> {
            updateControls();
            drawPicker();
        });
        teach.inputPictureProperty().addListener((obs, was, now) -> drawPicker());
        teach.answerProperty().addListener((obs, was, now) -> drawPicker());
        teach.pictureHiddenProperty().addListener((obs, was, now) -> drawPicker());
    }

    // ---- layout -----------------------------------------------------------------------------------------------

    private ToolBar toolBar() {
        ToggleGroup mode = new ToggleGroup();
        ToggleButton lesson = new ToggleButton("Guided lesson");
        lesson.setId("teachModeLesson");
        ToggleButton explore = new ToggleButton("Explore");
        explore.setId("teachModeExplore");
        lesson.setToggleGroup(mode);
        explore.setToggleGroup(mode);
        lesson.setSelected(teach.guidedProperty().get());
        explore.setSelected(!teach.guidedProperty().get());
        mode.selectedToggleProperty().addListener((obs, was, now) -> {
            if (now == null) {
                was.setSelected(true); // one of the two is always on
            } else {
                teach.guidedProperty().set(now == lesson);
            }
        });
        teach.guidedProperty().addListener((obs, was, now) -> (now ? lesson : explore).setSelected(true));
        HBox modes = new HBox(lesson, explore);
        modes.getStyleClass().add("segmented");
        lesson.getStyleClass().add(Styles.LEFT_PILL);
        explore.getStyleClass().add(Styles.RIGHT_PILL);

        Button back = new Button("\u25C0 Back");
        back.setId("teachBack");
        back.setOnAction(e -> teach.previousStep());
        Button next = new Button("Next \u25B6");
        next.setId("teachNext");
        // Not Styles.ACCENT: in a tool bar AtlantaFX draws it white on no background until hovered.
        next.getStyleClass().add(Styles.TEXT_BOLD);
        next.setOnAction(e -> teach.nextStep());
        back.disableProperty().bind(teach.guidedProperty().not().or(teach.stepProperty().isEqualTo(0)));
        next.disableProperty().bind(teach.guidedProperty().not().or(Bindings.createBooleanBinding(
                () -> teach.stepProperty().get() >= teach.stepsProperty().get().size() - 1,
                teach.stepProperty(), teach.stepsProperty())));
        Label stepLabel = new Label();
        stepLabel.setId("teachStepLabel");
        stepLabel.getStyleClass().add(Styles.TEXT_BOLD);
        stepLabel.textProperty().bind(Bindings.createStringBinding(() -> {
            List<Lesson.Step> steps = teach.stepsProperty().get();
            if (!teach.guidedProperty().get()) {
                TeachingView v = teach.viewProperty().get();
                return v == null ? "" : v.title();
            }
            if (steps.isEmpty()) {
                return "";
            }
            int i = teach.stepProperty().get();
            return "Step " + (i + 1) + " of " + steps.size() + ": " + steps.get(i).heading().replaceFirst("^\\d+\\. ", "");
        }, teach.stepProperty(), teach.stepsProperty(), teach.guidedProperty(), teach.viewProperty()));

        Button savePicture = new Button("Save view\u2026");
        savePicture.setId("teachSavePicture");
        savePicture.setTooltip(new Tooltip("Save this view as PNG, or as SVG for charts"));
        savePicture.setOnAction(e -> chooseAndSavePicture());
        savePicture.disableProperty().bind(teach.dataProperty().isNull());
        Button saveLesson = new Button("Save lesson\u2026");
        saveLesson.setId("teachSaveLesson");
        saveLesson.setTooltip(new Tooltip("The whole lesson for this image: one HTML page, or a folder of PNG and JSON"));
        saveLesson.setOnAction(e -> chooseAndSaveLesson());
        saveLesson.disableProperty().bind(teach.inputProperty().isNull());

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label keys = new Label("keys");
        keys.getStyleClass().add(Styles.TEXT_MUTED);
        keys.setTooltip(new Tooltip(KEYS));
        return new ToolBar(modes, new Separator(Orientation.VERTICAL), back, stepLabel, next, spacer, keys,
                savePicture, saveLesson);
    }

    private Node lists() {
        ListView<Lesson.Step> steps = new ListView<>();
        steps.setId("teachStepList");
        steps.itemsProperty().bind(teach.stepsProperty().map(FXCollections::observableList));
        steps.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(Lesson.Step item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.heading());
            }
        });
        teach.stepProperty().addListener((obs, was, now) -> steps.getSelectionModel().select(now.intValue()));
        teach.stepsProperty().addListener((obs, was, now) -> steps.getSelectionModel().select(teach.stepProperty().get()));
        steps.getSelectionModel().selectedIndexProperty().addListener((obs, was, now) -> {
            if (now.intValue() >= 0 && now.intValue() != teach.stepProperty().get()) {
                teach.goToStep(now.intValue());
            }
        });

        ListView<TeachingView> views = new ListView<>(FXCollections.observableList(teach.views()));
        views.setId("teachViewList");
        views.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(TeachingView item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : shortTitle(item));
                setTooltip(empty || item == null ? null : new Tooltip(item.title()));
            }
        });
        views.getSelectionModel().selectedItemProperty().addListener((obs, was, now) -> {
            if (now != null && now != teach.viewProperty().get()) {
                teach.showView(now);
            }
        });
        teach.viewProperty().addListener((obs, was, now) -> views.getSelectionModel().select(now));

        Label lessonTitle = new Label("Lesson");
        Label viewsTitle = new Label("All views");
        lessonTitle.getStyleClass().add(Styles.TITLE_4);
        viewsTitle.getStyleClass().add(Styles.TITLE_4);
        VBox box = new VBox(6, lessonTitle, steps, viewsTitle, views);
        VBox.setVgrow(steps, Priority.ALWAYS);
        VBox.setVgrow(views, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        box.setPrefWidth(220);
        return box;
    }

    static String shortTitle(TeachingView view) {
        return Lesson.heading(view.name());
    }

    private Node pictureArea() {
        ImageView picture = new ImageView();
        picture.setId("teachPicture");
        picture.setPreserveRatio(true);
        picture.setSmooth(true);
        picture.imageProperty().bind(teach.pictureProperty());
        picture.visibleProperty().bind(teach.pictureHiddenProperty().not());
        StackPane frame = new StackPane(picture);
        frame.setMinSize(200, 200);
        // Fit the picture to the space, never upscale more than 2x (blurry), never overflow.
        picture.fitWidthProperty().bind(Bindings.createDoubleBinding(() -> fit(picture.getImage(), frame.getWidth(),
                frame.getHeight(), true), frame.widthProperty(), frame.heightProperty(), picture.imageProperty()));
        picture.fitHeightProperty().bind(Bindings.createDoubleBinding(() -> fit(picture.getImage(), frame.getWidth(),
                frame.getHeight(), false), frame.widthProperty(), frame.heightProperty(), picture.imageProperty()));

        Label unavailable = new Label();
        unavailable.setId("teachUnavailable");
        unavailable.setWrapText(true);
        unavailable.setMaxWidth(520);
        unavailable.getStyleClass().addAll(Styles.TITLE_4, Styles.TEXT_MUTED);
        unavailable.textProperty().bind(teach.unavailableProperty());
        unavailable.visibleProperty().bind(teach.unavailableProperty().isNotEmpty());

        Label hidden = new Label("Answer the question on the right first:\nclick a patch in the small image, "
                + "or press Reveal.");
        hidden.setId("teachHidden");
        hidden.getStyleClass().addAll(Styles.TITLE_3, Styles.TEXT_MUTED);
        hidden.visibleProperty().bind(teach.pictureHiddenProperty());

        Label empty = new Label();
        empty.getStyleClass().addAll(Styles.TITLE_4, Styles.TEXT_MUTED);
        empty.textProperty().bind(teach.statusProperty());
        empty.visibleProperty().bind(teach.inputProperty().isNull());
        empty.setWrapText(true);
        empty.setMaxWidth(520);

        StackPane area = new StackPane(frame, unavailable, hidden, empty);
        area.getStyleClass().add("image-area");
        lessonText.getStyleClass().add(Styles.TEXT);
        lessonText.setStyle("-fx-font-size: 1.08em;");
        lessonText.setMaxWidth(900);
        VBox column = new VBox(10, lessonText, questionBox, area);
        VBox.setVgrow(area, Priority.ALWAYS);
        column.setPadding(new Insets(10, 12, 8, 12));
        return column;
    }

    private static double fit(Image image, double width, double height, boolean forWidth) {
        if (image == null || width <= 0 || height <= 0) {
            return 0;
        }
        double scale = Math.min(2.0, Math.min(width / image.getWidth(), height / image.getHeight()));
        return forWidth ? image.getWidth() * scale : image.getHeight() * scale;
    }

    private Label lessonText;
    private VBox questionBox;

    private Node sidePanel() {
        Label pickerTitle = new Label("Pick a patch");
        pickerTitle.getStyleClass().add(Styles.TITLE_4);
        picker.setId("teachPatchPicker");
        picker.setFocusTraversable(true);
        picker.setOnMouseClicked(e -> {
            picker.requestFocus();
            TeachInput in = teach.inputProperty().get();
            if (in == null) {
                return;
            }
            TokenLayout l = in.layout();
            int col = (int) (e.getX() / picker.getWidth() * l.gridWidth());
            int row = (int) (e.getY() / picker.getHeight() * l.gridHeight());
            teach.pickPatch(row, col);
        });

        layer.setId("teachLayer");
        layer.setMajorTickUnit(1);
        layer.setMinorTickCount(0);
        layer.setSnapToTicks(true);
        layer.setShowTickMarks(true);
        layer.valueProperty().addListener((obs, was, now) -> {
            if (!updatingControls && !layer.isValueChanging()) {
                teach.setLayer((int) Math.round(now.doubleValue()));
            }
        });
        layer.valueChangingProperty().addListener((obs, was, now) -> {
            if (!now && !updatingControls) {
                teach.setLayer((int) Math.round(layer.getValue()));
            }
        });
        Label layerValue = new Label();
        layerValue.setId("teachLayerValue");
        layerValue.textProperty().bind(Bindings.createStringBinding(() -> {
            TeachSelection s = teach.selectionProperty().get();
            TeachInput in = teach.inputProperty().get();
            // 0-based like the views' labels and the CLI's --layer
            return s == null || in == null ? "" : "layer " + s.layer() + " (layers 0 to " + (in.layout().layers() - 1)
                    + ")";
        }, teach.selectionProperty(), teach.inputProperty()));

        head.setId("teachHead");
        head.valueProperty().addListener((obs, was, now) -> {
            if (!updatingControls && now != null) {
                TeachSelection s = teach.selectionProperty().get();
                teach.select(s.withHead(head.getItems().indexOf(now)));
            }
        });
        query.setId("teachQuery");
        query.valueProperty().addListener((obs, was, now) -> {
            if (!updatingControls && now != null) {
                TeachInput in = teach.inputProperty().get();
                int index = query.getItems().indexOf(now);
                int prefix = in.layout().prefixTokens();
                // the last entry is "the picked patch"
                teach.setQuery(index < prefix ? index : prefix + teach.selectionProperty().get().patch());
            }
        });

        Label text = new Label();
        lessonText = text;
        text.setId("teachText");
        text.setWrapText(true);
        text.textProperty().bind(Bindings.createStringBinding(() -> {
            if (teach.guidedProperty().get() && !teach.stepsProperty().get().isEmpty()) {
                return teach.stepsProperty().get().get(teach.stepProperty().get()).text();
            }
            TeachingView v = teach.viewProperty().get();
            return v == null ? "" : v.explanation();
        }, teach.guidedProperty(), teach.stepProperty(), teach.stepsProperty(), teach.viewProperty()));

        Label prompt = new Label();
        prompt.setId("teachQuestion");
        prompt.setWrapText(true);
        prompt.getStyleClass().add(Styles.TEXT_BOLD);
        prompt.textProperty().bind(teach.questionPromptProperty());
        Button reveal = new Button("Reveal");
        reveal.setId("teachReveal");
        reveal.setOnAction(e -> teach.reveal());
        reveal.visibleProperty().bind(teach.pictureHiddenProperty());
        reveal.managedProperty().bind(reveal.visibleProperty());
        Label feedback = new Label();
        feedback.setId("teachFeedback");
        feedback.setWrapText(true);
        feedback.textProperty().bind(teach.answerProperty().map(Question.Answer::feedback).orElse(""));
        teach.answerProperty().addListener((obs, was, now) -> {
            feedback.getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING);
            if (now != null) {
                feedback.getStyleClass().add(now.right() ? Styles.SUCCESS : Styles.WARNING);
            }
        });
        questionBox = new VBox(6, prompt, reveal, feedback);
        questionBox.getStyleClass().add("teach-question");
        questionBox.visibleProperty().bind(teach.questionProperty().isNotNull());
        questionBox.managedProperty().bind(questionBox.visibleProperty());
        questionBox.setPadding(new Insets(8));
        // Translucent orange reads on both the light and the dark theme (and without AtlantaFX's looked-up colours).
        questionBox.setStyle("-fx-background-color: rgba(242, 142, 43, 0.16); -fx-background-radius: 6;");

        VBox side = new VBox(8, pickerTitle, picker, new Label("Layer"), layer, layerValue, new Label("Head"), head,
                new Label("Query token"), query);
        side.setPadding(new Insets(10));
        side.setPrefWidth(300);
        ScrollPane scroll = new ScrollPane(side);
        scroll.setFitToWidth(true);
        scroll.setPrefWidth(320);
        return scroll;
    }

    private Node statusLine() {
        Label status = new Label();
        status.setId("teachStatus");
        status.getStyleClass().add(Styles.TEXT_MUTED);
        status.textProperty().bind(teach.statusProperty());
        HBox line = new HBox(status);
        line.setPadding(new Insets(2, 10, 4, 10));
        line.setAlignment(Pos.CENTER_LEFT);
        return line;
    }

    // ---- state to controls ------------------------------------------------------------------------------------

    private void updateControls() {
        TeachInput in = teach.inputProperty().get();
        TeachSelection s = teach.selectionProperty().get();
        if (in == null || s == null) {
            return;
        }
        updatingControls = true;
        try {
            TokenLayout l = in.layout();
            layer.setMax(Math.max(0, l.layers() - 1));
            layer.setValue(s.layer());
            List<String> heads = new ArrayList<>();
            for (int h = 0; h < l.heads(); h++) {
                heads.add("head " + h);
            }
            if (!head.getItems().equals(heads)) {
                head.getItems().setAll(heads);
            }
            head.setValue(heads.get(s.head()));
            List<String> queries = new ArrayList<>();
            for (int t = 0; t < l.prefixTokens(); t++) {
                queries.add(TeachSelection.tokenLabel(t, l, in.family()));
            }
            queries.add("the picked patch");
            if (!query.getItems().equals(queries)) {
                query.getItems().setAll(queries);
            }
            query.setValue(s.query() < l.prefixTokens() ? queries.get(s.query()) : queries.get(queries.size() - 1));
        } finally {
            updatingControls = false;
        }
    }

    private void drawPicker() {
        GraphicsContext g = picker.getGraphicsContext2D();
        g.clearRect(0, 0, picker.getWidth(), picker.getHeight());
        Image image = teach.inputPictureProperty().get();
        TeachInput in = teach.inputProperty().get();
        TeachSelection s = teach.selectionProperty().get();
        if (image == null || in == null || s == null) {
            return;
        }
        g.setImageSmoothing(false); // patches should look like pixels, not blur
        g.drawImage(image, 0, 0, picker.getWidth(), picker.getHeight());
        TokenLayout l = in.layout();
        double cw = picker.getWidth() / l.gridWidth();
        double ch = picker.getHeight() / l.gridHeight();
        g.setStroke(Color.rgb(255, 255, 255, 0.55));
        g.setLineWidth(1);
        for (int c = 1; c < l.gridWidth(); c++) {
            g.strokeLine(c * cw, 0, c * cw, picker.getHeight());
        }
        for (int r = 1; r < l.gridHeight(); r++) {
            g.strokeLine(0, r * ch, picker.getWidth(), r * ch);
        }
        Question.Answer answer = teach.answerProperty().get();
        if (answer != null && answer.correct() >= 0 && teach.questionProperty().get() != null
                && teach.questionProperty().get().pick() == Question.Pick.PATCH) {
            g.setStroke(Color.web("#59A14F"));
            g.setLineWidth(3);
            g.strokeRect(answer.correct() % l.gridWidth() * cw + 1.5, answer.correct() / l.gridWidth() * ch + 1.5,
                    cw - 3, ch - 3);
        }
        if (!teach.pictureHiddenProperty().get()) {
            g.setStroke(Color.web("#E4572E"));
            g.setLineWidth(2.5);
            g.strokeRect(s.patchColumn(l) * cw + 1, s.patchRow(l) * ch + 1, cw - 2, ch - 2);
        }
    }

    // ---- keys and files ---------------------------------------------------------------------------------------

    @Override
    public boolean handleKey(KeyEvent e) {
        Node focus = root.getScene() == null ? null : root.getScene().getFocusOwner();
        if (focus instanceof TextInputControl || e.isShortcutDown() || e.isAltDown()) {
            return false;
        }
        // Sliders take Left/Right; lists and combo boxes only Up/Down, so the arrows still step the lesson there.
        boolean focusWantsArrows = focus instanceof Slider || focus instanceof ComboBoxBase<?> cb && cb.isShowing();
        KeyCode code = e.getCode();
        boolean handled = true;
        if (e.isShiftDown() && code.isArrowKey()) {
            teach.movePatch(code == KeyCode.UP ? -1 : code == KeyCode.DOWN ? 1 : 0,
                    code == KeyCode.LEFT ? -1 : code == KeyCode.RIGHT ? 1 : 0);
        } else if (code == KeyCode.PAGE_DOWN || code == KeyCode.N || (code == KeyCode.RIGHT && !focusWantsArrows)) {
            teach.nextStep();
        } else if (code == KeyCode.PAGE_UP || code == KeyCode.P || (code == KeyCode.LEFT && !focusWantsArrows)) {
            teach.previousStep();
        } else if (code == KeyCode.CLOSE_BRACKET) {
            teach.shiftLayer(1);
        } else if (code == KeyCode.OPEN_BRACKET) {
            teach.shiftLayer(-1);
        } else if (code == KeyCode.PERIOD) {
            teach.shiftHead(1);
        } else if (code == KeyCode.COMMA) {
            teach.shiftHead(-1);
        } else if (code == KeyCode.ENTER && teach.questionProperty().get() != null && !(focus instanceof Button)) {
            Question q = teach.questionProperty().get();
            TeachSelection s = teach.selectionProperty().get();
            teach.answer(q.pick() == Question.Pick.PATCH ? s.patch() : s.layer());
        } else if (code == KeyCode.E) {
            teach.guidedProperty().set(!teach.guidedProperty().get());
        } else {
            handled = false;
        }
        return handled;
    }

    private void chooseAndSavePicture() {
        TeachingView v = teach.viewProperty().get();
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save " + v.title());
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        if (teach.dataProperty().get() != null && teach.dataProperty().get().svg().isPresent()) {
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("SVG chart", "*.svg"));
        }
        chooser.setInitialFileName(v.name() + ".png");
        File file = chooser.showSaveDialog(root.getScene().getWindow());
        if (file != null) {
            String name = file.getName().toLowerCase(Locale.ROOT);
            File target = name.endsWith(".png") || name.endsWith(".svg") ? file
                    : new File(file.getPath() + (chooser.getSelectedExtensionFilter() != null
                    && chooser.getSelectedExtensionFilter().getDescription().startsWith("SVG") ? ".svg" : ".png"));
            teach.savePicture(target.toPath());
        }
    }

    private void chooseAndSaveLesson() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the lesson for this image");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("One HTML page", "*.html"),
                new FileChooser.ExtensionFilter("A folder of PNG and JSON files", "*"));
        chooser.setInitialFileName("lesson.html");
        File file = chooser.showSaveDialog(root.getScene().getWindow());
        if (file == null) {
            return;
        }
        boolean folder = chooser.getSelectedExtensionFilter() != null
                && chooser.getSelectedExtensionFilter().getDescription().startsWith("A folder");
        teach.saveLesson(file.toPath(), folder);
    }

    // ---- WorkbenchPage ----------------------------------------------------------------------------------------

    @Override
    public String title() {
        return "Teach";
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void bind(ReadOnlyObjectProperty<CurrentAnalysis> analysis) {
        teach.follow(analysis);
    }

    @Override
    public void selected() {
        teach.activate();
        root.requestFocus();
    }

    @Override
    public void deselected() {
        teach.deactivate();
    }
}
