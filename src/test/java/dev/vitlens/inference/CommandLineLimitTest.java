package dev.vitlens.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitlens.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineLimitTest {

    @Test
    void thresholdAndArgumentCount() {
        assertTrue(CommandLineLimit.problem(CommandLineLimit.MAX_BYTES).isEmpty());
        String message = CommandLineLimit.problem(69_000).orElseThrow();
        assertTrue(message.contains("67 KB") && message.contains("@FILE"), message);
        assertEquals(4 + 3, CommandLineLimit.argumentBytes(new String[] {"abc", "é"}), "UTF-8 bytes plus a NUL each");
    }

    /** ONNX Runtime 1.29 kills a JVM whose command line exceeds ~58 KB; only a separate JVM shows the guard works. */
    @Test
    void longCommandLineIsRefusedClearlyAndAnArgumentFileWorks(@TempDir Path tmp) throws Exception {
        Path model = TinyModels.writeVitFolder(tmp.resolve("tiny"), 28, 7, 4, 1, 1);
        Path dir = Files.createDirectories(tmp.resolve("a-folder-with-a-fairly-long-name-for-images"));
        Path image = dir.resolve("image-00000.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 1600; i++) {
            paths.add(image.toString()); // the same file many times: the length is what matters
        }
        List<String> command = new ArrayList<>(List.of("classify", "-m", model.toString(), "--device", "cpu",
                "-k", "1", "--format", "csv"));

        List<String> direct = new ArrayList<>(command);
        direct.addAll(paths);
        Result tooLong = launch(tmp, direct);
        assertEquals(2, tooLong.exit(), "exit 139 would be the ONNX Runtime crash:\n" + tooLong.log());
        assertTrue(tooLong.log().contains("@FILE") && tooLong.log().contains("58 KB"), tooLong.log());

        Path list = tmp.resolve("images.txt");
        Files.write(list, paths);
        List<String> viaFile = new ArrayList<>(command);
        viaFile.add("@" + list);
        Result fine = launch(tmp, viaFile);
        assertEquals(0, fine.exit(), fine.log());
        assertEquals(1 + 1600, fine.log().lines().filter(l -> l.contains("image-00000.png") || l.startsWith("file,"))
                .count(), "a header and one row per path");
    }

    private record Result(int exit, String log) {
    }

    private static Result launch(Path tmp, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "dev.vitlens.Launcher"));
        command.addAll(args);
        Path log = Files.createTempFile(tmp, "launch", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the launched JVM did not finish");
        return new Result(p.exitValue(), Files.readString(log));
    }
}
