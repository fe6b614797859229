package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.SeedModel;

import java.util.List;

/**
 * A catalogue entry as the model picker shows it.
 *
 * @param device            device the model runs on ("CUDA" or "CPU"), or the expected one before the first run
 * @param deviceNote        why the device was chosen (e.g. the CUDA fallback reason), or empty
 * @param unavailableReason why the model cannot be used, or empty when it can
 * @param userModel         one of the user's own (imported) models, which they may rename and remove; bundled
 *                          models are not
 * @param faceClassifier    the model classifies face crops ({@code vitlens.json} {@code "faceClassifier": true}): the
 *                          Images tab then finds the faces of each image and classifies each one
 * @param seed              for a seed model that is not installed, the checkpoint and its export and import commands;
 *                          null for every installed model
 */
public record ModelEntry(String id, String displayName, Family family, int inputHeight, int inputWidth,
                        List<String> labels, String device, String deviceNote, String unavailableReason,
                        boolean userModel, boolean faceClassifier, SeedModel seed) {

    /** What a not-installed seed model's entry gives as the reason it cannot run. */
    public static final String NOT_INSTALLED = "not installed";

    /** An installed model. */
    public ModelEntry(String id, String displayName, Family family, int inputHeight, int inputWidth,
                      List<String> labels, String device, String deviceNote, String unavailableReason,
                      boolean userModel, boolean faceClassifier) {
        this(id, displayName, family, inputHeight, inputWidth, labels, device, deviceNote, unavailableReason, userModel,
                faceClassifier, null);
    }

    /** A model that is not a face classifier. */
    public ModelEntry(String id, String displayName, Family family, int inputHeight, int inputWidth,
                      List<String> labels, String device, String deviceNote, String unavailableReason,
                      boolean userModel) {
        this(id, displayName, family, inputHeight, inputWidth, labels, device, deviceNote, unavailableReason, userModel,
                false);
    }

    /** A bundled model's entry. */
    public ModelEntry(String id, String displayName, Family family, int inputHeight, int inputWidth,
                      List<String> labels, String device, String deviceNote, String unavailableReason) {
        this(id, displayName, family, inputHeight, inputWidth, labels, device, deviceNote, unavailableReason, false);
    }

    public ModelEntry {
        labels = List.copyOf(labels);
        deviceNote = deviceNote == null ? "" : deviceNote;
        unavailableReason = unavailableReason == null ? "" : unavailableReason;
    }

    /**
     * The picker's entry for a seed model the user has not installed: it never runs (it is not
     * {@link #available()}); choosing it shows how to export and import it.
     */
    public static ModelEntry notInstalled(SeedModel seed) {
        return new ModelEntry(seed.id(), seed.displayName(), seed.family(), 0, 0, List.of(), "-", "", NOT_INSTALLED,
                false, false, seed);
    }

    /** False only for a {@linkplain #notInstalled not-installed seed model}. */
    public boolean installed() {
        return seed == null;
    }

    public boolean available() {
        return unavailableReason.isEmpty();
    }

    public String familyName() {
        return family == null ? "?" : family.displayName();
    }

    /** One-line summary for the picker: size and classes. */
    public String summary() {
        return inputWidth + "\u00d7" + inputHeight + " \u00b7 " + labels.size() + " classes \u00b7 " + device;
    }
}
