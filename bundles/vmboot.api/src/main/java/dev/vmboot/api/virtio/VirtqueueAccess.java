package dev.vmboot.api.virtio;

import org.osgi.annotation.versioning.ProviderType;

/** The guest addresses of the virtqueues the driver configured (virtio 1.2, 2.7 split virtqueues). */
@ProviderType
public interface VirtqueueAccess {

    int size(int queue);

    long descriptorTable(int queue);

    long availableRing(int queue);

    long usedRing(int queue);
}
