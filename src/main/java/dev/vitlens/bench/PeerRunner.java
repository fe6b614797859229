package dev.vitlens.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the peer scripts in {@code src/bench/peers/} one after another, each in its own process (two runtimes with
 * spinning thread pools in one process would distort each other), after our own sessions are closed. Each script
 * prints one JSON object as its last stdout line: {@code runtime, version, end_to_end, forward} (both
 * {@link Stats}-shaped), {@code top}, {@code notes}.
 */
final class PeerRunner {
    static final String NODE = "node";
    static final String PYTHON = "/usr/bin/python3";
    private static final long TIMEOUT_MINUTES = 30;

    private final Path peersDir;
    private final Path recipes;
    private final int warmup;
    private final int iterations;
    private final int threads;
    private final PrintWriter log;
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
            false);

    PeerRunner(Path peersDir, Path recipes, int warmup, int iterations, int threads, PrintWriter log) {
        this.peersDir = peersDir;
        this.recipes = recipes;
        this.warmup = warmup;
        this.iterations = iterations;
        this.threads = threads;
        this.log = log;
    }

    List<PeerResult> run(ModelResult model, String peerKind) {
        List<PeerResult> out = new ArrayList<>();
        List<String> common = List.of("--model-dir", model.path(), "--model-id", model.id(), "--kind", peerKind,
                "--image", model.image(), "--warmup", String.valueOf(warmup), "--iterations",
                String.valueOf(iterations), "--threads", String.valueOf(threads));
        List<String> torchArgs = new ArrayList<>(common);
        torchArgs.add("--recipes");
        torchArgs.add(recipes.toAbsolutePath().toString());
        out.add(runScript("pytorch-eager", PYTHON, peersDir.resolve("torch_peer.py"), torchArgs));
        out.add(runScript("transformers.js", NODE, peersDir.resolve("transformersjs_peer.mjs"), common));
        return out;
    }

    private PeerResult runScript(String runtime, String interpreter, Path script, List<String> args) {
        if (!Files.isRegularFile(script)) {
            return failed(runtime, "peer script not found: " + script + " (run from the repository root or pass "
                    + "--peers-dir)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(interpreter);
        cmd.add(script.toString());
        cmd.addAll(args);
        log.println("[bench] peer " + runtime + ": " + String.join(" ", cmd));
        log.flush();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(buffer);
            }
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return failed(runtime, "timed out after " + TIMEOUT_MINUTES + " minutes");
            }
            String stdout = buffer.toString(StandardCharsets.UTF_8);
            String last = lastJsonLine(stdout);
            if (last == null) {
                return failed(runtime, "exit " + p.exitValue() + ", no JSON result on stdout");
            }
            JsonNode node = json.readTree(last);
            if (node.hasNonNull("error")) {
                return failed(runtime, node.get("error").asText());
            }
            return new PeerResult(node.path("runtime").asText(runtime), node.path("version").asText(""),
                    json.treeToValue(node.get("end_to_end"), Stats.class),
                    json.treeToValue(node.get("forward"), Stats.class),
                    json.convertValue(node.path("top"), json.getTypeFactory()
                            .constructCollectionType(List.class, String.class)),
                    node.path("notes").asText(""), null);
        } catch (IOException e) {
            return failed(runtime, "cannot run " + interpreter + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(runtime, "interrupted");
        }
    }

    static String lastJsonLine(String stdout) {
        String[] lines = stdout.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (l.startsWith("{") && l.endsWith("}")) {
                return l;
            }
        }
        return null;
    }

    private static PeerResult failed(String runtime, String why) {
        return new PeerResult(runtime, "", null, null, List.of(), "", why);
    }
}
