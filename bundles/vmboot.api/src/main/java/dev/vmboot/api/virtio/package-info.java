/**
 * Virtio device plug-ins, created by {@link dev.vmboot.api.virtio.VirtioDeviceFactory} services.
 */
@Export
@Version("0.1.0")
package dev.vmboot.api.virtio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
