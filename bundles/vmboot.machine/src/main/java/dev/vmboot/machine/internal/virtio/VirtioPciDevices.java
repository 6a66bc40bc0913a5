package dev.vmboot.machine.internal.virtio;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.platform.PciBarMapping;
import dev.vmboot.platform.PciFunction;
import dev.vmboot.platform.PciInterruptRouting;
import dev.vmboot.platform.PciRootBus;

/**
 * A machine's virtio devices on its PCI root bus: one {@link VirtioPciFunction} per device at the lowest free slot,
 * its BAR pre-assigned in the 32-bit PCI window (firmware may move it; a kernel booted directly finds it assigned, as
 * cloud-hypervisor leaves it), registered on the MMIO bus wherever it decodes, with each queue's notify address
 * connected to the queue's doorbell. {@link #close()} stops every worker and resets every device; the machine calls it
 * before it releases guest memory, since a worker must never touch memory that is gone.
 */
public final class VirtioPciDevices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtioPciDevices.class);

    /**
     * Where the BARs are pre-assigned: the start of the 32-bit device hole (cloud-hypervisor's layout.rs
     * MEM_32BIT_DEVICES_START), inside both personalities' PCI windows as the DSDT's _CRS describes them.
     */
    public static final long BAR_WINDOW_BASE = 0xC000_0000L;

    /** The machine's MMIO bus, as far as devices see it. */
    public interface MmioSpace {
        void map(String name, long base, long length, MmioDevice device);

        /** Removes the mapping at {@code base} only if {@code device} owns it. */
        void unmap(long base, MmioDevice device);
    }

    /** Connects notify addresses to doorbells: KVM_IOEVENTFD on a KVM machine; nothing where MMIO is the only path. */
    public interface DoorbellWiring {
        Doorbell create() throws IOException;

        void connect(Doorbell doorbell, long address);

        void disconnect(Doorbell doorbell, long address);
    }

    private record Attached(String name, VirtioDevice device, VirtioPciFunction function, List<Doorbell> doorbells,
            int slot, int gsi) {
    }

    private final List<Attached> attached = new ArrayList<>();
    private final MmioSpace mmio;
    private final DoorbellWiring wiring;
    private final GuestLogLimiter guestLog;
    private boolean closed;
    private volatile boolean quiet = true;

    private VirtioPciDevices(MmioSpace mmio, DoorbellWiring wiring, GuestLogLimiter guestLog) {
        this.mmio = mmio;
        this.wiring = wiring;
        this.guestLog = guestLog;
    }

    /**
     * Puts {@code devices} on {@code bus}; they belong to the returned set from then on ({@link #close()} closes them),
     * and if attaching fails every one of them is closed before the exception leaves.
     *
     * @param threadPrefix names the queue workers: {@code <prefix>-virtio-blk0-q0}
     * @param guestLog     the machine's budget for the log lines its guest causes
     */
    public static VirtioPciDevices attach(String threadPrefix, List<VirtioDevice> devices, GuestMemory memory,
            PciRootBus bus, MmioSpace mmio, DoorbellWiring wiring, MsiSink msi, IntFunction<InterruptLine> gsiLines,
            VirtqueueFactory queues, GuestLogLimiter guestLog) throws IOException {
        VirtioPciDevices set = new VirtioPciDevices(Objects.requireNonNull(mmio, "mmio"),
                Objects.requireNonNull(wiring, "wiring"), Objects.requireNonNull(guestLog, "guestLog"));
        Map<Integer, Integer> perType = new LinkedHashMap<>();
        try {
            for (VirtioDevice device : devices) {
                int n = perType.merge(device.deviceType(), 1, Integer::sum) - 1;
                set.attachOne(threadPrefix + "-virtio-" + typeName(device.deviceType()) + n, device, memory, bus,
                        msi, gsiLines, queues);
            }
        } catch (IOException | RuntimeException e) {
            set.close();
            for (VirtioDevice d : devices.subList(set.attached.size(), devices.size())) {
                closeQuietly(d);
            }
            throw e;
        }
        return set;
    }

    private void attachOne(String name, VirtioDevice device, GuestMemory memory, PciRootBus bus, MsiSink msi,
            IntFunction<InterruptLine> gsiLines, VirtqueueFactory queues) throws IOException {
        int queueCount = device.queueMaxSizes().length;
        List<Doorbell> doorbells = new ArrayList<>(queueCount);
        try {
            for (int q = 0; q < queueCount; q++) {
                doorbells.add(wiring.create());
            }
        } catch (IOException | RuntimeException e) {
            doorbells.forEach(Doorbell::close);
            throw e;
        }
        MsixTable msix = new MsixTable(queueCount + 1, msi);
        InterruptLine[] intx = new InterruptLine[1];
        VirtioPciTransport transport = new VirtioPciTransport(name, device, memory, queues, msix, guestLog,
                new VirtioPciTransport.Environment() {
                    @Override
                    public Doorbell doorbell(int index) {
                        return doorbells.get(index);
                    }

                    @Override
                    public InterruptLine intx() {
                        return intx[0];
                    }
                });
        VirtioPciFunction function = new VirtioPciFunction(transport, msix,
                PciClassCodes.forDeviceType(device.deviceType()));
        int slot;
        try {
            slot = bus.addAtFreeDevice(function);
        } catch (RuntimeException e) {
            doorbells.forEach(Doorbell::close);
            throw e;
        }
        int gsi = PciInterruptRouting.gsi(slot, 0);
        intx[0] = gsiLines.apply(gsi);
        Attached a = new Attached(name, device, function, doorbells, slot, gsi);
        attached.add(a);
        function.addBarListener((f, previous, current) -> barMoved(a, previous, current));
        function.assignBar(VirtioPciFunction.BAR_INDEX, BAR_WINDOW_BASE + slot * VirtioPciFunction.BAR_SIZE);
        LOG.info("{}: virtio device type {} at PCI 00:{}.0, INTA# on GSI {}", name, device.deviceType(),
                String.format("%02x", slot), gsi);
    }

    private synchronized void barMoved(Attached a, PciBarMapping previous, PciBarMapping current) {
        if (closed) {
            return;
        }
        long size = current.bar().size();
        if (previous.decoded()) {
            mmio.unmap(previous.address(), a.function.bar());
            for (int q = 0; q < a.doorbells.size(); q++) {
                wiring.disconnect(a.doorbells.get(q), notifyAddress(previous.address(), q));
            }
        }
        if (current.decoded()) {
            try {
                mmio.map(a.name, current.address(), size, a.function.bar());
            } catch (IllegalArgumentException e) {
                guestLog.warn(LOG, "{}: the guest placed the BAR at 0x{} over something else: {}", a.name,
                        Long.toHexString(current.address()), e.getMessage());
                return;
            }
            for (int q = 0; q < a.doorbells.size(); q++) {
                wiring.connect(a.doorbells.get(q), notifyAddress(current.address(), q));
            }
        }
    }

    private static long notifyAddress(long barAddress, int queue) {
        return barAddress + VirtioPciFunction.NOTIFY_OFFSET + (long) queue * VirtioPciFunction.NOTIFY_MULTIPLIER;
    }

    /** The PCI functions, in attach order (for tests and diagnostics). */
    public List<PciFunction> functions() {
        List<PciFunction> list = new ArrayList<>();
        for (Attached a : attached) {
            list.add(a.function);
        }
        return list;
    }

    /** Each device's counters and the transport's refusals, by device name. */
    public Map<String, Map<String, Long>> counters() {
        Map<String, Map<String, Long>> all = new LinkedHashMap<>();
        for (Attached a : attached) {
            Map<String, Long> c = new LinkedHashMap<>(a.device.counters());
            a.function.transport().refusals().forEach((k, v) -> c.put("refused: " + k, v));
            all.put(a.name, c);
        }
        return all;
    }

    /**
     * Stops every queue worker and resets every device, so no device thread touches guest memory afterwards, then
     * closes the devices and releases the doorbells.
     *
     * @return false if a worker did not end (a device stuck in I/O): guest memory must then stay mapped
     */
    public boolean closeAll() {
        synchronized (this) {
            if (closed) {
                return quiet;
            }
            closed = true;
        }
        boolean allEnded = true;
        for (Attached a : attached) {
            logCounters(a);
            boolean ended = a.function.transport().reset();
            allEnded &= ended;
            if (ended) {
                closeQuietly(a.device);
                a.doorbells.forEach(Doorbell::close);
            }
        }
        quiet = allEnded;
        return allEnded;
    }

    @Override
    public void close() {
        closeAll();
    }

    /** One line per device when its machine ends: what it did and what it refused (the counters that are not 0). */
    private static void logCounters(Attached a) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder();
        Map<String, Long> counters = new LinkedHashMap<>(a.device.counters());
        a.function.transport().refusals().forEach((k, v) -> counters.put("refused: " + k, v));
        counters.forEach((k, v) -> {
            if (v != 0) {
                line.append(line.length() == 0 ? "" : ", ").append(k).append(' ').append(v);
            }
        });
        LOG.info("{}: {}", a.name, line.length() == 0 ? "no requests" : line);
    }

    private static void closeQuietly(VirtioDevice device) {
        try {
            device.close();
        } catch (RuntimeException e) {
            LOG.warn("closing virtio device type {} failed: {}", device.deviceType(), e.toString());
        }
    }

    private static String typeName(int type) {
        switch (type) {
        case 1:
            return "net";
        case 2:
            return "blk";
        case 3:
            return "console";
        case 4:
            return "rng";
        default:
            return "type" + type;
        }
    }
}
