package dev.vitlens.camera;

import dev.vitlens.imaging.RgbImage;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** One still picture from a camera (the few-shot page's "Snapshot"): opens it, takes a frame, closes it. */
public final class CameraSnapshot {
    private CameraSnapshot() {
    }

    /**
     * @throws FrameSourceException with a user-readable message when there is no camera, it is busy, or it
     *                              delivers no frame
     */
    public static RgbImage take(int index) throws FrameSourceException {
        try (CameraSource camera = new CameraSource(index, 640, 480)) {
            camera.open();
            try (Frame frame = camera.read()) {
                return toRgb(frame.bgr());
            }
        }
    }

    /** An 8-bit BGR (OpenCV's order) frame as RGB. */
    public static RgbImage toRgb(Mat bgr) {
        if (bgr.type() != CvType.CV_8UC3) {
            throw new IllegalArgumentException("expected an 8-bit 3-channel frame, got type " + bgr.type());
        }
        int w = bgr.cols();
        int h = bgr.rows();
        byte[] px = new byte[w * h * 3];
        Mat continuous = bgr.isContinuous() ? bgr : bgr.clone();
        try {
            continuous.get(0, 0, px);
        } finally {
            if (continuous != bgr) {
                continuous.release();
            }
        }
        for (int i = 0; i < px.length; i += 3) {
            byte b = px[i];
            px[i] = px[i + 2];
            px[i + 2] = b;
        }
        return new RgbImage(w, h, px);
    }
}
