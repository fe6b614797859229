package dev.vitlens.camera;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitlens.output.JsonOutput;
import java.util.List;

/** JSON lines for headless live runs: one object per frame, e.g. {@code {"frame":3,"faces":[...],"timings_ms":{...}}}. */
public final class LiveJson {

    private LiveJson() {
    }

    public static ObjectNode frame(FrameResult r) {
        ObjectNode o = JsonOutput.object();
        o.put("frame", r.frameIndex());
        ArrayNode faces = o.putArray("faces");
        for (FaceResult f : r.faces()) {
            ObjectNode face = faces.addObject();
            ArrayNode box = face.putArray("box");
            for (int v : f.box().toArray()) {
                box.add(v);
            }
            if (f.label() == null) {
                face.putNull("label");
                face.putNull("score");
            } else {
                face.put("label", f.label());
                face.put("score", round(f.score(), 4));
            }
            face.put("fallback", f.fallback());
            face.put("confident", f.confident());
            if (!Float.isNaN(f.detectionScore())) {
                face.put("detection_score", round(f.detectionScore(), 4));
            }
            if (f.keypoints() != null) {
                face.set("keypoints", keypoints(f.keypoints()));
            }
        }
        ObjectNode t = o.putObject("timings_ms");
        t.put("capture_wait", round(r.timings().captureWaitMs(), 3));
        t.put("detect", round(r.timings().detectMs(), 3));
        t.put("crop", round(r.timings().cropMs(), 3));
        t.put("classify", round(r.timings().classifyMs(), 3));
        t.put("draw", round(r.timings().drawMs(), 3));
        t.put("latency", round(r.latencyMs(), 3));
        o.put("fps", round(r.fps(), 2));
        o.put("dropped_frames", r.droppedFrames());
        if (r.error() != null) {
            o.put("error", r.error());
        }
        return o;
    }

    /** {@code {"right_eye":[x,y],...}} in frame pixels, to 0.1 px. */
    public static ObjectNode keypoints(FaceKeypoints k) {
        ObjectNode o = JsonOutput.object();
        List<FaceKeypoints.Point> points = k.all();
        for (int i = 0; i < points.size(); i++) {
            o.putArray(FaceKeypoints.NAMES.get(i)).add(round(points.get(i).x(), 1)).add(round(points.get(i).y(), 1));
        }
        return o;
    }

    public static String frameLine(FrameResult r) {
        return write(frame(r));
    }

    public static String write(ObjectNode node) {
        try {
            return JsonOutput.line(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode newObject() {
        return JsonOutput.object();
    }

    static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
