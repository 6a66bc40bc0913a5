package dev.vmboot.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.api.vm.DeviceSpec;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;

/**
 * Plug-ins swapped while the framework runs, as a developer does with {@code mvn install} of one module and
 * {@code deploy/} or gogo's {@code update}: a filesystem reader installed at run time is used by the next scan and
 * uninstalling it makes its volumes unknown; a device plug-in updated (and refreshed, as FileInstall does) makes the
 * next devices with its new revision while a device made before keeps its old one until it is closed; and 100 such
 * updates leave no threads, file descriptors or class loaders behind.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends VmbootContainer {
    private static final String READER = "vmboot.fs.iso9660";
    private static final String RNG = "vmboot.virtio.rng";
    /** A class of the entropy plug-in that nothing loads before a device is activated (its serving thread). */
    private static final String RNG_CLASS_LOADED_LATE = "dev.vmboot.virtio.rng.internal.RngServer";
    private static final long SERVICE_TIMEOUT_MILLIS = 30_000;
    private static final int UPDATES = 100;

    @Test
    public void aReaderInstalledAtRunTimeIsUsedByTheNextScanAndUninstallingItMakesTheVolumeUnknown() throws Exception {
        Path dir = Files.createTempDirectory("vmboot-hotswap-iso");
        Path tree = Files.createDirectories(dir.resolve("tree/EFI/vmboot"));
        Files.write(tree.resolve("CLOUDHV.fd"), ScanIT.pvhElf());
        Path iso = dir.resolve("plain.iso");
        exec("xorriso", "-as", "mkisofs", "-quiet", "-R", "-V", "HOTSWAPISO", "-o", iso.toString(),
                dir.resolve("tree").toString());
        String jar = bundle(READER).getLocation();
        bundle(READER).uninstall();
        try {
            String without = run("vmboot:scan '" + iso + "'");
            assertFalse(without, without.contains("iso9660") || without.contains("HOTSWAPISO"));
            assertTrue(without, without.contains("unknown"));

            Bundle installed = context.installBundle(jar);
            installed.start();
            String with = awaitScan(iso, "HOTSWAPISO");
            assertTrue(with, with.contains("iso9660") && with.contains("/EFI/vmboot/CLOUDHV.fd"));

            installed.uninstall();
            String again = run("vmboot:scan '" + iso + "'");
            assertFalse(again, again.contains("HOTSWAPISO"));
            assertTrue(again, again.contains("unknown"));
        } finally {
            if (find(READER) == null) {
                context.installBundle(jar).start();
            }
        }
    }

    @Test
    public void anUpdatedDevicePluginMakesTheNextDevicesWhileOneMadeBeforeKeepsItsRevisionUntilClosed()
            throws Exception {
        MachineSpec held = new MachineSpec("held", 64L << 20, 1, Personality.CLOUD_HV,
                List.of(new DeviceSpec("rng", Map.of())));
        Bundle rng = bundle(RNG);
        String before = baseVersion(rng);
        VirtioDevice old = rngFactory(before).create(held.devices().get(0).options());
        ClassLoader oldLoader = old.getClass().getClassLoader();

        updateAndRefresh(rng, "hotswap1");

        VirtioDeviceFactory factory = rngFactory(before + "hotswap1");
        VirtioDevice next = factory.create(held.devices().get(0).options());
        assertEquals(before + "hotswap1", FrameworkUtil.getBundle(next.getClass()).getVersion().toString());
        assertNotSame(oldLoader, next.getClass().getClassLoader());
        assertEquals(rng.adapt(BundleWiring.class).getClassLoader(), next.getClass().getClassLoader());
        assertEquals(4, next.deviceType());
        next.close();
        String devices = run("vmboot:devices");
        assertTrue(devices, devices.contains("  rng          " + RNG + " " + before + "hotswap1 (bundle "
                + rng.getBundleId() + ", " + java.time.Instant.ofEpochMilli(rng.getLastModified()) + ")"));

        // The device made before runs the old revision's code (loaded already) until it is closed...
        assertEquals(4, old.deviceType()); // virtio 1.2, 5: device ID 4, entropy source
        assertEquals(old.getClass().getName(), next.getClass().getName());
        old.close();
        // ...but the refreshed revision loads nothing more: why vmboot stops a running VM whose plug-in goes.
        try {
            Class<?> late = oldLoader.loadClass(RNG_CLASS_LOADED_LATE);
            fail("the old revision still loaded " + late + " from " + late.getClassLoader());
        } catch (ClassNotFoundException expected) {
            // Felix: "the bundle wiring ... is no longer valid"
        }
        restore(rng, before);
    }

    /**
     * 100 updates of the entropy plug-in, each refreshed and followed by a device made and closed with the new
     * factory: threads, open file descriptors and loaded classes stay where they were after the first ten, and the
     * old revisions' class loaders are collected.
     */
    @Test
    public void aHundredUpdatesOfADevicePluginLeakNoThreadsDescriptorsOrClassLoaders() throws Exception {
        Bundle rng = bundle(RNG);
        String before = baseVersion(rng);
        List<WeakReference<ClassLoader>> oldLoaders = new ArrayList<>();
        long[] afterTen = null;
        long started = System.nanoTime();
        for (int i = 1; i <= UPDATES; i++) {
            ClassLoader loader = rng.adapt(BundleWiring.class).getClassLoader();
            oldLoaders.add(new WeakReference<>(loader));
            loader = null;
            updateAndRefresh(rng, "leak" + i);
            VirtioDevice device = rngFactory(before + "leak" + i).create(Map.of());
            assertEquals(4, device.deviceType());
            device.close();
            device = null;
            if (i == 10) {
                afterTen = resources();
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        long[] afterHundred = resources();
        long alive = oldLoaders.stream().filter(r -> r.get() != null).count();
        String figures = String.format("%d updates of %s in %d ms (%.1f ms each): after 10 / after 100: threads %d / "
                + "%d, open fds %d / %d, loaded classes %d / %d, old class loaders not collected %d of %d%n", UPDATES,
                RNG, millis, millis / (double) UPDATES, afterTen[0], afterHundred[0], afterTen[1], afterHundred[1],
                afterTen[2], afterHundred[2], alive, oldLoaders.size());
        System.out.print(figures);
        Files.writeString(Path.of("target", "hotswap-leak.txt"), figures);
        assertTrue(figures, afterHundred[0] <= afterTen[0] + 2);
        assertTrue(figures, afterHundred[1] <= afterTen[1] + 4);
        // One revision's classes are ~10; 90 leaked revisions would be hundreds.
        assertTrue(figures, afterHundred[2] <= afterTen[2] + 60);
        assertTrue(figures, alive <= 2);
        restore(rng, before);
    }

    /** Threads, open descriptors and loaded classes of this JVM, after collecting what can be. */
    private static long[] resources() throws Exception {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        }
        return new long[] {ManagementFactory.getThreadMXBean().getThreadCount(), fds,
            ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()};
    }

    /** Updates BUNDLE from its own jar with QUALIFIER appended to its version, then refreshes it, as FileInstall. */
    private void updateAndRefresh(Bundle bundle, String qualifier) throws Exception {
        String base = baseVersion(bundle);
        try (InputStream jar = withVersion(jarOf(bundle), base + qualifier)) {
            bundle.update(jar);
        }
        refresh(List.of(bundle));
    }

    /** Back to the distribution's jar, so that the other tests of this class see it. */
    private void restore(Bundle bundle, String version) throws Exception {
        try (InputStream jar = withVersion(jarOf(bundle), version)) {
            bundle.update(jar);
        }
        refresh(List.of(bundle));
        assertNotNull(rngFactory(version));
    }

    private static String baseVersion(Bundle bundle) {
        // The distribution's 0.1.0.SNAPSHOT, without the qualifiers added here.
        return bundle.getVersion().toString().replaceAll("(hotswap|leak)\\d+$", "");
    }

    private void refresh(Collection<Bundle> bundles) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue("refresh did not end", done.await(SERVICE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** The distribution's jar of BUNDLE (its location is the file it was installed from). */
    private static Path jarOf(Bundle bundle) throws IOException {
        Path dir = Path.of(System.getProperty("vmboot.bundle.dir"));
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, bundle.getSymbolicName() + "-*.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IOException("no jar of " + bundle.getSymbolicName() + " in " + dir);
    }

    /** JAR's bytes with its manifest's Bundle-Version set to VERSION. */
    private static InputStream withVersion(Path jar, String version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /** The rng factory registered by the plug-in of version VERSION, waiting for it. */
    private VirtioDeviceFactory rngFactory(String version) throws Exception {
        long deadline = System.currentTimeMillis() + SERVICE_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            for (ServiceReference<VirtioDeviceFactory> ref : context.getServiceReferences(VirtioDeviceFactory.class,
                    "(" + VirtioDeviceFactory.TYPE_PROPERTY + "=rng)")) {
                if (ref.getBundle() != null && version.equals(ref.getBundle().getVersion().toString())) {
                    VirtioDeviceFactory f = context.getService(ref);
                    if (f != null) {
                        context.ungetService(ref);
                        return f;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no rng factory of version " + version + " within " + SERVICE_TIMEOUT_MILLIS + " ms");
    }

    private String awaitScan(Path disk, String expected) throws Exception {
        long deadline = System.currentTimeMillis() + SERVICE_TIMEOUT_MILLIS;
        String out = run("vmboot:scan '" + disk + "'");
        while (!out.contains(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            out = run("vmboot:scan '" + disk + "'");
        }
        return out;
    }

    private Bundle bundle(String symbolicName) {
        Bundle b = find(symbolicName);
        if (b == null) {
            throw new AssertionError("no bundle " + symbolicName);
        }
        return b;
    }

    private Bundle find(String symbolicName) {
        return Stream.of(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElse(null);
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
