package dev.vitlens.ui.viewmodel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.output.JsonOutput;

import dev.vitlens.engine.Analysis;
import dev.vitlens.engine.Prediction;
import dev.vitlens.engine.method.Explanation;

import java.util.List;
import java.util.Locale;

/** Results as JSON (clipboard, .json) and CSV text. */
final class ResultsExport {

    private ResultsExport() {
    }

    /** @param part the part of the image analysed (a face crop), or null for the whole image */
    static String json(DecodedImage image, ModelEntry model, Analysis classification, Explanation heatmap,
                       List<GalleryItem> gallery, DecodedImage part) {
        ObjectNode root = JsonOutput.object();
        root.put("image", image.source() == null ? image.name() : image.source().toString());
        root.put("width", image.image().getWidth());
        root.put("height", image.image().getHeight());
        if (part != null) {
            // The predictions below are of this part: say which, and where the model saw it, in the image's pixels.
            java.awt.Rectangle seen = classification.region().toPixels(image.image().getWidth(),
                    image.image().getHeight());
            ObjectNode p = root.putObject("part").put("name", part.name());
            p.putArray("box").add(seen.x).add(seen.y).add(seen.width).add(seen.height);
        }
        root.put("model", classification.modelId());
        if (model != null) {
            root.put("family", model.familyName());
        }
        root.put("device", classification.device());
        if (!classification.deviceNote().isEmpty()) {
            root.put("deviceNote", classification.deviceNote());
        }
        ObjectNode timings = root.putObject("timingsMs");
        timings.put("decode", round(image.decodeMillis()));
        timings.put("preprocess", round(classification.preprocessMillis()));
        timings.put("inference", round(classification.inferenceMillis()));
        if (heatmap != null) {
            timings.put("explain", round(heatmap.millis()));
            root.put("explanation", heatmap.description());
        }
        ArrayNode predictions = root.putArray("predictions");
        for (Prediction p : classification.top()) {
            predictions.addObject().put("label", p.label()).put("classIndex", p.index())
                    .put("probability", (double) p.score());
        }
        if (gallery != null && !gallery.isEmpty()) {
            ArrayNode files = root.putArray("gallery");
            for (GalleryItem item : gallery) {
                ObjectNode entry = files.addObject().put("file", item.file().toString());
                if (item.top1() != null) {
                    entry.put("label", item.top1().label()).put("probability", (double) item.top1().score());
                }
            }
        }
        try {
            return JsonOutput.document(root);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write results as JSON", e);
        }
    }

    static String csv(DecodedImage image, Analysis classification) {
        StringBuilder out = new StringBuilder("image,model,device,rank,label,class_index,probability\n");
        String name = image.source() == null ? image.name() : image.source().toString();
        int rank = 1;
        for (Prediction p : classification.top()) {
            out.append(cell(name)).append(',').append(cell(classification.modelId())).append(',')
                    .append(cell(classification.device())).append(',').append(rank++).append(',')
                    .append(cell(p.label())).append(',').append(p.index()).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", (double) p.score())).append('\n');
        }
        return out.toString();
    }

    private static String cell(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }
}
