package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled face-mask model end to end on the astronaut clip (skipped until models/deit-mask is present). */
class DeitMaskLiveTest {

    private static final Path MODEL = Path.of("models/deit-mask");

    @TempDir
    Path dir;

    @Test
    void astronautIsClassifiedWithoutMask() throws Exception {
        assumeTrue(Files.isRegularFile(MODEL.resolve("model.onnx")), "models/deit-mask not present: skipping");
        ModelInfo info = ModelFolder.load(MODEL);
        assertEquals(java.util.List.of("with_mask", "without_mask"), info.labels());
        LivePipelineTest.Recorder r = new LivePipelineTest.Recorder();
        try (ModelFaceClassifier faces = ModelFaceClassifier.open(info, RunnerOptions.on(Device.CPU))) {
            LivePipeline p = new LivePipeline(new VideoFileSource(TestFrames.astronautClip(dir, 3, 30), false, false),
                    faces, null, LiveOptions.defaults(), r);
            p.start();
            assertTrue(p.awaitStopped(60, TimeUnit.SECONDS));
        }
        assertFalse(r.results.isEmpty());
        for (FrameResult fr : r.results) {
            assertNull(fr.error());
            FaceResult face = fr.faces().stream().filter(f -> FaceDetectorTest.isAstronautFace(f.box())).findFirst()
                    .orElseThrow();
            assertEquals("without_mask", face.label(), "score " + face.score());
            assertTrue(face.confident());
        }
    }
}
