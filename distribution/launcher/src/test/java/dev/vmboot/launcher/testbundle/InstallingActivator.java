package dev.vmboot.launcher.testbundle;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The activator of a test bundle that installs, at its start, the bundle whose location the system property
 * {@code test.install.location} names, as {@code felix:install} or the shell's deploy/ watcher would.
 */
public final class InstallingActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) throws BundleException {
        String location = System.getProperty("test.install.location");
        if (location != null) {
            context.installBundle(location);
        }
    }

    @Override
    public void stop(BundleContext context) {
    }
}
