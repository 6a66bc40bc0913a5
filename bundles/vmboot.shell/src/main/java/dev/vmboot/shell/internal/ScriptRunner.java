package dev.vmboot.shell.internal;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.apache.felix.gogo.runtime.CommandNotFoundException;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one gogo script given by the framework property {@value #SCRIPT_PROPERTY} (set by {@code bin/vmboot} for a
 * one-shot command), prints its result, and stops the framework with the script's exit status in the system
 * property {@value #EXIT_STATUS_PROPERTY} for the launcher. Headless gogo ({@code gosh -c}) cannot do this reliably:
 * it races with command registration, hangs on exceptions and loses the exit status.
 *
 * <p>Because DS activates this component only once the command processor and the vmboot commands are there, the
 * script cannot run before its commands exist.
 */
@Component(immediate = true)
public class ScriptRunner {
    static final String SCRIPT_PROPERTY = "vmboot.run";
    static final String EXIT_STATUS_PROPERTY = "vmboot.exit.status";
    /**
     * Set once the script's thread is started: the launcher gives up on a one-shot command that has not started in
     * time (this bundle missing or refused), and must know that this one has.
     */
    static final String STARTED_PROPERTY = "vmboot.run.started";
    static final String HOME_PROPERTY = "vmboot.home";
    /**
     * Set in the session of a one-shot script: its VMs end when the script does, so a console's detach key, which would
     * return to nothing, goes to the guest like any other key.
     */
    static final String ONE_SHOT_VARIABLE = "VMBOOT_ONE_SHOT";
    private static final Logger LOG = LoggerFactory.getLogger(ScriptRunner.class);
    /** How long to wait for etc/*.cfg to reach Configuration Admin before running anyway. */
    private static final long CONFIG_WAIT_MILLIS = 3000;
    /** How long to wait for the framework to finish starting the bundles before running anyway. */
    private static final long FRAMEWORK_START_WAIT_MILLIS = 30_000;

    private final BundleContext context;
    private final CommandProcessor processor;
    private final ConfigurationAdmin configAdmin;

    @Activate
    public ScriptRunner(BundleContext context, @Reference CommandProcessor processor,
            @Reference VmbootCommands commands, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.processor = processor;
        this.configAdmin = configAdmin;
        String script = context.getProperty(SCRIPT_PROPERTY);
        if (script != null && !script.isBlank()) {
            Thread t = new Thread(() -> runAndStop(script), "vmboot-script");
            t.start();
            System.setProperty(STARTED_PROPERTY, "true");
        }
    }

    private void runAndStop(String script) {
        // The process's own descriptors, not System.out: gogo replaces System.out with a per-thread multiplexer that
        // writes back into the session, which would loop.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        runThenStop(() -> run(script, new FileInputStream(FileDescriptor.in), out, err));
    }

    /**
     * Runs the script, then stops the framework with its status, also when the script ends in an Error (1 then): the
     * launcher waits for the framework to stop, and a one-shot command must end.
     */
    void runThenStop(IntSupplier script) {
        int status = 1;
        try {
            status = script.getAsInt();
        } finally {
            System.setProperty(EXIT_STATUS_PROPERTY, Integer.toString(status));
            try {
                context.getBundle(0).stop();
            } catch (BundleException | RuntimeException e) {
                LOG.error("cannot stop the framework", e);
                System.exit(status);
            }
        }
    }

    int run(String script, InputStream in, PrintStream out, PrintStream err) {
        awaitFrameworkStarted();
        awaitConfigurationFiles();
        return execute(processor, script, in, out, err);
    }

    /**
     * Executes SCRIPT in a new session of PROCESSOR: prints its result to OUT, or its failure to ERR in one line, and
     * returns the exit status: an {@link ExitStatus}'s code, 0 for any other result, {@value UsageException#EXIT_STATUS}
     * for arguments a command refused, 1 for any other failure.
     */
    static int execute(CommandProcessor processor, String script, InputStream in, PrintStream out, PrintStream err) {
        try (CommandSession session = processor.createSession(in, out, err)) {
            session.put(ONE_SHOT_VARIABLE, Boolean.TRUE);
            Object result = executeWhenRegistered(session, script);
            if (result instanceof ExitStatus exit) {
                out.println(exit.message());
                out.flush();
                return exit.code();
            }
            if (result != null) {
                out.println(session.format(result, Converter.INSPECT));
            }
            out.flush();
            return 0;
        } catch (Exception e) {
            out.flush();
            Throwable cause = e;
            while (cause instanceof InvocationTargetException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            LOG.debug("command failed", e);
            if (cause instanceof CommandNotFoundException notFound) {
                String name = notFound.getCommand().replaceFirst("^vmboot:", "");
                err.println("vmboot: there is no command " + CommandArguments.shown(name) + "; the commands are "
                        + CommandHelp.names());
                return UsageException.EXIT_STATUS;
            }
            err.println("vmboot: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            return cause instanceof UsageException ? UsageException.EXIT_STATUS : 1;
        }
    }

    /**
     * Executes the script, retrying while gogo has not yet seen a command: the command processor tracks command
     * services on its own, so right after start-up a command can be missing for a moment. "Not found" means nothing
     * ran, so retrying is safe.
     */
    private static Object executeWhenRegistered(CommandSession session, String script) throws Exception {
        long deadline = System.currentTimeMillis() + 2000;
        while (true) {
            try {
                return session.execute(script);
            } catch (Exception e) {
                if (!(e instanceof CommandNotFoundException) || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /**
     * Waits until the framework has started every bundle (the launcher marks them all for start before starting the
     * framework, which becomes ACTIVE only after them): this component is activated while the bundles are still
     * being started, and a command run then may find its services (the disk scanner, a reader) missing.
     */
    private void awaitFrameworkStarted() {
        CountDownLatch started = new CountDownLatch(1);
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        };
        context.addFrameworkListener(listener);
        try {
            if (context.getBundle(0).getState() != Bundle.ACTIVE
                    && !started.await(FRAMEWORK_START_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("the framework has not finished starting its bundles after {} ms; running anyway",
                        FRAMEWORK_START_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            context.removeFrameworkListener(listener);
        }
    }

    /**
     * Waits until every {@code etc/*.cfg} that FileInstall installs (from its own thread) has reached Configuration
     * Admin, so a one-shot command sees its configuration.
     */
    private void awaitConfigurationFiles() {
        String home = context.getProperty(HOME_PROPERTY);
        if (home == null) {
            return;
        }
        List<String> files;
        try {
            files = new ArrayList<>(EtcConfigurationFiles.expected(Path.of(home, "etc"),
                    Optional.ofNullable(context.getProperty(EtcConfigurationFiles.FILTER_PROPERTY))));
        } catch (IOException | RuntimeException e) {
            return; // no etc/, or a filter FileInstall could not use either
        }
        long deadline = System.currentTimeMillis() + CONFIG_WAIT_MILLIS;
        while (!files.isEmpty() && System.currentTimeMillis() < deadline) {
            files.removeIf(this::hasConfiguration);
            if (!files.isEmpty()) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (!files.isEmpty()) {
            LOG.warn("configuration files not applied in time: {}", files);
        }
    }

    private boolean hasConfiguration(String fileUri) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(felix.fileinstall.filename=" + fileUri + ")");
            return found != null && found.length > 0;
        } catch (IOException | InvalidSyntaxException e) {
            return true;
        }
    }
}
