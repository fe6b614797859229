package dev.vitlens.teach;

import dev.vitlens.output.AtomicFiles;
import dev.vitlens.output.JsonOutput;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The whole lesson for one image, saved for slides: one self-contained HTML page (pictures inlined, each question
 * with its answer folded away until clicked), or a folder with one PNG and one JSON file per step plus the texts.
 * Every file is written whole ({@link AtomicFiles}); a folder export writes into a new folder only.
 */
public final class LessonExport {

    private LessonExport() {
    }

    /** One lesson step drawn: its picture and numbers, or why the model cannot show it. */
    private record Drawn(Lesson.Step step, TeachingView view, ViewData data, String unavailable) {
    }

    private static List<Drawn> draw(TeachInput input) {
        return Lesson.steps(input).stream().map(step -> {
            TeachingView view = TeachingViews.find(step.view()).orElse(null);
            if (view == null) {
                return new Drawn(step, null, null, "no view named " + step.view());
            }
            Optional<String> missing = view.unavailable(input);
            if (missing.isPresent()) {
                return new Drawn(step, view, null, missing.get());
            }
            try {
                return new Drawn(step, view, view.compute(input), "");
            } catch (IllegalArgumentException e) {
                return new Drawn(step, view, null, e.getMessage());
            }
        }).toList();
    }

    /** Writes {@code file} as one HTML page with every picture inlined as PNG. */
    public static void writeHtml(TeachInput input, Path file) throws IOException {
        List<Drawn> drawn = draw(input);
        StringBuilder html = new StringBuilder(1 << 16);
        String title = "Inside " + input.model().displayName();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title>\n<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;"
                        + "padding:0 1em;color:#222;line-height:1.5}section{margin:2.5em 0;page-break-inside:avoid}"
                        + "img{max-width:100%;border:1px solid #ddd}.q{background:#fff7e6;border-left:4px solid "
                        + "#f28e2b;padding:.6em 1em}.na{color:#a33}summary{cursor:pointer;font-weight:600}"
                        + "small{color:#666}</style></head><body>\n");
        html.append("<h1>").append(escape(title)).append("</h1>\n<p><small>")
                .append(escape(input.model().id() + ", " + input.family().displayName() + "; made by ViTLens"))
                .append("</small></p>\n");
        for (Drawn d : drawn) {
            html.append("<section><h2>").append(escape(d.step().heading())).append("</h2>\n<p>")
                    .append(escape(d.step().text())).append("</p>\n");
            d.step().question().ifPresent(q -> html.append("<div class=\"q\"><p>").append(escape(q.prompt(input)))
                    .append("</p><details><summary>Answer</summary><p>").append(escape(q.solution(input)))
                    .append("</p></details></div>\n"));
            if (d.data() != null) {
                html.append("<img alt=\"").append(escape(d.view().title())).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(png(d.data().render()))).append("\">\n<p><small>")
                        .append(escape(d.data().summary())).append("</small></p>\n");
            } else {
                html.append("<p class=\"na\">").append(escape(d.unavailable())).append("</p>\n");
            }
            html.append("</section>\n");
        }
        html.append("</body></html>\n");
        AtomicFiles.write(file, html.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code folder} (which must not exist yet, so no file of the user's is replaced) with
     * {@code NN-view.png}, {@code NN-view.json} and {@code lesson.md}.
     */
    public static void writeFolder(TeachInput input, Path folder) throws IOException {
        if (Files.exists(folder)) {
            throw new IOException(folder + " already exists: choose a new folder name for the lesson");
        }
        List<Drawn> drawn = draw(input);
        AtomicFiles.writeNewFolder(folder, building -> {
            StringBuilder text = new StringBuilder("# Inside " + input.model().displayName() + "\n\n");
            int n = 0;
            for (Drawn d : drawn) {
                n++;
                String base = String.format(Locale.ROOT, "%02d-%s", n, d.step().view());
                text.append("## ").append(d.step().heading()).append("\n\n").append(d.step().text()).append("\n\n");
                d.step().question().ifPresent(q -> text.append("> ").append(q.prompt(input)).append("\n>\n> Answer: ")
                        .append(q.solution(input)).append("\n\n"));
                if (d.data() != null) {
                    Files.write(building.resolve(base + ".png"), png(d.data().render()));
                    Files.writeString(building.resolve(base + ".json"), JsonOutput.document(d.data()));
                    text.append("![").append(d.view().title()).append("](").append(base).append(".png)\n\n");
                } else {
                    text.append("*").append(d.unavailable()).append("*\n\n");
                }
            }
            Files.writeString(building.resolve("lesson.md"), text.toString());
        });
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer");
        }
        return out.toByteArray();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
