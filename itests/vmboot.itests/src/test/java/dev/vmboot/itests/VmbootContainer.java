package dev.vmboot.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;

/** Felix with the distribution's bundle set (distribution/target/vmboot/bundle), and a way to run gogo commands. */
public abstract class VmbootContainer {

    @Inject
    protected BundleContext context;

    @Inject
    protected CommandProcessor commandProcessor;

    @Configuration
    public Option[] config() throws IOException {
        List<Option> opts = new ArrayList<>();
        Path dir = Path.of(System.getProperty("vmboot.bundle.dir"));
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : jars) {
                String name = jar.getFileName().toString();
                // The jline shell wants a terminal; the launcher leaves it out of one-shot runs as well.
                if (name.startsWith("org.apache.felix.gogo.jline") || name.startsWith("jline-")) {
                    continue;
                }
                opts.add(bundle(jar.toUri().toString()));
            }
        }
        opts.add(junitBundles());
        opts.add(systemProperty("pax.exam.osgi.unresolved.fail").value("true"));
        opts.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"));
        return options(opts.toArray(new Option[0]));
    }

    protected String run(String script) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = commandProcessor.createSession(new ByteArrayInputStream(new byte[0]), out,
                out)) {
            Object result = session.execute(script);
            if (result != null) {
                out.println(session.format(result, 0));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
