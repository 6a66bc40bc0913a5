package dev.vmboot.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Small bundle jars written by tests, and a vmboot home to put them in. */
final class TestBundles {
    private TestBundles() {
    }

    /** A home with empty bundle/, deploy/ and etc/ directories. */
    static Path home(Path dir) throws IOException {
        for (String sub : new String[] {"bundle", "deploy", "etc"}) {
            Files.createDirectories(dir.resolve(sub));
        }
        return dir;
    }

    /** A bundle without code. */
    static Path plain(Path jar, String symbolicName, String version) throws IOException {
        return write(jar, manifest(symbolicName, version), null);
    }

    /** A bundle whose activator, given a one-shot script, exits with the script as status, as vmboot.shell does. */
    static Path commandRunner(Path jar, String symbolicName) throws IOException {
        Manifest m = manifest(symbolicName, "1.0.0");
        Class<?> activator = dev.vmboot.launcher.testbundle.CommandRunnerActivator.class;
        m.getMainAttributes().putValue("Bundle-Activator", activator.getName());
        m.getMainAttributes().putValue("Import-Package", "org.osgi.framework");
        return write(jar, m, activator);
    }

    /** A bundle that installs another at its start (see InstallingActivator). */
    static Path installing(Path jar, String symbolicName) throws IOException {
        Manifest m = manifest(symbolicName, "1.0.0");
        Class<?> activator = dev.vmboot.launcher.testbundle.InstallingActivator.class;
        m.getMainAttributes().putValue("Bundle-Activator", activator.getName());
        m.getMainAttributes().putValue("Import-Package", "org.osgi.framework");
        return write(jar, m, activator);
    }

    private static Manifest manifest(String symbolicName, String version) {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        return m;
    }

    private static Path write(Path jar, Manifest manifest, Class<?> clazz) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            if (clazz != null) {
                String entry = clazz.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = clazz.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }
}
