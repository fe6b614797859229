package dev.vitlens.ui.viewmodel;

/** A cell of the patch grid (row-major, 0-based). */
public record PatchPosition(int row, int col) {
}
