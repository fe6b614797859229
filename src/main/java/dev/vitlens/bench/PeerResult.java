package dev.vitlens.bench;

import java.util.List;

/**
 * One peer runtime's timings on the same model and image, read from its script's JSON line.
 *
 * @param runtime    e.g. "pytorch-eager", "transformers.js"
 * @param endToEnd   PNG file in to top-k out
 * @param forward    the bare model call on a pre-made tensor
 * @param top        its top-k labels (to check it computed the same thing)
 * @param error      why it could not run (then the timings are null)
 */
public record PeerResult(String runtime, String version, Stats endToEnd, Stats forward, List<String> top,
                         String notes, String error) {
}
