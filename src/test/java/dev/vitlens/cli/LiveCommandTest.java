package dev.vitlens.cli;

import static dev.vitlens.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.camera.MjpegClips;
import dev.vitlens.camera.OpenCvNatives;
import dev.vitlens.testing.TinyModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class LiveCommandTest {

    @TempDir
    Path dir;



    private Path greyClip(int frames) {
        OpenCvNatives.ensureLoaded();
        Path clip = dir.resolve("grey.avi");
        MjpegClips.write(clip, 320, 240, 30, frames, i -> new Mat(240, 320, CvType.CV_8UC3, new Scalar(100, 100, 100)));
        return clip;
    }

    @Test
    void jsonLinesPerFrameThenASummary() throws Exception {
        Run r = run("live", "--detect-only", "--video", greyClip(4).toString(), "--format", "json");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        ObjectMapper m = new ObjectMapper();
        JsonNode summary = m.readTree(lines.get(lines.size() - 1));
        assertTrue(summary.get("summary").asBoolean());
        int frames = summary.get("frames").asInt();
        assertEquals(lines.size() - 1, frames);
        assertTrue(frames >= 1 && frames <= 4);
        JsonNode first = m.readTree(lines.get(0));
        assertEquals(0, first.get("faces").size(), "a grey frame has no face (and no model means no fallback)");
        assertTrue(first.get("timings_ms").has("detect"));
        assertFalse(summary.has("error"));
    }

    @Test
    void framesOptionStopsALoopingClip() {
        Run r = run("live", "--detect-only", "--detector", "thorough", "--video", greyClip(3).toString(), "--loop",
                "--frames", "5");
        assertEquals(0, r.exit(), r.err());
        assertEquals(5, r.out().lines().filter(l -> l.startsWith("frame ")).count(), r.out());
        assertTrue(r.out().contains("summary: 5 frames"), r.out());
    }

    @Test
    void modelClassifiesTheCentreCropWhenNoFaceIsFound() throws Exception {
        Path model = TinyModels.writeVitFolder(dir.resolve("tiny"), 64, 16, 2, 0, 0);
        Run r = run("live", "-m", model.toString(), "--device", "cpu", "--video", greyClip(3).toString(),
                "--format", "json");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        ObjectMapper m = new ObjectMapper();
        JsonNode face = m.readTree(lines.get(0)).get("faces").get(0);
        assertTrue(face.get("fallback").asBoolean());
        assertTrue(face.get("label").asText().startsWith("class"), face.toString());
        assertTrue(face.get("score").asDouble() >= 0.5);
        Run off = run("live", "-m", model.toString(), "--device", "cpu", "--no-fallback", "--video",
                dir.resolve("grey.avi").toString(), "--format", "json");
        assertEquals(0, off.exit(), off.err());
        assertEquals(0, m.readTree(off.out().lines().findFirst().orElseThrow()).get("faces").size());
    }

    @Test
    void unpacedFolderProcessesEveryImageExactlyOnce() throws Exception {
        OpenCvNatives.ensureLoaded();
        Path folder = dir.resolve("folder");
        java.nio.file.Files.createDirectories(folder);
        int images = 30;
        for (int i = 0; i < images; i++) {
            Mat m = new Mat(120, 160, CvType.CV_8UC3, new Scalar(i * 8, 100, 200 - i * 5));
            org.opencv.imgcodecs.Imgcodecs.imwrite(folder.resolve(String.format("%02d.png", i)).toString(), m);
            m.release();
        }
        Path model = TinyModels.writeVitFolder(dir.resolve("tiny"), 64, 16, 2, 0, 0);
        Run r = run("live", "-m", model.toString(), "--device", "cpu", "--threads", "1", "--folder",
                folder.toString(), "--folder-fps", "0", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        ObjectMapper m = new ObjectMapper();
        JsonNode summary = m.readTree(lines.get(lines.size() - 1));
        assertEquals(images, summary.get("frames").asInt(), r.out());
        for (int i = 0; i < images; i++) {
            JsonNode frame = m.readTree(lines.get(i));
            assertEquals(i, frame.get("frame").asInt());
            assertEquals(0, frame.get("dropped_frames").asInt());
        }
    }

    @Test
    void cascadeDetectorCanStillBeChosen() {
        String clip = greyClip(2).toString();
        for (String choice : List.of("cascade", "live", "thorough", "blazeface")) {
            Run r = run("live", "--detect-only", "--detector", choice, "--video", clip);
            assertEquals(0, r.exit(), choice + ": " + r.err());
            assertFalse(r.err().contains("unavailable"), r.err());
        }
        Run bad = run("live", "--detect-only", "--detector", "yolo", "--video", clip);
        assertEquals(Cli.EXIT_USAGE, bad.exit());
        assertTrue(bad.err().contains("blazeface, cascade or thorough"), bad.err());
        assertEquals(Cli.EXIT_USAGE, run("live", "--detect-only", "--detector-threshold", "1.5", "--video", clip)
                .exit());
    }

    @Test
    void missingModelIsAClearError() {
        Run r = run("live", "-m", dir.resolve("no-such-model").toString(), "--video", greyClip(2).toString());
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("--detect-only"), r.err());
    }

    @Test
    void missingCameraIsAClearErrorNotAHang() {
        Run r = run("live", "--camera", "97");
        assertEquals(Cli.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("No camera at index 97"), r.err());
    }

    @Test
    void missingVideoAndBadOptionsAreUsageErrors() {
        Run missing = run("live", "--video", dir.resolve("none.avi").toString());
        assertEquals(Cli.EXIT_USAGE, missing.exit());
        assertTrue(missing.err().contains("Video file not found"), missing.err());
        assertEquals(Cli.EXIT_USAGE, run("live", "--video", "a.avi", "--folder", "b").exit());
        assertEquals(Cli.EXIT_USAGE, run("live", "--threshold", "2", "--video", "a.avi").exit());
    }
}
