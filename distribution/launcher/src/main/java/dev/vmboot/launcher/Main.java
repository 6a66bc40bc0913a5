package dev.vmboot.launcher;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
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
 * property {@code vmboot.run}) and exits with the status it leaves in {@code vmboot.exit.status}. The bundle cache is
 * kept from one run to the next in {@code cache/} of the home while the jars stay the same ({@link KeptBundleCache});
 * a run that cannot have it (read-only home, another run holding it) gets a cache of its own in a temporary
 * directory, so concurrent runs (an init script and a person) do not collide.
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
    /**
     * {@code off}: no kept bundle cache, every run installs the bundles into a cache of its own (as before it was kept;
     * {@code VMBOOT_JAVA_OPTS=-Dvmboot.bundle.cache=off}, which bench/startup.sh compares with).
     */
    static final String BUNDLE_CACHE_PROPERTY = "vmboot.bundle.cache";
    /** The system property vmboot.shell's ScriptRunner sets when it starts a one-shot command. */
    static final String COMMAND_STARTED_PROPERTY = "vmboot.run.started";
    /** slf4j-simple's level, which bin/vmboot sets from VMBOOT_LOG_LEVEL and --verbose raises to debug. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
    /** The framework property that has the interactive shell's profile show the boot menu first. */
    static final String AUTOBOOT_PROPERTY = "vmboot.autoboot";
    /** The system property ScriptRunner leaves the command's exit status in. */
    static final String EXIT_STATUS_PROPERTY = "vmboot.exit.status";
    /**
     * How long a one-shot command may take to start: start-up is 0.4 s on a development machine and 7-10 s inside
     * the TCG lab, the slowest place vmboot runs (README, Benchmarks); ScriptRunner then waits up to 30 s for the
     * framework itself. Beyond this the command is not coming, and an init script must not wait for it.
     */
    static final Duration COMMAND_START_TIMEOUT = Duration.ofSeconds(120);
    private static final long COMMAND_START_POLL_MILLIS = 100;
    /** How long stopping may take: the bundles' deactivation closes any VM still running (its vCPU threads). */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private Main() {
    }

    public static void main(String[] args) {
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
        if (cmd.verbose()) {
            // Read by slf4j-simple when the bundles log first, after this.
            System.setProperty(LOG_LEVEL_PROPERTY, "debug");
        }
        // bin/vmboot makes a missing archive before it starts the JVM; one the JVM refused is only visible from here.
        ClassDataSharingArchive.checkUsed(System.err);
        Path home = Path.of(System.getProperty("vmboot.home", ".")).toAbsolutePath().normalize();
        int status;
        try {
            status = run(home, cmd);
        } catch (IOException | RuntimeException e) {
            System.err.println("vmboot: cannot start: " + e);
            status = 1;
        }
        // Also ends any thread a bundle left running, so that neither a person nor an init script waits for it.
        System.exit(status);
    }

    static int run(Path home, CommandLine cmd) throws IOException {
        return run(home, cmd, System.err, COMMAND_START_TIMEOUT);
    }

    /**
     * Starts the framework with the bundles of HOME, runs CMD and stops the framework on every way out.
     *
     * @param err                 where a jar left out, a bundle that did not start and a command that did not start
     *                            are reported, a line each
     * @param commandStartTimeout how long a one-shot command may take to start before vmboot gives up
     * @return the exit status: the command's, or 1 if it did not run
     */
    static int run(Path home, CommandLine cmd, PrintStream err, Duration commandStartTimeout) throws IOException {
        System.clearProperty(COMMAND_STARTED_PROPERTY);
        System.clearProperty(EXIT_STATUS_PROPERTY);
        // This run's own directory: its bundle cache when no kept one can be used, else its configurations.
        Path runDir = BundleCacheDirectory.create(Path.of(System.getProperty("java.io.tmpdir")));
        // A run ended by a signal (SIGTERM, Ctrl-C) leaves through the shutdown hooks, not through finally.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(runDir), "vmboot-cache-cleanup"));
        boolean ownCache = "off".equals(System.getProperty(BUNDLE_CACHE_PROPERTY));
        try (KeptBundleCache kept = ownCache ? null
                : KeptBundleCache.open(home, cmd.script().isPresent() ? "one-shot" : "shell").orElse(null)) {
            return run(home, cmd, err, commandStartTimeout, runDir, kept);
        } finally {
            deleteTree(runDir);
        }
    }

    /** The run in the bundle cache KEPT (null: a cache of its own in RUNDIR). */
    private static int run(Path home, CommandLine cmd, PrintStream err, Duration commandStartTimeout, Path runDir,
            KeptBundleCache kept) throws IOException {
        String fingerprint = kept == null ? null : KeptBundleCache.fingerprint(home);
        // The training run makes the kept cache afresh: the archive then has the classes of the launcher's kept cache
        // and of a first start (installing every bundle) too.
        boolean reused = kept != null && !Boolean.getBoolean(CDS_TRAINING_PROPERTY) && kept.matches(fingerprint);
        if (kept != null && !reused) {
            kept.invalidate();
        }
        Framework framework = null;
        try {
            framework = newFramework(home, runDir, kept, reused, cmd);
            try {
                framework.init();
            } catch (BundleException e) {
                if (!reused) {
                    throw e;
                }
                // A kept cache the framework cannot read (a run killed while writing it): made afresh.
                reused = false;
                kept.invalidate();
                framework = newFramework(home, runDir, kept, false, cmd);
                framework.init();
            }
            BundleContext ctx = framework.getBundleContext();
            BundleJars jars = new BundleJars(ctx, home, err);
            // A plug-in rebuilt into deploy/ replaces the distribution's own.
            Set<String> replaced = BundleJars.replacedBy(home.resolve("bundle"), home.resolve("deploy"));
            // In a kept cache each jar's bundle is there already, and installing it again returns it.
            jars.install("bundle", file -> replaced.contains(file)
                    || cmd.script().isPresent() && INTERACTIVE_ONLY.stream().anyMatch(file::startsWith),
                    jar -> "reference:" + jar.toUri(), (file, b) -> startLevel(b,
                            file.startsWith(SHELL_BUNDLE) ? SHELL_START_LEVEL : 1));
            // The same location FileInstall uses (File.toURI), so it adopts these bundles as its own.
            jars.install("deploy", file -> false, jar -> jar.toFile().toURI().toString(), (file, b) -> startLevel(b, 1));
            if (reused) {
                // What an earlier run installed besides (felix:install in the shell) is not part of this one.
                jars.uninstallOthers();
            } else if (kept != null) {
                kept.record(fingerprint);
            }
            ctx.addFrameworkListener(e -> {
                if (e.getType() == FrameworkEvent.ERROR && e.getBundle() != null && e.getBundle().getBundleId() != 0) {
                    Throwable why = e.getThrowable();
                    err.println("vmboot: bundle " + e.getBundle().getLocation() + " did not start: "
                            + (why == null ? "" : why.getMessage()));
                }
            });
            if (kept != null) {
                // A bundle installed, updated or uninstalled while vmboot runs (the shell's deploy/ watcher,
                // felix:install) leaves the cache holding other bundles than the jars say: the next run makes it
                // afresh.
                ctx.addBundleListener(e -> {
                    if ((e.getType() & (BundleEvent.INSTALLED | BundleEvent.UPDATED | BundleEvent.UNINSTALLED)) != 0) {
                        kept.invalidateQuietly();
                    }
                });
            }
            // Marked for start before the framework starts, so that it starts them all on reaching its start level
            // and only then becomes ACTIVE (firing STARTED): a one-shot script waits for that, so every service
            // (the disk scanner, the readers) is there when it runs.
            jars.markForStart();
            if (Boolean.getBoolean(CDS_TRAINING_PROPERTY)) {
                // Before the script can run and stop the framework: resolved bundles load classes without starting.
                framework.adapt(FrameworkWiring.class).resolveBundles(null);
                ClassDataSharingTraining.loadAllClasses(ctx.getBundles());
            }
            framework.start();
            return awaitEnd(framework, cmd, err, commandStartTimeout);
        } catch (BundleException e) {
            err.println("vmboot: the OSGi framework did not start: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (framework != null) {
                stop(framework, err);
            }
        }
    }

    /** Puts B at start level LEVEL unless it is there already (a kept cache keeps what an earlier run set). */
    private static void startLevel(Bundle b, int level) {
        BundleStartLevel startLevel = b.adapt(BundleStartLevel.class);
        if (startLevel.getStartLevel() != level) {
            startLevel.setStartLevel(level);
        }
    }

    /**
     * Waits for the framework to stop: the interactive shell's exit, or the one-shot command's end. A one-shot command
     * that has not started within COMMANDSTARTTIMEOUT (vmboot.shell missing, refused or not resolved) never will: that
     * is reported and the run ends.
     */
    private static int awaitEnd(Framework framework, CommandLine cmd, PrintStream err, Duration commandStartTimeout)
            throws InterruptedException {
        if (cmd.script().isPresent()) {
            long deadline = System.nanoTime() + commandStartTimeout.toNanos();
            while (!Boolean.getBoolean(COMMAND_STARTED_PROPERTY)) {
                boolean stopped = framework.waitForStop(COMMAND_START_POLL_MILLIS).getType()
                        != FrameworkEvent.WAIT_TIMEDOUT;
                if (Boolean.getBoolean(COMMAND_STARTED_PROPERTY)) {
                    break; // it started, and may have ended already
                }
                if (stopped) {
                    err.println("vmboot: the framework stopped before the command ran");
                    return 1;
                }
                if (System.nanoTime() - deadline > 0) {
                    err.println("vmboot: the command did not start within " + commandStartTimeout.toSeconds()
                            + " s: vmboot.shell's script runner is not active (a bundle missing or left out?)");
                    return 1;
                }
            }
        }
        framework.waitForStop(0);
        return exitStatus();
    }

    /** The status the script runner left; 1 if it left none it could have meant. */
    private static int exitStatus() {
        String status = System.getProperty(EXIT_STATUS_PROPERTY, "0");
        try {
            return Integer.parseInt(status);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Stops the framework if it is still running, waiting a bounded time for it. */
    private static void stop(Framework framework, PrintStream err) {
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                framework.stop();
            }
            if (framework.waitForStop(STOP_TIMEOUT.toMillis()).getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                err.println("vmboot: the framework did not stop within " + STOP_TIMEOUT.toSeconds() + " s; leaving "
                        + "anyway");
            }
        } catch (BundleException | RuntimeException e) {
            err.println("vmboot: cannot stop the framework: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A framework for HOME: its bundle cache KEPT, used as it is if REUSED and else cleaned first, or with no kept
     * cache one of its own in RUNDIR.
     */
    private static Framework newFramework(Path home, Path runDir, KeptBundleCache kept, boolean reused,
            CommandLine cmd) {
        Map<String, String> props = new HashMap<>();
        if (kept == null) {
            props.put(Constants.FRAMEWORK_STORAGE, runDir.toString());
        } else {
            props.put(Constants.FRAMEWORK_STORAGE, kept.storage().toString());
            // Configuration Admin's configurations stay this run's (etc/ and commands make them), as with a cache
            // of its own (Felix Configuration Admin's FilePersistenceManager, framework property felix.cm.dir).
            props.put("felix.cm.dir", runDir.resolve("config").toString());
            // Declarative Services keeps the component descriptions it read, by bundle id and last-modified time,
            // in its data area at stop and reads them back at start instead of parsing each bundle's XML
            // (Felix SCR's Activator, framework property ds.cache.metadata).
            props.put("ds.cache.metadata", "true");
        }
        if (!reused) {
            props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        }
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
        if (cmd.autoboot()) {
            // etc/gosh_profile shows the boot menu (vmboot:autoboot) when it finds this property.
            props.put(AUTOBOOT_PROPERTY, "true");
        }
        if (cmd.script().isPresent()) {
            props.put("vmboot.run", cmd.script().get());
            props.put("felix.fileinstall.filter", ONE_SHOT_ETC_FILTER);
        }
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (lib/felix.jar)"));
        return factory.newFramework(props);
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
