package dev.vmboot.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
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
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The distribution's bundle set in Felix: everything resolves and starts, every vmboot DS component is satisfied, and
 * the vmboot commands run through the gogo command processor.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT {

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commandProcessor;

    @Inject
    private ServiceComponentRuntime scr;

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

    @Test
    public void everyDistributionBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        int vmbootBundles = 0;
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected) {
                notActive.add(b.getSymbolicName() + " state " + b.getState());
            }
            if (b.getSymbolicName().startsWith("vmboot.")) {
                vmbootBundles++;
            }
        }
        assertEquals("bundles not active: " + notActive, List.of(), notActive);
        assertTrue("vmboot bundles installed: " + vmbootBundles, vmbootBundles >= 3);
    }

    @Test
    public void everyVmbootComponentIsSatisfied() {
        List<String> unsatisfied = new ArrayList<>();
        int components = 0;
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!d.bundle.symbolicName.startsWith("vmboot.")) {
                continue;
            }
            components++;
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED) {
                    unsatisfied.add(d.name + " state " + c.state + " unsatisfied " + c.unsatisfiedReferences.length);
                }
            }
        }
        assertEquals(List.of(), unsatisfied);
        assertTrue("vmboot components: " + components, components >= 2);
    }

    @Test
    public void devicesCommandListsThePlugIns() throws Exception {
        String out = run("vmboot:devices");
        assertTrue(out, out.contains("filesystem readers:"));
        assertTrue(out, out.contains("boot protocols:"));
        assertTrue(out, out.contains("hypervisors:"));
    }

    @Test
    public void failingCommandsGiveTheirReason() throws Exception {
        try {
            run("vmboot:ls 'no-such-disk.img:1:/'");
            throw new AssertionError("ls of a missing image succeeded");
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no-such-disk.img"));
        }
    }

    @Test
    public void everyVmbootCommandIsRegistered() throws Exception {
        for (String fn : new String[] {"scan", "ls", "cat", "extract", "boot", "list", "stop", "devices"}) {
            String help = run("help vmboot:" + fn);
            assertFalse("no help for " + fn, help.isBlank());
        }
    }

    private String run(String script) throws Exception {
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
