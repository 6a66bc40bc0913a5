package dev.vmboot.machine.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.api.vm.DevicePlugin;

/**
 * Keeps a running machine from outliving the code of its devices. A device is an object of its plug-in's bundle: once
 * that bundle is stopped (updated, uninstalled or just stopped) its component is deactivated, and once it is
 * refreshed (FileInstall refreshes after every update; by hand, gogo's {@code refresh}) its
 * class loader loads no class any more, so a device reaching code it had not run yet would fail with
 * {@code NoClassDefFoundError} on a queue worker. So when a bundle that made a device of a running machine is
 * stopping, this synchronous listener stops that machine cleanly, with one log line and the reason as its exit's
 * detail, and waits for it to be closed before the bundle goes. Machines made afterwards get the factories
 * installed then: after an update, the new code.
 */
final class DevicePluginWatch implements SynchronousBundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(DevicePluginWatch.class);
    /** How long a stopping plug-in waits for each of its machines to be closed (its owner's awaitExit + close). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** The service capability bnd writes for a DS component (OSGi Core 8, 10.2 "osgi.service" namespace). */
    private static final String SERVICE_NAMESPACE = "osgi.service";
    private static final String OBJECT_CLASS = "objectClass";

    private final Set<PluginBuiltMachine> machines = ConcurrentHashMap.newKeySet();
    private final Duration closeWait;

    DevicePluginWatch(Duration closeWait) {
        this.closeWait = closeWait;
    }

    /** Watches MACHINE until {@link #forget} (when it is closed). */
    void watch(PluginBuiltMachine machine) {
        machines.add(machine);
    }

    void forget(PluginBuiltMachine machine) {
        machines.remove(machine);
    }

    /** The machines watched now. */
    int size() {
        return machines.size();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (event.getType() == BundleEvent.STOPPING) {
            pluginStopping(bundle.getBundleId(), bundle.getSymbolicName() + " " + bundle.getVersion());
        } else if (event.getType() == BundleEvent.UPDATED && providesDeviceFactory(bundle)) {
            LOG.info("virtio device plug-in {} updated to {} (bundle {}): the next VM uses it", bundle
                    .getSymbolicName(), bundle.getVersion(), bundle.getBundleId());
        }
    }

    /**
     * Stops every watched machine that has a device of bundle BUNDLE_ID (named BUNDLE) and waits for each to be
     * closed, at most the close wait each.
     *
     * @return how many machines were stopped
     */
    int pluginStopping(long bundleId, String bundle) {
        List<PluginBuiltMachine> hit = machines.stream()
                .filter(m -> m.devicePlugins().stream().anyMatch(p -> p.bundleId() == bundleId)).toList();
        for (PluginBuiltMachine machine : hit) {
            String types = machine.devicePlugins().stream().filter(p -> p.bundleId() == bundleId)
                    .map(DevicePlugin::type).distinct().collect(Collectors.joining(", "));
            String reason = "its " + types + " device plug-in " + bundle + " (bundle " + bundleId + ") is being "
                    + "stopped (updated, uninstalled or stopped), and a device does not outlive its plug-in; the next "
                    + "VM uses the plug-in installed then";
            LOG.warn("VM {} stopped: {}", machine.name(), reason);
            try {
                if (!machine.stopAndRelease(reason, closeWait)) {
                    LOG.warn("VM {} was not closed within {} ms of being stopped; its devices may still run the old "
                            + "code of {}", machine.name(), closeWait.toMillis(), bundle);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("interrupted while VM {} was being closed for {}", machine.name(), bundle);
                break;
            }
        }
        return hit.size();
    }

    /** Whether BUNDLE's current revision declares a {@link VirtioDeviceFactory} service (bnd does for a DS one). */
    static boolean providesDeviceFactory(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return false;
        }
        for (BundleCapability c : revision.getDeclaredCapabilities(SERVICE_NAMESPACE)) {
            Object classes = c.getAttributes().get(OBJECT_CLASS);
            if (classes instanceof List<?> list && list.contains(VirtioDeviceFactory.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
