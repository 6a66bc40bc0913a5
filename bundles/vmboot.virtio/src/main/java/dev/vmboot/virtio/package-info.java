/**
 * The split virtqueue (virtio 1.2, 2.7) that transports create and devices use through
 * {@link dev.vmboot.api.virtio.Virtqueue}: one implementation of the ring rules and of the checks against a hostile
 * driver, as rust-vmm's virtio-queue crate is for its VMMs.
 */
@Export
@Version("0.1.0")
package dev.vmboot.virtio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
