package dev.vitlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.camera.BlazeFaceDetector;
import dev.vitlens.camera.FaceDetector;
import org.junit.jupiter.api.Test;

class DetectorChoiceTest {

    /** Photos get the square input (recall on tight crops), live frames the trimmed one (time per frame). */
    @Test
    void photosRunOnTheSquareAndLiveFramesOnTheTrimmedInput() {
        BlazeFaceDetector.Settings photo = (BlazeFaceDetector.Settings) DetectorChoice.blazeface.settings(null, null, true);
        BlazeFaceDetector.Settings live = (BlazeFaceDetector.Settings) DetectorChoice.blazeface.settings(null, null, false);
        assertTrue(photo.squareInput());
        assertFalse(live.squareInput());
        assertEquals(BlazeFaceDetector.Settings.forPhotos(), photo);
        assertEquals(BlazeFaceDetector.Settings.defaults(), live);
        BlazeFaceDetector.Settings tuned = (BlazeFaceDetector.Settings) DetectorChoice.blazeface.settings(0.7f, 0f, true);
        assertEquals(0.7f, tuned.minScore());
        assertEquals(0f, tuned.verifierMinScore());
        assertTrue(tuned.squareInput());
        assertEquals(FaceDetector.Settings.live(), DetectorChoice.cascade.settings(null, null, true));
    }
}
