package dev.vitlens.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A Hugging Face image-processor config ({@code preprocessor_config.json}) in any of the variants seen in the wild,
 * with the defaults the HF processor class applies when a field is missing.
 *
 * @param doResize      resize first
 * @param size          resize target
 * @param resample      PIL filter used to resize
 * @param doCenterCrop  center-crop after resizing
 * @param cropHeight    crop height (when cropping)
 * @param cropWidth     crop width (when cropping)
 * @param cropPct       ConvNeXt-style crop percentage, or NaN when absent
 * @param doRescale     multiply by {@code rescaleFactor}
 * @param rescaleFactor usually 1/255
 * @param doNormalize   subtract mean, divide by std
 * @param imageMean     per-channel mean (RGB)
 * @param imageStd      per-channel std (RGB)
 */
public record PreprocessorConfig(boolean doResize, Size size, ResampleMethod resample, boolean doCenterCrop,
                                 int cropHeight, int cropWidth, double cropPct, boolean doRescale,
                                 double rescaleFactor, boolean doNormalize, float[] imageMean, float[] imageStd) {

    /** ImageNet mean/std used by DeiT ({@code IMAGENET_DEFAULT_*} in transformers). */
    public static final float[] IMAGENET_DEFAULT_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_DEFAULT_STD = {0.229f, 0.224f, 0.225f};
    /** 0.5 mean/std used by ViT and BEiT ({@code IMAGENET_STANDARD_*}). */
    public static final float[] IMAGENET_STANDARD_MEAN = {0.5f, 0.5f, 0.5f};
    public static final float[] IMAGENET_STANDARD_STD = {0.5f, 0.5f, 0.5f};

    /**
     * Resize target: either an exact height x width, or the shortest edge (keeping the aspect ratio), optionally
     * capped by a longest edge. Exactly one form is set; the other fields are 0.
     */
    public record Size(int height, int width, int shortestEdge, int longestEdge) {
        public static Size exact(int height, int width) {
            return new Size(height, width, 0, 0);
        }

        public static Size shortestEdge(int shortestEdge, int longestEdge) {
            return new Size(0, 0, shortestEdge, longestEdge);
        }

        public boolean isExact() {
            return shortestEdge == 0;
        }

        @Override
        public String toString() {
            if (isExact()) {
                return height + "x" + width;
            }
            return "shortest_edge=" + shortestEdge + (longestEdge > 0 ? ", longest_edge=" + longestEdge : "");
        }
    }

    public PreprocessorConfig {
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    @Override
    public float[] imageMean() {
        return imageMean.clone();
    }

    @Override
    public float[] imageStd() {
        return imageStd.clone();
    }

    /** Height and width after the resize step, as HF computes them for a source image of srcH x srcW. */
    public int[] resizedSize(int srcH, int srcW) {
        if (!doResize) {
            return new int[] {srcH, srcW};
        }
        if (size.isExact()) {
            return new int[] {size.height(), size.width()};
        }
        int shortest = size.shortestEdge();
        if (usesCropPct()) {
            // ConvNeXt semantics: below 384 px, resize the short side to shortest_edge / crop_pct, then crop.
            if (shortest < 384) {
                return shortestEdgeSize(srcH, srcW, (int) (shortest / cropPct), 0);
            }
            return new int[] {shortest, shortest};
        }
        return shortestEdgeSize(srcH, srcW, shortest, size.longestEdge());
    }

    /** Crop height and width, or null when no crop is applied. */
    public int[] cropSize() {
        if (usesCropPct() && size.shortestEdge() < 384) {
            return new int[] {size.shortestEdge(), size.shortestEdge()};
        }
        return doCenterCrop ? new int[] {cropHeight, cropWidth} : null;
    }

    /** The output size when it does not depend on the source image, else null. */
    public int[] fixedOutputSize() {
        int[] crop = cropSize();
        if (crop != null) {
            return crop;
        }
        if (doResize && (size.isExact() || usesCropPct())) {
            return resizedSize(1, 1);
        }
        return null;
    }

    private boolean usesCropPct() {
        return doResize && !size.isExact() && !Double.isNaN(cropPct);
    }

    /** transformers' get_resize_output_image_size(default_to_square=False, max_size=longest). */
    static int[] shortestEdgeSize(int srcH, int srcW, int shortest, int longest) {
        boolean portrait = srcW <= srcH;
        int shortSide = portrait ? srcW : srcH;
        int longSide = portrait ? srcH : srcW;
        int newShort = shortest;
        int newLong = (int) ((double) ((long) shortest * longSide) / shortSide);
        if (longest > 0 && newLong > longest) {
            newShort = (int) ((double) ((long) longest * newShort) / newLong);
            newLong = longest;
        }
        return portrait ? new int[] {newLong, newShort} : new int[] {newShort, newLong};
    }

    /** The HF processor defaults for a family (what a missing or empty preprocessor_config.json means). */
    public static PreprocessorConfig defaults(Family family) {
        return switch (family) {
            case VIT -> new PreprocessorConfig(true, Size.exact(224, 224), ResampleMethod.BILINEAR, false, 224, 224,
                    Double.NaN, true, 1 / 255.0, true, IMAGENET_STANDARD_MEAN, IMAGENET_STANDARD_STD);
            case DEIT -> new PreprocessorConfig(true, Size.exact(256, 256), ResampleMethod.BICUBIC, true, 224, 224,
                    Double.NaN, true, 1 / 255.0, true, IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD);
            case BEIT -> new PreprocessorConfig(true, Size.exact(256, 256), ResampleMethod.BICUBIC, true, 224, 224,
                    Double.NaN, true, 1 / 255.0, true, IMAGENET_STANDARD_MEAN, IMAGENET_STANDARD_STD);
        };
    }

    public static PreprocessorConfig read(Path file, Family family) throws ModelFormatException {
        return parse(Json.read(file), family, file.getFileName().toString());
    }

    public static PreprocessorConfig parse(String json, Family family) throws ModelFormatException {
        return parse(Json.parse(json, "preprocessor_config.json"), family, "preprocessor_config.json");
    }

    static PreprocessorConfig parse(JsonNode root, Family family, String source) throws ModelFormatException {
        Json.Fields f = new Json.Fields(root, source);
        // The processor class decides the defaults, e.g. a DeiT checkpoint saved with ViTImageProcessor.
        PreprocessorConfig d = defaults(familyOfProcessor(f.string("image_processor_type",
                f.string("feature_extractor_type", null)), family));

        Size size = d.size();
        JsonNode sizeNode = f.get("size");
        if (sizeNode != null) {
            size = size(f, "size", sizeNode);
        }
        ResampleMethod resample = d.resample();
        JsonNode resampleNode = f.get("resample");
        if (resampleNode != null) {
            if (!resampleNode.isIntegralNumber()) {
                throw f.error("resample", "must be a PIL filter code 0-5, got " + Json.Fields.describe(resampleNode));
            }
            int code = resampleNode.asInt();
            resample = ResampleMethod.fromPilCode(code)
                    .orElseThrow(() -> f.error("resample", "is " + code + ", not a PIL filter code (0-5)"));
        }

        int cropH = d.cropHeight();
        int cropW = d.cropWidth();
        JsonNode cropNode = f.get("crop_size");
        if (cropNode != null) {
            Size crop = size(f, "crop_size", cropNode);
            if (!crop.isExact()) {
                // Some configs write crop_size as {"shortest_edge": n}; a crop is always square then.
                cropH = crop.shortestEdge();
                cropW = crop.shortestEdge();
            } else {
                cropH = crop.height();
                cropW = crop.width();
            }
        }
        double cropPct = f.has("crop_pct") ? f.number("crop_pct", Double.NaN) : Double.NaN;
        if (!Double.isNaN(cropPct) && (cropPct <= 0 || cropPct > 1)) {
            throw f.error("crop_pct", "must be in (0, 1], got " + cropPct);
        }
        double rescaleFactor = f.number("rescale_factor", d.rescaleFactor());
        if (rescaleFactor <= 0) {
            throw f.error("rescale_factor", "must be positive, got " + rescaleFactor);
        }
        float[] mean = triple(f, "image_mean", d.imageMean(), false);
        float[] std = triple(f, "image_std", d.imageStd(), true);
        return new PreprocessorConfig(f.bool("do_resize", d.doResize()), size, resample,
                f.bool("do_center_crop", d.doCenterCrop()), cropH, cropW, cropPct,
                f.bool("do_rescale", d.doRescale()), rescaleFactor, f.bool("do_normalize", d.doNormalize()), mean,
                std);
    }

    private static Family familyOfProcessor(String processorType, Family fallback) {
        if (processorType == null) {
            return fallback;
        }
        String t = processorType.toLowerCase(Locale.ROOT);
        if (t.startsWith("deit")) {
            return Family.DEIT;
        }
        if (t.startsWith("beit") || t.startsWith("data2vec")) {
            return Family.BEIT;
        }
        if (t.startsWith("vit")) {
            return Family.VIT;
        }
        return fallback;
    }

    /** int (square, as ViT/DeiT/BEiT processors read it), {height,width}, or {shortest_edge[, longest_edge]}. */
    private static Size size(Json.Fields f, String field, JsonNode node) throws ModelFormatException {
        if (node.isNumber()) {
            int side = f.positiveInt(field, node);
            return Size.exact(side, side);
        }
        if (node.isArray() && node.size() == 2) {
            return Size.exact(f.positiveInt(field, node.get(0)), f.positiveInt(field, node.get(1)));
        }
        if (!node.isObject()) {
            throw f.error(field, "must be an integer or an object with height/width or shortest_edge, got "
                    + Json.Fields.describe(node));
        }
        Json.Fields s = new Json.Fields(node, f.source() + " " + field);
        if (s.has("height") || s.has("width")) {
            if (!s.has("height") || !s.has("width")) {
                throw f.error(field, "needs both height and width");
            }
            return Size.exact(s.positiveInt("height", 0), s.positiveInt("width", 0));
        }
        if (s.has("shortest_edge")) {
            int shortest = s.positiveInt("shortest_edge", 0);
            int longest = s.positiveInt("longest_edge", 0);
            if (longest != 0 && longest < shortest) {
                throw f.error(field, "has longest_edge " + longest + " smaller than shortest_edge " + shortest);
            }
            return Size.shortestEdge(shortest, longest);
        }
        throw f.error(field, "must have height and width, or shortest_edge (got keys " + keys(node) + ")");
    }

    private static String keys(JsonNode node) {
        StringBuilder sb = new StringBuilder("[");
        node.fieldNames().forEachRemaining(k -> sb.append(sb.length() > 1 ? ", " : "").append(k));
        return sb.append(']').toString();
    }

    private static float[] triple(Json.Fields f, String field, float[] fallback, boolean positive)
            throws ModelFormatException {
        JsonNode node = f.get(field);
        if (node == null) {
            return fallback;
        }
        if (node.isNumber()) {
            float v = (float) node.asDouble();
            node = Json.mapper().createArrayNode().add(v).add(v).add(v);
        }
        if (!node.isArray() || node.size() != 3) {
            throw f.error(field, "must be a list of 3 numbers (R, G, B), got " + Json.Fields.describe(node)
                    + (node.isArray() ? " of " + node.size() : ""));
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw f.error(field, "must contain only finite numbers, got " + v);
            }
            // HF casts mean/std to the image dtype (float32) before normalising.
            out[i] = (float) v.asDouble();
            if (positive && out[i] <= 0) {
                throw f.error(field, "must be positive, got " + v);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessorConfig p && doResize == p.doResize && size.equals(p.size)
                && resample == p.resample && doCenterCrop == p.doCenterCrop && cropHeight == p.cropHeight
                && cropWidth == p.cropWidth && Double.compare(cropPct, p.cropPct) == 0 && doRescale == p.doRescale
                && rescaleFactor == p.rescaleFactor && doNormalize == p.doNormalize
                && Arrays.equals(imageMean, p.imageMean) && Arrays.equals(imageStd, p.imageStd);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(doResize, size, resample, doCenterCrop, cropHeight, cropWidth, doRescale,
                rescaleFactor, doNormalize, Arrays.hashCode(imageMean), Arrays.hashCode(imageStd));
    }

    @Override
    public String toString() {
        return "PreprocessorConfig[resize=" + (doResize ? size + " " + resample : "no") + ", crop="
                + (doCenterCrop ? cropHeight + "x" + cropWidth : "no")
                + (Double.isNaN(cropPct) ? "" : ", crop_pct=" + cropPct) + ", rescale="
                + (doRescale ? rescaleFactor : "no") + ", normalize="
                + (doNormalize ? Arrays.toString(imageMean) + "/" + Arrays.toString(imageStd) : "no") + "]";
    }
}
