package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.engine.method.ExplanationMethod;
import dev.vitlens.engine.method.ExplanationMethods;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;

/**
 * The attention explorer's choices: method, layer, head, query and discard ratio. Any user change asks the
 * workbench for a new map; changes made while adopting a new model's layout don't.
 */
public final class ExplorerViewModel {

    private final ObservableList<ExplanationMethod> methods =
            FXCollections.observableArrayList(ExplanationMethods.all());
    private final ObjectProperty<ExplanationMethod> method =
            new SimpleObjectProperty<>(ExplanationMethods.defaultMethod());
    private final IntegerProperty layer = new SimpleIntegerProperty(0);
    private final ReadOnlyIntegerWrapper layerCount = new ReadOnlyIntegerWrapper(1);
    private final ObservableList<HeadChoice> headChoices = FXCollections.observableArrayList(HeadChoice.MEAN);
    private final ObjectProperty<HeadChoice> head = new SimpleObjectProperty<>(HeadChoice.MEAN);
    private final ObservableList<QueryChoice> queryChoices = FXCollections.observableArrayList(QueryChoice.AUTO);
    private final ObjectProperty<QueryChoice> query = new SimpleObjectProperty<>(QueryChoice.AUTO);
    private final DoubleProperty discardRatio = new SimpleDoubleProperty(0.9);
    private final ReadOnlyBooleanWrapper attentionAvailable = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper description = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper hasImage = new ReadOnlyBooleanWrapper(false);

    private TokenLayout layout;
    private Family family;
    private boolean adopting;

    ExplorerViewModel(Runnable onUserChange) {
        ChangeListener<Object> changed = (obs, old, now) -> {
            if (!adopting && now != null && !now.equals(old)) {
                onUserChange.run();
            }
        };
        method.addListener(changed);
        layer.addListener(changed);
        head.addListener(changed);
        query.addListener(changed);
        discardRatio.addListener(changed);
    }

    /** Follows the session: what the shown map is, and whether there is an image to explain at all. */
    void follow(ObservableValue<String> shownDescription, ObservableValue<Boolean> imageShown) {
        description.bind(shownDescription);
        hasImage.bind(imageShown);
    }

    /** The current choices, fitted to a (possibly different) model's layout; pure, callable from any thread. */
    static ExplainSettings fit(ExplainSettings wanted, boolean followLastLayer, TokenLayout layout, Family family) {
        if (layout == null) {
            return wanted;
        }
        int layers = Math.max(1, layout.layers());
        int layerIndex = followLastLayer ? layers - 1 : Math.max(0, Math.min(layers - 1, wanted.layer()));
        HeadChoice headChoice = wanted.head();
        if (headChoice.kind() == HeadChoice.Kind.SINGLE && headChoice.head() >= layout.heads()) {
            headChoice = HeadChoice.MEAN;
        }
        QueryChoice queryChoice = wanted.query();
        if (queryChoice.kind() == QueryChoice.Kind.DISTILLATION && layout.prefixTokens() < 2) {
            queryChoice = QueryChoice.AUTO;
        }
        if (queryChoice.kind() == QueryChoice.Kind.PATCH
                && (queryChoice.row() >= layout.gridHeight() || queryChoice.col() >= layout.gridWidth())) {
            queryChoice = QueryChoice.AUTO;
        }
        return new ExplainSettings(wanted.method(), layerIndex, headChoice, queryChoice, wanted.discardRatio());
    }

    /** A snapshot of the current choices (FX thread). */
    public ExplainSettings settings() {
        // A combo box may briefly clear its value while its items are replaced: fall back to the defaults.
        return new ExplainSettings(method.get() == null ? ExplanationMethods.defaultMethod() : method.get(), layer.get(),
                head.get() == null ? HeadChoice.MEAN : head.get(), query.get() == null ? QueryChoice.AUTO : query.get(),
                discardRatio.get());
    }

    /** True while the layer slider sits at the last layer: a new model then starts at its own last layer. */
    boolean followsLastLayer() {
        return layer.get() >= layerCount.get() - 1;
    }

    /** Takes over a new classification's layout and the settings actually used, without triggering a re-run. */
    void adopt(TokenLayout newLayout, Family newFamily, ExplainSettings used, boolean hasAttentions) {
        adopting = true;
        try {
            attentionAvailable.set(hasAttentions);
            if (newLayout != null && (!newLayout.equals(layout) || newFamily != family)) {
                layout = newLayout;
                family = newFamily;
                layerCount.set(Math.max(1, newLayout.layers()));
                List<HeadChoice> heads = new ArrayList<>(List.of(HeadChoice.MEAN, HeadChoice.MAX, HeadChoice.MIN));
                for (int h = 0; h < newLayout.heads(); h++) {
                    heads.add(HeadChoice.single(h));
                }
                headChoices.setAll(heads);
                List<QueryChoice> queries = new ArrayList<>(List.of(QueryChoice.AUTO, QueryChoice.CLS));
                if (newLayout.prefixTokens() >= 2) {
                    queries.add(QueryChoice.DISTILLATION);
                }
                queries.add(QueryChoice.MEAN);
                queryChoices.setAll(queries);
            }
            if (used != null) {
                layer.set(used.layer());
                head.set(used.head());
                if (used.query().kind() == QueryChoice.Kind.PATCH && !queryChoices.contains(used.query())) {
                    queryChoices.removeIf(q -> q.kind() == QueryChoice.Kind.PATCH);
                    queryChoices.add(used.query());
                }
                query.set(used.query());
                method.set(used.method());
            }
        } finally {
            adopting = false;
        }
    }

    /** Makes a clicked patch the attention query (a user change: the map is recomputed). */
    public void queryPatch(PatchPosition patch) {
        QueryChoice choice = QueryChoice.patch(patch.row(), patch.col());
        adopting = true;
        try {
            queryChoices.removeIf(q -> q.kind() == QueryChoice.Kind.PATCH);
            queryChoices.add(choice);
        } finally {
            adopting = false;
        }
        query.set(choice);
    }

    Family family() {
        return family;
    }

    TokenLayout layout() {
        return layout;
    }

    /** The methods the backend can compute, from the registry. */
    public ObservableList<ExplanationMethod> methods() {
        return FXCollections.unmodifiableObservableList(methods);
    }

    /** Offers only what the backend can compute. */
    void offer(List<ExplanationMethod> supported) {
        methods.setAll(supported);
    }

    public ObjectProperty<ExplanationMethod> methodProperty() {
        return method;
    }

    public IntegerProperty layerProperty() {
        return layer;
    }

    public ReadOnlyIntegerProperty layerCountProperty() {
        return layerCount.getReadOnlyProperty();
    }

    public ObservableList<HeadChoice> headChoices() {
        return FXCollections.unmodifiableObservableList(headChoices);
    }

    public ObjectProperty<HeadChoice> headProperty() {
        return head;
    }

    public ObservableList<QueryChoice> queryChoices() {
        return FXCollections.unmodifiableObservableList(queryChoices);
    }

    public ObjectProperty<QueryChoice> queryProperty() {
        return query;
    }

    public DoubleProperty discardRatioProperty() {
        return discardRatio;
    }

    public ReadOnlyBooleanProperty attentionAvailableProperty() {
        return attentionAvailable.getReadOnlyProperty();
    }

    /** What the shown map is ("rollout through layer 6, ..."), or why there is none. */
    public ReadOnlyStringProperty descriptionProperty() {
        return description.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty hasImageProperty() {
        return hasImage.getReadOnlyProperty();
    }
}
