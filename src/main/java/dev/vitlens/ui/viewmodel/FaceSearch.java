package dev.vitlens.ui.viewmodel;

import dev.vitlens.faces.PhotoFace;

import java.util.List;

/**
 * The faces found in one image, each classified.
 *
 * @param faces        largest first; empty when none was found
 * @param detector     the detector that looked, in one line (e.g. {@code BlazeFace (min score 0.65)})
 * @param detectorNote why the preferred detector is not the one used (BlazeFace could not be loaded), or empty
 */
public record FaceSearch(List<PhotoFace> faces, String detector, String detectorNote) {

    public FaceSearch {
        faces = List.copyOf(faces);
        detectorNote = detectorNote == null ? "" : detectorNote;
    }
}
