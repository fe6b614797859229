package dev.vitlens.bench;

import java.util.List;

/**
 * One benchmark run: where it ran and what was measured.
 *
 * @param conditions free-text notes on the machine state (e.g. other load) given with {@code --note}
 */
public record BenchReport(String date, String cpu, int cores, String os, String java, String onnxRuntime,
                          int warmup, int iterations, String conditions, List<ModelResult> models) {
}
