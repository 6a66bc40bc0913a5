package dev.vmboot.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Installs the jars of {@code bundle/} and {@code deploy/} one by one. A jar that cannot be installed (not a zip, a
 * manifest the framework refuses, a symbolic name and version another bundle has already) is one line on standard
 * error and is left out; the others are installed and started as if it were not there.
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
