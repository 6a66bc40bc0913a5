package dev.vmboot.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Starts Apache Felix with the bundles in {@code bundle/} and {@code deploy/} of the vmboot home directory.
 *
 * <p>Interactive mode starts the gogo jline shell; one-shot mode hands the script to vmboot's script runner (framework
 * property {@code vmboot.run}) and exits with the status it leaves in {@code vmboot.exit.status}. Each run gets its
 * own bundle cache in a temporary directory, so concurrent runs (an init script and a person) do not collide.
 */
public final class Main {
    /**
     * Bundles that only make sense with a terminal (file name prefixes): the jline shell and jline itself, which
     * nothing else imports. A one-shot command does not install them: fewer manifests to parse and bundles to resolve.
     */
    private static final List<String> INTERACTIVE_ONLY = List.of(Main.SHELL_BUNDLE, "jline-");
    /** The bundle that runs the interactive shell (file name prefix). */
    private static final String SHELL_BUNDLE = "org.apache.felix.gogo.jline";
    /**
     * The interactive shell starts one start level after everything else, so that it reads its first line only once
     * every other bundle has started and its commands are registered (input typed or piped in early would otherwise
     * meet "Command not found").
     */
    static final int SHELL_START_LEVEL = 2;
    /**
     * What FileInstall's etc/ watcher installs in one-shot mode: configuration files, except the one that adds the
     * deploy/ watcher. A one-shot run installs deploy/'s bundles itself at start and ends with its command, so watching
     * deploy/ for changes would only cost a Configuration Admin round trip and a second watcher at every start.
     */
    static final String ONE_SHOT_ETC_FILTER = "(?!org\\.apache\\.felix\\.fileinstall-).*\\.(cfg|config)";
    /** Set by {@code bin/vmboot} when it makes the class data sharing archive ({@code VMBOOT_CDS=create}). */
    static final String CDS_TRAINING_PROPERTY = "vmboot.cds.training";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine cmd;
        try {
            cmd = CommandLine.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("vmboot: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (cmd.help()) {
            System.out.print(CommandLine.usage());
            return;
        }
        Path home = Path.of(System.getProperty("vmboot.home", ".")).toAbsolutePath().normalize();
        System.exit(run(home, cmd));
    }

    static int run(Path home, CommandLine cmd) throws Exception {
        Path cache = BundleCacheDirectory.create(Path.of(System.getProperty("java.io.tmpdir")));
        // A run ended by a signal (SIGTERM, Ctrl-C) leaves through the shutdown hooks, not through finally.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(cache), "vmboot-cache-cleanup"));
        try {
            Framework framework = newFramework(home, cache, cmd);
            framework.init();
            BundleContext ctx = framework.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            for (Path jar : jars(home.resolve("bundle"))) {
                String file = jar.getFileName().toString();
                if (cmd.script().isPresent() && INTERACTIVE_ONLY.stream().anyMatch(file::startsWith)) {
                    continue;
                }
                Bundle b = ctx.installBundle("reference:" + jar.toUri());
                if (file.startsWith(SHELL_BUNDLE)) {
                    b.adapt(BundleStartLevel.class).setStartLevel(SHELL_START_LEVEL);
                }
                bundles.add(b);
            }
            for (Path jar : jars(home.resolve("deploy"))) {
                // The same location FileInstall uses (File.toURI), so it adopts these bundles as its own.
                bundles.add(ctx.installBundle(jar.toFile().toURI().toString()));
            }
            // Marked for start before the framework starts, so that it starts them all on reaching its start level
            // and only then becomes ACTIVE (firing STARTED): a one-shot script waits for that, so every service
            // (the disk scanner, the readers) is there when it runs.
            ctx.addFrameworkListener(e -> {
                if (e.getType() == FrameworkEvent.ERROR && e.getBundle() != null && e.getBundle().getBundleId() != 0) {
                    Throwable why = e.getThrowable();
                    System.err.println("vmboot: bundle " + e.getBundle().getLocation() + " did not start: "
                            + (why == null ? "" : why.getMessage()));
                }
            });
            for (Bundle b : bundles) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
            if (Boolean.getBoolean(CDS_TRAINING_PROPERTY)) {
                // Before the script can run and stop the framework: resolved bundles load classes without starting.
                framework.adapt(FrameworkWiring.class).resolveBundles(null);
                ClassDataSharingTraining.loadAllClasses(ctx.getBundles());
            }
            framework.start();
            framework.waitForStop(0);
            return Integer.parseInt(System.getProperty("vmboot.exit.status", "0"));
        } finally {
            deleteTree(cache);
        }
    }

    private static Framework newFramework(Path home, Path cache, CommandLine cmd) {
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(SHELL_START_LEVEL));
        props.put("vmboot.home", home.toString());
        // FileInstall: etc/*.cfg feed Configuration Admin; etc/org.apache.felix.fileinstall-deploy.cfg adds the
        // deploy/ watcher (bundles dropped there are installed and started, removed ones uninstalled) in the interactive
        // shell; a one-shot run leaves that file out (ONE_SHOT_ETC_FILTER).
        props.put("felix.fileinstall.dir", home.resolve("etc").toString());
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.log.level", "2");
        // Never write configuration back into etc/ (it may be read-only, and FileInstall would rewrite the files).
        props.put("felix.fileinstall.enableConfigSave", "false");
        props.put("gosh.home", home.toString());
        if (cmd.script().isPresent()) {
            props.put("vmboot.run", cmd.script().get());
            props.put("felix.fileinstall.filter", ONE_SHOT_ETC_FILTER);
        }
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (lib/felix.jar)"));
        return factory.newFramework(props);
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

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException | RuntimeException e) {
            // the JVM is going away; a cache left in the temporary directory is harmless
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
