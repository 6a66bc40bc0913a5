package dev.vmboot.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The autoboot menu's configuration (PID dev.vmboot.boot) changed in Configuration Admin while the framework runs:
 * the next menu counts down from the new timeout, by the same service (modified, not restarted); a value that is not
 * valid leaves the settings before it, and the menu says so; vmboot:config refuses it with one sentence and changes a valid one. The menu
 * runs on a disk with one PVH firmware file, and leaves for the shell at once (s), so that nothing boots.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AutobootConfigurationIT extends VmbootContainer {
    private static final String PID = "dev.vmboot.boot";
    /** How long Configuration Admin and DS may take to deliver a change (asynchronously) to the component. */
    private static final long DELIVERY_MILLIS = 30_000;

    @Inject
    private ConfigurationAdmin configAdmin;

    /** An unpartitioned FAT disk holding /CLOUDHV.fd, the smallest PVH ELF (ScanIT's). */
    private static Path disk() throws Exception {
        Path dir = Files.createTempDirectory("vmboot-autoboot-it");
        Path fw = Files.write(dir.resolve("CLOUDHV.fd"), ScanIT.pvhElf());
        Path disk = dir.resolve("disk.img");
        exec("mkfs.fat", "-C", disk.toString(), "4096");
        exec("mcopy", "-i", disk.toString(), fw.toString(), "::/CLOUDHV.fd");
        return disk;
    }

    @Test
    public void aTimeoutChangedInConfigurationAdminAppliesToTheNextMenuWithoutARestart() throws Exception {
        Path disk = disk();
        Path state = disk.resolveSibling("last-booted");
        Configuration configuration = configAdmin.getConfiguration(PID, "?");
        configuration.update(settings(disk, state, "7"));
        String first = awaitMenu("Booting 1 in 7 s; any key stops the countdown: 7 stopped.");
        assertTrue(first, first.contains("PVH firmware  /CLOUDHV.fd"));
        assertTrue(first, first.contains("vmboot shell ('autoboot' shows the menu again)"));
        long serviceId = autobootServiceId();

        configuration.update(settings(disk, state, "3"));
        awaitMenu("Booting 1 in 3 s; any key stops the countdown: 3 stopped.");
        assertEquals("the same component, modified: not restarted", serviceId, autobootServiceId());

        configuration.update(settings(disk, state, "soon"));
        String refusedByTheMenu = awaitMenu("vmboot: configuration dev.vmboot.boot refused: timeout must be a whole"
                + " number, not 'soon'; the settings before it apply");
        assertTrue(refusedByTheMenu, refusedByTheMenu.contains("Booting 1 in 3 s;"));

        String refused = failure("vmboot:config " + PID + " timeout=soon");
        assertEquals("config: dev.vmboot.boot: timeout must be a whole number, not 'soon'", refused);
        assertEquals("config: dev.vmboot.boot: timeout must be -1 (wait for a key), 0 (boot at once) or up to 3600 "
                + "seconds, not 4000", failure("vmboot:config " + PID + " timeout=4000"));
        assertTrue(run("vmboot:config " + PID + " timeout=4").contains("dev.vmboot.boot changed: timeout=4"));
        awaitMenu("Booting 1 in 4 s;");
        String described = run("vmboot:config " + PID);
        assertTrue(described, described.contains("  timeout = 4   (integer)"));
        assertTrue(described, described.contains("Seconds the menu counts down before it boots the default entry"));
        assertEquals(serviceId, autobootServiceId());
    }

    private static Dictionary<String, Object> settings(Path disk, Path state, String timeout) {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("disks", disk.toString());
        d.put("stateFile", state.toString());
        d.put("timeout", timeout);
        return d;
    }

    private long autobootServiceId() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(osgi.command.function=autoboot)");
        assertEquals(1, refs.length);
        return (Long) refs[0].getProperty("service.id");
    }

    /** Shows the menu until it says EXPECTED (the change reached the component), within the delivery time. */
    private String awaitMenu(String expected) throws Exception {
        long deadline = System.currentTimeMillis() + DELIVERY_MILLIS;
        String out = menu();
        while (!out.contains(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            out = menu();
        }
        assertTrue("no \"" + expected + "\" within " + DELIVERY_MILLIS + " ms:\n" + out, out.contains(expected));
        return out;
    }

    /** vmboot:autoboot with the key s waiting: the menu, the countdown stopped at once, the shell. */
    private String menu() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = commandProcessor.createSession(
                new ByteArrayInputStream("s".getBytes(StandardCharsets.US_ASCII)), out, out)) {
            Object result = session.execute("vmboot:autoboot");
            out.println(result);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The message of the exception SCRIPT fails with. */
    private String failure(String script) {
        try {
            String out = run(script);
            throw new AssertionError(script + " did not fail: " + out);
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
