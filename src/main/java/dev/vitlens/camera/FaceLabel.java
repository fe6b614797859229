package dev.vitlens.camera;

/** A classifier's top label for one crop and its probability in [0, 1]. */
public record FaceLabel(String label, float score) {
}
