package dev.vitlens.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Redraws the stage plot of a saved {@code vitlens bench --json-out} report without re-running the benchmark. Run:
 * {@code java -cp target/classes:target/test-classes:'target/lib/*' dev.vitlens.bench.ReplotReport REPORT.json OUT.png}
 */
public final class ReplotReport {
    private ReplotReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ReplotReport REPORT.json OUT.png");
            System.exit(2);
        }
        // Reports written by other versions may carry fields this one does not know.
        BenchReport report = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(Files.readString(Path.of(args[0])), BenchReport.class);
        StagePlot.write(report, Path.of(args[1]));
    }
}
