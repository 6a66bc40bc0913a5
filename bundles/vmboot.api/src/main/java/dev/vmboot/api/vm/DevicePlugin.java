package dev.vmboot.api.vm;

import java.time.Instant;
import java.util.Objects;

/**
 * The plug-in bundle a virtual machine's device was made by, as it was when the machine was built: a machine keeps
 * the devices it was built with, so after a plug-in is updated this tells which code a machine runs.
 *
 * @param type     the device's type ({@code vmboot.virtio.type}: {@code blk}, {@code rng}...)
 * @param bundleId the plug-in's bundle id, {@code -1} for a factory that is not in a bundle (tests)
 * @param bundle   the plug-in's bundle symbolic name, or the factory's class name outside a framework
 * @param version  the bundle's version then
 * @param modified when that bundle was installed or last updated (its {@code getLastModified()}), which tells two
 *                 builds of one version apart
 */
public record DevicePlugin(String type, long bundleId, String bundle, String version, Instant modified) {
    public DevicePlugin {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(modified, "modified");
    }

    /** {@code rng: vmboot.virtio.rng 0.1.0.SNAPSHOT (bundle 31, 2026-12-06T10:02:11Z)}. */
    @Override
    public String toString() {
        return type + ": " + bundle + " " + version + " (bundle " + bundleId + ", " + modified + ")";
    }
}
