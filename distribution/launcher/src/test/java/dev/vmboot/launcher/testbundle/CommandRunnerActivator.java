package dev.vmboot.launcher.testbundle;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The activator of a test bundle that plays vmboot.shell's script runner: given a one-shot script (framework property
 * {@code vmboot.run}), it says it has started, leaves the script, read as a number, as the exit status and stops the
 * framework, as ScriptRunner does. Loaded from the test bundle's own jar, by its class loader.
 */
public final class CommandRunnerActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        String script = context.getProperty("vmboot.run");
        if (script == null) {
            return;
        }
        Thread t = new Thread(() -> {
            System.setProperty("vmboot.run.started", "true");
            System.setProperty("vmboot.exit.status", script);
            try {
                context.getBundle(0).stop();
            } catch (BundleException e) {
                throw new IllegalStateException(e);
            }
        }, "test-command-runner");
        t.start();
    }

    @Override
    public void stop(BundleContext context) {
    }
}
