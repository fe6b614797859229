package dev.vitlens.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Root command. To add a subcommand, add its class to {@code subcommands} below (one line).
 */
@Command(name = "vitlens", mixinStandardHelpOptions = true, versionProvider = VitLensCommand.Version.class,
        description = "Image classification with Vision Transformers (ViT, DeiT, BEiT) on ONNX Runtime.%n"
                + "Run without arguments to open the GUI.",
        subcommands = {
                ModelsCommand.class,
                ExplainCommand.class,
                TeachCommand.class,
                FaithfulnessCommand.class,
                ClassifyCommand.class,
                LiveCommand.class,
                ImportCommand.class,
                EmbedCommand.class,
                EvaluateCommand.class,
                FewShotCommand.class,
                dev.vitlens.bench.BenchCommand.class,
        })
public class VitLensCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (try --help)");
    }

    /** Version from the Maven metadata packed into the jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = "development build";
            try (InputStream in = VitLensCommand.class.getResourceAsStream(
                    "/META-INF/maven/dev.vitlens/vitlens/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    version = p.getProperty("version", version);
                }
            } catch (IOException ignored) {
                // fall back to "development build"
            }
            return new String[] {"ViTLens " + version};
        }
    }
}
