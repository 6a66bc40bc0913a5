/**
 * Virtio devices (virtio 1.2, OASIS, 2022) as plug-ins: a {@link dev.vmboot.api.virtio.VirtioDeviceFactory} service
 * creates {@link dev.vmboot.api.virtio.VirtioDevice}s; the hypervisor's transport (virtio-pci) carries them.
 *
 * <h2>Who does what</h2>
 * <ul>
 * <li>The <b>transport</b> owns everything a driver programs: feature negotiation (it offers the device's bits plus
 * {@code VIRTIO_F_VERSION_1}, {@code RING_INDIRECT_DESC} and {@code RING_EVENT_IDX}, and refuses FEATURES_OK for a bit
 * that was not offered or without VERSION_1), the device status machine, queue addresses and sizes, the checks on
 * them, the doorbells and the interrupts (MSI-X or INTx). It serves reads of the device's configuration space from
 * {@link dev.vmboot.api.virtio.VirtioDevice#configSpace()}.</li>
 * <li>The <b>shared virtqueue implementation</b> (bundle {@code vmboot.virtio}) walks rings and descriptor chains and
 * checks every value the driver wrote. A device never sees a ring address: it pops validated
 * {@link dev.vmboot.api.virtio.DescriptorChain}s from {@link dev.vmboot.api.virtio.Virtqueue}s, moves bytes through
 * the chain's bounds-checked accessors and returns each head with {@code addUsed}.</li>
 * <li>The <b>device</b> gets one {@link dev.vmboot.api.virtio.VirtioDevice#activate activation} with the negotiated
 * features, its queues, its interrupts and guest memory, serves {@code queueNotified} calls, and stops on
 * {@code reset}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * <ul>
 * <li>Identification, configuration, {@code activate} and {@code reset} are called by the transport, serialised (one
 * at a time per device), typically on a vCPU thread: they must not block on I/O for long.</li>
 * <li>{@code queueNotified(i)} is called on queue {@code i}'s own worker thread, which the transport owns, never on a
 * vCPU thread: block I/O may block there. Calls for one queue never overlap; calls for different queues may.</li>
 * <li>A device may run threads of its own (a network device waiting on its TAP file descriptor); it starts them in
 * {@code activate} and ends them in {@code reset}.</li>
 * <li>{@code reset} is called after the transport has stopped and joined the queue workers. It returns only when no
 * thread of the device touches guest memory or raises an interrupt any more; after it, the queue objects and the
 * memory of that activation must not be used again.</li>
 * </ul>
 *
 * <h2>Threat model</h2>
 * The driver in the guest, every ring, every descriptor and every byte of every buffer are hostile and may change
 * while the device reads them. The shared queue copies each descriptor once and checks the copy: addresses and lengths
 * inside guest RAM without wrap-around, writable buffers not in ROM, chains no longer than the queue, no loops, no
 * nested indirect tables, the available index never more than a queue size ahead. What a bad chain costs is that
 * request ({@link dev.vmboot.api.virtio.InvalidChainException}); an impossible ring costs that device
 * ({@link dev.vmboot.api.virtio.VirtqueueBrokenException}: DEVICE_NEEDS_RESET). Neither stops the VMM, touches host
 * memory outside guest RAM, or makes a worker loop without bound: a device serves at most a queue size of chains per
 * pass and reports guest mistakes as counters and protocol statuses, not as log lines per request.
 */
@Export
@Version("0.3.0")
package dev.vmboot.api.virtio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
