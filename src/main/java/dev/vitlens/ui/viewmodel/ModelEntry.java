package dev.vitlens.ui.viewmodel;

import dev.vitlens.catalog.Family;

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
 */
public record ModelEntry(String id, String displayName, Family family, int inputHeight, int inputWidth,
                        List<String> labels, String device, String deviceNote, String unavailableReason,
                        boolean userModel, boolean faceClassifier) {

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
