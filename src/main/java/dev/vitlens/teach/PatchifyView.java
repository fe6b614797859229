package dev.vitlens.teach;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vitlens.catalog.TokenLayout;
import dev.vitlens.internals.ModelInternals;

import java.util.Locale;
import java.util.Set;

/** The image cut into the model's patch grid; the selected patch lifted out and flattened into one vector. */
public final class PatchifyView extends TeachingView {

    /**
     * @param grid          patch rows and columns
     * @param patchSize     pixels per patch side (input resolution)
     * @param patch         the selected patch, row-major
     * @param row           its row
     * @param col           its column
     * @param token         its position in the token sequence (after the prefix tokens)
     * @param box           its pixels in the model's input: x, y, width, height
     * @param flattened     the model's input numbers inside the patch (after rescale and normalisation), in the order
     *                      the patch embedding reads them: channel, then row, then column
     * @param picture       the input as 0xRRGGBB, for the picture
     */
    public record Data(int[] grid, @JsonProperty("patch_size") int patchSize, int patch, int row, int col, int token,
                       int[] box, int channels, float[] flattened, @JsonIgnore int[] picture,
                       @JsonIgnore int inputHeight, @JsonIgnore int inputWidth, @JsonIgnore String subtitle)
            implements ViewData {

        @Override
        public Sketch sketch() {
            int p = patchSize;
            int scale = Math.max(1, 288 / Math.max(inputHeight, inputWidth));
            int imgW = inputWidth * scale;
            int imgH = inputHeight * scale;
            int cell = Math.max(1, 128 / p);
            int zoom = cell * p;
            int per = p * p;
            int stripCell = Math.max(1, Math.min(12, 520 / per));
            int stripW = stripCell * per;
            int left = Figures.MARGIN;
            int top = Figures.HEADER + 12;
            int zoomX = left + imgW + 60;
            int width = Math.max(zoomX + zoom + 230, left + 70 + stripW + Figures.MARGIN);
            int stripTop = top + Math.max(imgH, zoom + 40) + 44;
            String note = "The patch embedding multiplies these " + flattened.length + " numbers by a learned matrix"
                    + " (the filters) to make one token vector; the same matrix is used for every patch.";
            int height = (int) (stripTop + 3 * 26 + 14 + Sketch.paragraphHeight(note, Figures.SMALL, width - 2 * left))
                    + Figures.MARGIN;
            Sketch s = Figures.sketch(width, height, "Patchify: the image cut into " + grid[0] + " x " + grid[1] + " patches of " + p + " x "
                    + p + " pixels", subtitle);

            s.cells(left, top, scale, scale, inputHeight, inputWidth, picture);
            for (int c = 0; c <= grid[1]; c++) {
                s.line(left + c * p * scale, top, left + c * p * scale, top + grid[0] * p * scale, 0xBBBBBB, 1);
            }
            for (int r = 0; r <= grid[0]; r++) {
                s.line(left, top + r * p * scale, left + grid[1] * p * scale, top + r * p * scale, 0xBBBBBB, 1);
            }
            double bx = left + box[0] * scale;
            double by = top + box[1] * scale;
            s.rect(bx, by, p * scale, p * scale, Sketch.NONE, Sketch.SELECTION, 2.5);

            // the patch lifted out
            int[] patchRgb = new int[per];
            for (int y = 0; y < p; y++) {
                for (int x = 0; x < p; x++) {
                    patchRgb[y * p + x] = picture[(box[1] + y) * inputWidth + box[0] + x];
                }
            }
            s.line(bx + p * scale, by + p * scale / 2.0, zoomX - 4, top + zoom / 2.0, Sketch.SELECTION, 1.5);
            s.cells(zoomX, top, cell, cell, p, p, patchRgb);
            s.rect(zoomX, top, zoom, zoom, Sketch.NONE, Sketch.SELECTION, 2.5);
            s.text(zoomX + zoom + 12, top + 14, "patch (" + row + ", " + col + ")", Figures.LABEL, Sketch.TEXT,
                    Sketch.Anchor.START, true);
            s.text(zoomX + zoom + 12, top + 32, "number " + patch + " of " + grid[0] * grid[1] + " (row by row)",
                    Figures.SMALL, Sketch.MUTED, Sketch.Anchor.START, false);
            s.text(zoomX + zoom + 12, top + 48, "becomes token " + token + " of the sequence", Figures.SMALL,
                    Sketch.MUTED, Sketch.Anchor.START, false);
            s.text(zoomX + zoom + 12, top + 64, "pixels x " + box[0] + ".." + (box[0] + p - 1) + ", y " + box[1] + ".."
                    + (box[1] + p - 1), Figures.SMALL, Sketch.MUTED, Sketch.Anchor.START, false);

            // the patch flattened: one strip per channel, in the order the patch embedding reads the numbers
            s.text(left, stripTop - 14, String.format(Locale.ROOT, "flattened: %d x %d x %d = %d numbers, channel by"
                    + " channel, each row by row", channels, p, p, flattened.length), Figures.LABEL, Sketch.TEXT,
                    Sketch.Anchor.START, true);
            String[] names = {"red", "green", "blue"};
            for (int ch = 0; ch < Math.min(3, channels); ch++) {
                int[] strip = new int[per];
                int shift = 16 - 8 * ch;
                for (int i = 0; i < per; i++) {
                    int v = (patchRgb[i] >> shift) & 0xFF;
                    strip[i] = v << shift;
                }
                int y = stripTop + ch * 26;
                s.text(left, y + 13, names[ch], Figures.SMALL, Sketch.TEXT, Sketch.Anchor.START, false);
                s.cells(left + 70, y, stripCell, 18, 1, per, strip);
                s.rect(left + 70, y, stripW, 18, Sketch.NONE, Sketch.MUTED, 1);
            }
            s.paragraph(left, stripTop + 3 * 26 + 14, width - 2 * left, note, Figures.SMALL, Sketch.MUTED);
            return s;
        }

        @Override
        public String summary() {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (float v : flattened) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            return String.format(Locale.ROOT, "patch grid %dx%d of %d px; patch %d = (%d, %d), token %d, pixels x %d"
                            + " y %d%nflattened: %d numbers (%d channels x %d x %d), min %.4g, max %.4g",
                    grid[0], grid[1], patchSize, patch, row, col, token, box[0], box[1], flattened.length, channels,
                    patchSize, patchSize, min, max);
        }
    }

    public PatchifyView() {
        super("patchify", "The image cut into patches, one patch flattened",
                "A Vision Transformer does not look at pixels one by one. It cuts the image into a grid of square"
                        + " patches (here p x p pixels each) and reads them like words in a sentence, left to right,"
                        + " top to bottom. Each patch is flattened: its pixel values, channel by channel and row by"
                        + " row, become one long list of C x p x p numbers. A learned linear map (the patch"
                        + " embedding) turns that list into one token vector of D numbers. The model then adds a"
                        + " position signal, puts its special tokens such as [CLS] in front, and from here on works"
                        + " only on this sequence of tokens.",
                Set.of(), false);
    }

    @Override
    protected ViewData build(TeachInput input) {
        ModelInternals internals = input.internals();
        TokenLayout layout = input.layout();
        TeachSelection sel = input.selection();
        int p = layout.patchSize();
        int row = sel.patchRow(layout);
        int col = sel.patchColumn(layout);
        int h = input.model().inputHeight();
        int w = input.model().inputWidth();
        int[] picture = input.memo(TeachInput.Scope.IMAGE, "input-picture", () -> InputPicture.rgb(internals));
        float[] px = internals.pixels();
        int channels = px.length / (h * w);
        float[] flat = new float[channels * p * p];
        int i = 0;
        for (int ch = 0; ch < channels; ch++) {
            for (int y = 0; y < p; y++) {
                int base = ch * h * w + (row * p + y) * w + col * p;
                System.arraycopy(px, base, flat, i, p);
                i += p;
            }
        }
        return new Data(new int[] {layout.gridHeight(), layout.gridWidth()}, p, sel.patch(), row, col,
                layout.tokenOfPatch(row, col), new int[] {col * p, row * p, p, p}, channels, flat, picture, h, w,
                input.describeModel());
    }
}
