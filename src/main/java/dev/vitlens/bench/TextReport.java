package dev.vitlens.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human-readable form of a {@link BenchReport}. */
final class TextReport {
    /** Stage names in display order with their descriptions. */
    static final List<String[]> STAGES = List.of(
            new String[] {"decode", "decode PNG file -> RGB"},
            new String[] {"preprocess", "preprocess RGB -> tensor"},
            new String[] {"inference_logits", "inference, logits only"},
            new String[] {"bare_ort", "bare ORT session.run (pre-made tensor)"},
            new String[] {"end_to_end", "end to end, file -> top-k (classify)"},
            new String[] {"twin_logits", "explain graph: logits only"},
            new String[] {"inference_attentions", "explain graph: + all heads"},
            new String[] {"inference_head_means", "explain graph: + in-graph head means"},
            new String[] {"rollout", "rollout (all heads)"},
            new String[] {"rollout_head_means", "rollout (head means)"},
            new String[] {"overlay", "overlay render"},
            new String[] {"int8_inference_logits", "INT8 twin: inference, logits only"},
            new String[] {"int8_end_to_end", "INT8 twin: end to end"});

    private TextReport() {
    }

    static String render(BenchReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s, %d cores; %s; %s; %s%n", r.cpu(), r.cores(), r.os(), r.java(),
                r.onnxRuntime()));
        sb.append(String.format(Locale.ROOT, "warm-up %d, iterations %d%s%n", r.warmup(), r.iterations(),
                r.conditions().isBlank() ? "" : "; " + r.conditions()));
        for (ModelResult m : r.models()) {
            model(sb, m);
        }
        summary(sb, r);
        return sb.toString();
    }

    private static void model(StringBuilder sb, ModelResult m) {
        sb.append(String.format(Locale.ROOT, "%n== %s (%s, %dx%d, %d layers x %d heads, %d tokens) on %s, %d "
                        + "intra-op threads%n   image %s (%dx%d); top: %s%n", m.id(), m.family(), m.inputWidth(),
                m.inputHeight(), m.layers(), m.heads(), m.tokens(), m.device(), m.intraOpThreads(), m.image(),
                m.imageWidth(), m.imageHeight(), m.top().isEmpty() ? "-" : m.top().get(0)));
        sb.append(String.format(Locale.ROOT, "   %-42s %10s %10s %5s%n", "stage", "median ms", "p95 ms", "n"));
        for (String[] stage : STAGES) {
            Stats s = m.stages().get(stage[0]);
            if (s != null) {
                sb.append(String.format(Locale.ROOT, "   %-42s %10s %10s %5d%n", stage[1],
                        BenchCommand.fmt(s.medianMs()), BenchCommand.fmt(s.p95Ms()), s.n()));
            }
        }
        sb.append("   throughput (preprocess + inference + top-k):");
        for (Map.Entry<Integer, Double> e : m.throughput().entrySet()) {
            sb.append(String.format(Locale.ROOT, "  batch %d: %.1f img/s", e.getKey(), e.getValue()));
        }
        sb.append(System.lineSeparator());
        Map<String, Double> q = m.ratios();
        sb.append(String.format(Locale.ROOT, "   end to end / bare ORT: %.3fx;  all heads: %+.1f%%;  head means: "
                        + "%+.1f%% over logits (same session);  explain graph logits / plain graph logits: %.3fx%n",
                q.getOrDefault("end_to_end_over_bare_ort", Double.NaN),
                pct(q.get("attentions_over_logits")), pct(q.get("head_means_over_logits")),
                q.getOrDefault("twin_logits_over_plain_logits", Double.NaN)));
        if (!m.outputCheck().isEmpty()) {
            sb.append("   max |all optimisations - none|:");
            m.outputCheck().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s %.2e", k, v)));
            sb.append(System.lineSeparator());
        }
        if (m.int8() != null && !m.int8().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "   INT8: %.2fx faster inference, %.2fx end to end;",
                    q.getOrDefault("int8_speedup_inference", Double.NaN),
                    q.getOrDefault("int8_speedup_end_to_end", Double.NaN)));
            m.int8().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s %s", k,
                    k.endsWith("accuracy") || k.equals("top1_agreement") ? String.format(Locale.ROOT, "%.4f", v)
                            : BenchCommand.fmt(v))));
            sb.append(System.lineSeparator());
        }
        if (!m.peers().isEmpty()) {
            Stats ours = m.stages().get("end_to_end");
            Stats bare = m.stages().get("bare_ort");
            sb.append(String.format(Locale.ROOT, "   %-26s %14s %14s %16s %16s%n", "runtime", "e2e median ms",
                    "fwd median ms", "ours faster e2e", "ORT faster fwd"));
            sb.append(String.format(Locale.ROOT, "   %-26s %14s %14s %16s %16s%n", "ViTLens (ORT Java)",
                    BenchCommand.fmt(ours.medianMs()), BenchCommand.fmt(bare.medianMs()), "1.00x", "1.00x"));
            Stats int8 = m.stages().get("int8_end_to_end");
            if (int8 != null) {
                sb.append(String.format(Locale.ROOT, "   %-26s %14s %14s %16s %16s%n", "ViTLens INT8 (ORT Java)",
                        BenchCommand.fmt(int8.medianMs()), BenchCommand.fmt(m.stages().get("int8_inference_logits")
                                .medianMs()), "", ""));
            }
            for (PeerResult p : m.peers()) {
                if (p.error() != null) {
                    sb.append(String.format(Locale.ROOT, "   %-26s not run: %s%n", p.runtime(), p.error()));
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "   %-26s %14s %14s %15.2fx %15.2fx%n",
                        p.runtime() + " " + p.version(), BenchCommand.fmt(p.endToEnd().medianMs()),
                        BenchCommand.fmt(p.forward().medianMs()), p.endToEnd().medianMs() / ours.medianMs(),
                        p.forward().medianMs() / bare.medianMs()));
                if (int8 != null) {
                    sb.append(String.format(Locale.ROOT, "   %-26s INT8 end to end is %.2fx faster than this%n", "",
                            p.endToEnd().medianMs() / int8.medianMs()));
                }
                if (!p.top().isEmpty()) {
                    sb.append(String.format(Locale.ROOT, "   %-26s top: %s%s%n", "", p.top().get(0),
                            p.notes().isBlank() ? "" : "; " + p.notes()));
                }
            }
        }
    }

    private static void summary(StringBuilder sb, BenchReport r) {
        sb.append(String.format(Locale.ROOT, "%n%-28s %12s %12s %12s %12s %12s%n", "summary (medians)",
                "e2e/bare", "heads +%", "means +%", "rollout ms", "overlay ms"));
        for (ModelResult m : r.models()) {
            sb.append(String.format(Locale.ROOT, "%-28s %12.3f %12.1f %12.1f %12s %12s%n", m.id(),
                    m.ratios().getOrDefault("end_to_end_over_bare_ort", Double.NaN),
                    pct(m.ratios().get("attentions_over_logits")), pct(m.ratios().get("head_means_over_logits")),
                    BenchCommand.fmt(m.stages().get("rollout").medianMs()),
                    BenchCommand.fmt(m.stages().get("overlay").medianMs())));
        }
    }

    private static double pct(Double ratio) {
        return ratio == null ? Double.NaN : (ratio - 1) * 100;
    }
}
