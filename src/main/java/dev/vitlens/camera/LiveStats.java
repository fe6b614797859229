package dev.vitlens.camera;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Collects frame results of a live run and summarises FPS and per-stage medians / 95th percentiles. */
public final class LiveStats {

    private final List<FrameResult> results = new ArrayList<>();
    private long firstNanos;
    private long lastNanos;

    /** Records a result (thread-safe). */
    public synchronized void add(FrameResult r) {
        long now = System.nanoTime();
        if (results.isEmpty()) {
            firstNanos = now;
        }
        lastNanos = now;
        results.add(r);
    }

    public synchronized int frames() {
        return results.size();
    }

    /** Frames per second between the first and last recorded result. */
    public synchronized double fps() {
        if (results.size() < 2 || lastNanos == firstNanos) {
            return 0;
        }
        return (results.size() - 1) * 1e9 / (lastNanos - firstNanos);
    }

    public synchronized long framesWithDetectedFace() {
        return results.stream().filter(f -> f.faces().stream().anyMatch(x -> !x.fallback())).count();
    }

    public synchronized long framesWithError() {
        return results.stream().filter(f -> f.error() != null).count();
    }

    public synchronized long droppedFrames() {
        return results.isEmpty() ? 0 : results.get(results.size() - 1).droppedFrames() - results.get(0).droppedFrames();
    }

    /** Stage name and its accessor, in report order. */
    private static final List<Object[]> STAGES = List.of(
            new Object[] {"capture_wait", (ToDoubleFunction<FrameResult>) f -> f.timings().captureWaitMs()},
            new Object[] {"detect", (ToDoubleFunction<FrameResult>) f -> f.timings().detectMs()},
            new Object[] {"crop", (ToDoubleFunction<FrameResult>) f -> f.timings().cropMs()},
            new Object[] {"classify", (ToDoubleFunction<FrameResult>) f -> f.timings().classifyMs()},
            new Object[] {"draw", (ToDoubleFunction<FrameResult>) f -> f.timings().drawMs()},
            new Object[] {"processing", (ToDoubleFunction<FrameResult>) f -> f.timings().processingMs()},
            new Object[] {"latency", (ToDoubleFunction<FrameResult>) FrameResult::latencyMs});

    @SuppressWarnings("unchecked")
    public synchronized double percentile(String stage, double q) {
        for (Object[] s : STAGES) {
            if (s[0].equals(stage)) {
                double[] v = results.stream().mapToDouble((ToDoubleFunction<FrameResult>) s[1]).sorted().toArray();
                if (v.length == 0) {
                    return Double.NaN;
                }
                int i = (int) Math.ceil(q * v.length) - 1;
                return v[Math.max(0, Math.min(v.length - 1, i))];
            }
        }
        throw new IllegalArgumentException("unknown stage " + stage);
    }

    /** A markdown table of per-stage median and p95 milliseconds. */
    public synchronized String table() {
        StringBuilder sb = new StringBuilder("| stage | median ms | p95 ms |\n|---|---|---|\n");
        for (Object[] s : STAGES) {
            String name = (String) s[0];
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", name, percentile(name, 0.5),
                    percentile(name, 0.95)));
        }
        return sb.toString();
    }

    public synchronized String headline() {
        return String.format(Locale.ROOT, "%d frames, %.1f FPS, detected face in %d, model errors %d, dropped %d",
                frames(), fps(), framesWithDetectedFace(), framesWithError(), droppedFrames());
    }

    public synchronized ObjectNode summaryJson() {
        ObjectNode o = LiveJson.newObject();
        o.put("summary", true);
        o.put("frames", frames());
        o.put("fps", LiveJson.round(fps(), 2));
        o.put("frames_with_face", framesWithDetectedFace());
        o.put("frames_with_error", framesWithError());
        o.put("dropped_frames", droppedFrames());
        ObjectNode med = o.putObject("median_ms");
        ObjectNode p95 = o.putObject("p95_ms");
        for (Object[] s : STAGES) {
            String name = (String) s[0];
            med.put(name, LiveJson.round(percentile(name, 0.5), 3));
            p95.put(name, LiveJson.round(percentile(name, 0.95), 3));
        }
        return o;
    }
}
