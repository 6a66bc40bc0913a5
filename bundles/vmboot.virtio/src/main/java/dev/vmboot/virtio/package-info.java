/**
 * The split virtqueue (virtio 1.2, 2.7) that transports create and devices use through
 * {@link dev.vmboot.api.virtio.Virtqueue}: one implementation of the ring rules and of the checks against a hostile
 * driver, as rust-vmm's virtio-queue crate is for its VMMs.
 * <p>
 * A transport checks what the driver programmed with {@link dev.vmboot.virtio.QueueLayout#check} and builds the queue
 * with {@link dev.vmboot.virtio.SplitVirtqueue#create} when the driver enables it; both refuse a bad layout with an
 * {@link dev.vmboot.virtio.InvalidQueueLayoutException} naming the rule. Devices see only the
 * {@link dev.vmboot.api.virtio.Virtqueue} interface; their tests drive queues with the test kit's
 * {@code MockDriverQueue}.
 * <p>
 * What every device does alike lives here too: {@link dev.vmboot.virtio.DeviceCounters}, the counters a device keeps
 * for {@code vmboot:list}, {@link dev.vmboot.virtio.InvalidChains}, what a device does with a chain the queue
 * refused, and {@link dev.vmboot.virtio.ActivationThread}, a thread serving a queue for one activation.
 */
@Export
@Version("0.2.0")
package dev.vmboot.virtio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
