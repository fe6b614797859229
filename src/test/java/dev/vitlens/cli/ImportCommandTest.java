package dev.vitlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitlens.catalog.Family;
import dev.vitlens.catalog.ModelDirectories;
import dev.vitlens.testing.TinyVitExport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vitlens import} end to end: the real engine runs the smoke test. */
class ImportCommandTest {
    @TempDir
    Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void folders() throws Exception {
        System.setProperty(ModelDirectories.USER_DIR_PROPERTY, tmp.resolve("user").toString());
        System.setProperty(ModelDirectories.MODELS_DIR_PROPERTY, Files.createDirectories(tmp.resolve("bundled"))
                .toString());
    }

    @AfterEach
    void clear() {
        System.clearProperty(ModelDirectories.USER_DIR_PROPERTY);
        System.clearProperty(ModelDirectories.MODELS_DIR_PROPERTY);
    }

    private int run(String... args) {
        CommandLine cl = Cli.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void importsAnExportAndReportsJson() throws Exception {
        Path export = new TinyVitExport().family(Family.DEIT).writeFolder(tmp.resolve("deit-export"));
        int code = run("import", export.toString(), "--id", "my-deit", "--format", "json");
        assertEquals(0, code, err.toString());
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertTrue(json.get("imported").asBoolean());
        assertEquals("my-deit", json.get("id").asText());
        assertEquals("DeiT", json.get("family").asText());
        assertEquals("surgery", json.get("attentions").asText());
        assertEquals(5, json.get("classes").asInt());
        assertTrue(json.get("smokeTest").asText().startsWith("ran on cpu in "), json.toString());
        assertTrue(json.get("smokeTest").asText().contains("attentions.0..1 [1, 2, 18, 18]"), json.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("user/models/my-deit/model.onnx")));

        out.getBuffer().setLength(0);
        assertEquals(0, run("models", "--format", "json"));
        assertTrue(out.toString().contains("\"my-deit\""), out.toString());
    }

    @Test
    void importsABackboneAndPrintsText() throws Exception {
        Path export = new TinyVitExport().backbone(true).writeFolder(tmp.resolve("vit-in21k"));
        assertEquals(0, run("import", export.toString()), err.toString());
        assertTrue(out.toString().contains("Imported \"vit-in21k\""), out.toString());
        assertTrue(out.toString().contains("head:       none (backbone"), out.toString());
        assertTrue(err.toString().contains("[100%] Imported"), err.toString());
    }

    @Test
    void refusesATakenIdWithExitCode2AndAClearMessage() throws Exception {
        Path export = new TinyVitExport().writeFolder(tmp.resolve("vit"));
        assertEquals(0, run("import", export.toString()));
        err.getBuffer().setLength(0);
        out.getBuffer().setLength(0);
        assertEquals(Cli.EXIT_USAGE, run("import", export.toString(), "--format", "json"));
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertFalse(json.get("imported").asBoolean());
        assertEquals("id_taken", json.get("reason").asText());
        assertTrue(err.toString().startsWith("error: import refused: a model with id \"vit\" already exists"),
                err.toString());
    }
}
