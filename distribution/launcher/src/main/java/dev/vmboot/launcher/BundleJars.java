package dev.vmboot.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Installs the jars of {@code bundle/} and {@code deploy/} one by one. A jar that cannot be installed (not a zip, a
 * manifest the framework refuses, a symbolic name and version another bundle has already) is one line on standard
 * error and is left out; the others are installed and started as if it were not there. A jar in {@code deploy/} of a
 * bundle whose symbolic name one in {@code bundle/} has replaces that one, whatever their versions: a plug-in rebuilt
 * by a developer and dropped there is the one that runs.
 */
final class BundleJars {
    /** Characters of the framework's reason shown at most: the line stays one line. */
    private static final int MAX_REASON = 300;

    private final BundleContext context;
    private final Path home;
    private final PrintStream err;
    private final List<Bundle> installed = new ArrayList<>();

    BundleJars(BundleContext context, Path home, PrintStream err) {
        this.context = context;
        this.home = home;
        this.err = err;
    }

    /**
     * Installs the jars of {@code home/DIR} in name order but those SKIP accepts (file names), each at the location
     * LOCATION names, and tells INSTALLED of each one installed (its file name and bundle).
     */
    void install(String dir, Predicate<String> skip, Function<Path, String> location,
            BiConsumer<String, Bundle> installed) throws IOException {
        for (Path jar : jars(home.resolve(dir))) {
            String file = jar.getFileName().toString();
            if (skip.test(file)) {
                continue;
            }
            Bundle b;
            try {
                b = context.installBundle(location.apply(jar));
            } catch (BundleException | RuntimeException e) {
                err.println("vmboot: " + dir + "/" + file + " left out, it cannot be installed: " + reason(e));
                continue;
            }
            this.installed.add(b);
            installed.accept(file, b);
        }
    }

    /**
     * Uninstalls every bundle of the framework but the system bundle and those installed here: what a kept bundle
     * cache has from an earlier run besides. A bundle that will not go is one line on standard error.
     */
    void uninstallOthers() {
        Set<Bundle> ours = new HashSet<>(installed);
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() == 0 || ours.contains(b)) {
                continue;
            }
            try {
                b.uninstall();
            } catch (BundleException | RuntimeException e) {
                err.println("vmboot: bundle " + b.getLocation() + " (from an earlier run) cannot be uninstalled: "
                        + reason(e));
            }
        }
    }

    /**
     * Marks every installed bundle but fragments for start: the framework starts them when it reaches their start
     * level. A bundle the framework will not mark is one line on standard error.
     */
    void markForStart() {
        for (Bundle b : installed) {
            try {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            } catch (BundleException | RuntimeException e) {
                err.println("vmboot: bundle " + b.getLocation() + " will not start: " + reason(e));
            }
        }
    }

    /**
     * The file names of the jars of BUNDLES whose symbolic name a jar of DEPLOY has too. Reads no manifest of BUNDLES
     * when DEPLOY has no jar (the usual case, at every start).
     */
    static Set<String> replacedBy(Path bundles, Path deploy) throws IOException {
        Set<String> names = new HashSet<>();
        for (Path jar : jars(deploy)) {
            symbolicName(jar).ifPresent(names::add);
        }
        Set<String> replaced = new HashSet<>();
        if (names.isEmpty()) {
            return replaced;
        }
        for (Path jar : jars(bundles)) {
            if (symbolicName(jar).filter(names::contains).isPresent()) {
                replaced.add(jar.getFileName().toString());
            }
        }
        return replaced;
    }

    /**
     * The Bundle-SymbolicName of JAR without its directives ({@code ;singleton:=true}); empty for a jar that has none
     * or cannot be read, which installing it reports.
     */
    static Optional<String> symbolicName(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String name = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (name == null) {
                return Optional.empty();
            }
            int semicolon = name.indexOf(';');
            String bare = (semicolon < 0 ? name : name.substring(0, semicolon)).strip();
            return bare.isEmpty() ? Optional.empty() : Optional.of(bare);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
                ds.forEach(jars::add);
            }
        }
        jars.sort(Comparator.naturalOrder());
        return jars;
    }

    /** Why the framework refused: what the deepest cause says (for a jar that is no zip, the zip library's words). */
    private static String reason(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        String line = message.strip().replaceAll("\\s+", " ");
        return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "..." : line;
    }
}
