package dev.vitlens.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.catalog.ModelFolder;
import dev.vitlens.catalog.ModelInfo;
import dev.vitlens.imaging.RgbImage;
import dev.vitlens.engine.ModelSession;
import dev.vitlens.inference.Device;
import dev.vitlens.inference.RunnerOptions;
import dev.vitlens.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/** The engine adapter on a tiny real ONNX model built in code. */
class ModelFaceClassifierTest {

    @TempDir
    Path dir;

    private ModelInfo tinyModel() throws Exception {
        return ModelFolder.load(TinyModels.writeVitFolder(dir.resolve("tiny"), 64, 16, 2, 0, 0));
    }

    @Test
    void batchOfCropsMatchesTheEngineOneByOne() throws Exception {
        ModelInfo info = tinyModel();
        Mat frame = TestFrames.astronautFrame();
        List<BufferedImage> crops = List.of(FaceFrameProcessor.toImage(frame, new Box(200, 40, 180, 180)),
                FaceFrameProcessor.toImage(frame, new Box(0, 0, 100, 480)),
                FaceFrameProcessor.toImage(frame, new Box(300, 300, 300, 150)));
        try (ModelFaceClassifier faces = ModelFaceClassifier.open(info, RunnerOptions.on(Device.CPU));
             ModelSession engine = ModelSession.forClassification(info, RunnerOptions.on(Device.CPU))) {
            List<FaceLabel> batch = faces.classify(crops);
            assertEquals(3, batch.size());
            for (int i = 0; i < crops.size(); i++) {
                var single = engine.classify(RgbImage.from(crops.get(i)), 1).top().get(0);
                assertEquals(single.label(), batch.get(i).label(), "crop " + i);
                assertEquals(single.score(), batch.get(i).score(), 1e-5, "crop " + i);
                assertTrue(batch.get(i).score() >= 0.5f);
            }
        }
        frame.release();
    }

    @Test
    void pipelineWithTheEngineLabelsTheAstronaut() throws Exception {
        ModelInfo info = tinyModel();
        LivePipelineTest.Recorder r = new LivePipelineTest.Recorder();
        try (ModelFaceClassifier faces = ModelFaceClassifier.open(info, RunnerOptions.on(Device.CPU))) {
            LivePipeline p = new LivePipeline(new VideoFileSource(TestFrames.astronautClip(dir, 4, 30), false, false),
                    faces, null, LiveOptions.defaults(), r);
            p.start();
            assertTrue(p.awaitStopped(60, TimeUnit.SECONDS));
        }
        assertTrue(!r.results.isEmpty());
        for (FrameResult fr : r.results) {
            assertNull(fr.error());
            FaceResult face = fr.faces().stream().filter(f -> FaceDetectorTest.isAstronautFace(f.box())).findFirst()
                    .orElseThrow();
            assertNotNull(face.label());
            assertTrue(face.label().equals("class0") || face.label().equals("class1"), face.label());
            assertTrue(fr.timings().classifyMs() > 0);
        }
    }

    @Test
    void closedModelIsReportedPerFrame() throws Exception {
        ModelInfo info = tinyModel();
        LivePipelineTest.Recorder r = new LivePipelineTest.Recorder();
        ModelFaceClassifier faces = ModelFaceClassifier.open(info, RunnerOptions.on(Device.CPU));
        faces.close();
        LivePipeline p = new LivePipeline(new VideoFileSource(TestFrames.astronautClip(dir, 3, 30), false, false),
                faces, null, LiveOptions.defaults(), r);
        p.start();
        assertTrue(p.awaitStopped(60, TimeUnit.SECONDS));
        assertTrue(!r.results.isEmpty());
        for (FrameResult fr : r.results) {
            assertNotNull(fr.error(), "a closed model must fail visibly");
            assertTrue(fr.error().startsWith("Model failed"), fr.error());
        }
        assertEquals(FrameSourceException.Kind.END_OF_STREAM, ((FrameSourceException) r.stopCause.get()).kind());
    }
}
