package dev.vitlens.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything measured for one model in one run.
 *
 * @param stages         per-stage statistics in milliseconds, keyed by {@link ModelBench} stage names
 * @param throughput     images per second by batch size (median batch time)
 * @param ratios         derived ratios (end_to_end / bare_ort, head-mean and all-head overheads)
 * @param outputCheck    max |difference| between all graph optimisations and none, per output group
 * @param int8           INT8 option: accuracy (fp32, int8, agreement, images) and output differences
 * @param peers          other runtimes on the same model and image (empty unless requested)
 */
public record ModelResult(String id, String path, String family, int inputWidth, int inputHeight, int layers,
                          int heads, int tokens, String image, int imageWidth, int imageHeight, String device,
                          int intraOpThreads, List<String> top, Map<String, Stats> stages,
                          Map<Integer, Double> throughput, Map<String, Double> ratios,
                          Map<String, Double> outputCheck, Map<String, Double> int8, List<PeerResult> peers,
                          List<String> notes) {

    public ModelResult withPeers(List<PeerResult> p) {
        return new ModelResult(id, path, family, inputWidth, inputHeight, layers, heads, tokens, image, imageWidth,
                imageHeight, device, intraOpThreads, top, stages, throughput, ratios, outputCheck, int8, p, notes);
    }
}
