package dev.vmboot.api.vm;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.memory.GuestMemory;

/** One virtual machine. Set it up while {@link VmState#CREATED}, then {@link #start()} it. */
@ProviderType
public interface VirtualMachine extends AutoCloseable {

    MachineSpec spec();

    GuestMemory memory();

    /** Registers a port-I/O device on {@code [base, base + length)}; overlapping a registered range is an error. */
    void addPortIoDevice(String name, int base, int length, PortIoDevice device);

    /** Registers an MMIO device on {@code [base, base + length)}; overlapping a registered range is an error. */
    void addMmioDevice(String name, long base, long length, MmioDevice device);

    /**
     * The budget of log lines this machine's guest can cause: every line a device logs because of what the guest did
     * goes through it (a device a boot protocol adds, such as fw_cfg, too).
     */
    GuestLogLimiter guestLog();

    /** The interrupt controller input {@code gsi} (ISA IRQs are GSIs 0–15). */
    InterruptLine interruptLine(int gsi);

    /**
     * Maps a read-only image (flash) so that it occupies {@code [guestAddress, guestAddress + image.remaining())}.
     * Guest writes to it are dropped.
     */
    void mapReadOnly(String name, long guestAddress, ByteBuffer image);

    /**
     * Reads {@code size} (1, 2 or 4) bytes at {@code offset} of the configuration space of PCI function
     * {@code 00:device.function} on the root bus, as the guest would read them, without touching the guest's
     * config address latch (0xCF8). An absent function reads all-ones. Lets a protocol describe firmware-programmed
     * state, such as the PIIX4 PM base, in tables it hands over late.
     */
    int readPciConfig(int device, int function, int offset, int size);

    /** Sets the state the boot vCPU (vCPU 0) starts in. Without it, the vCPU starts at the x86 reset vector. */
    void setBootCpuState(CpuState state);

    /** Adds ACPI tables or firmware configuration produced by a boot protocol; see {@link PlatformData}. */
    void setPlatformData(PlatformData data);

    void start();

    /**
     * Presses the platform's ACPI power button, asking the guest OS to shut down; returns at once. A guest that ignores
     * it keeps running. The PC personality has the fixed power button (ACPI 6.5, 4.8.2.2.1.1: PWRBTN_STS set, an SCI
     * when the guest enabled it); the hardware-reduced cloud-hypervisor personality the control-method one (4.8.2.2.1.2,
     * PNP0C0C), notified through a Generic Event Device (5.6.9).
     *
     * @return false when the machine is not running: nothing was done
     */
    boolean pressPowerButton();

    /** Asks the machine to stop; returns at once. */
    void stop();

    VmState state();

    /** Waits for the machine to end; empty on timeout. */
    Optional<VmExit> awaitExit(Duration timeout) throws InterruptedException;

    /**
     * The plug-ins that made this machine's devices, one per device in the order of {@link MachineSpec#devices()}, as
     * they were when it was built.
     *
     * @since 0.6.0
     */
    default List<DevicePlugin> devicePlugins() {
        return List.of();
    }

    /**
     * Each device's counters as they are now (requests served, what a hostile driver had refused, frames dropped...),
     * by device name, in the order the devices were attached; empty for a machine without devices. Any thread may ask
     * while the machine runs; each counter is read on its own, so two of them may be a moment apart.
     *
     * @since 0.7.0
     */
    default Map<String, Map<String, Long>> deviceCounters() {
        return Map.of();
    }

    /** Stops the machine if needed and releases every file descriptor, mapping and thread. */
    @Override
    void close();
}
