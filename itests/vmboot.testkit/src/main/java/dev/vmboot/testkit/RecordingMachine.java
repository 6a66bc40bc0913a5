package dev.vmboot.testkit;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.PlatformData;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;

/**
 * A {@link VirtualMachine} that never runs a guest and records how a boot protocol set it up: the port I/O devices
 * it added, the read-only images it mapped, the boot vCPU state and the platform data. PCI configuration space reads
 * come from {@link #setPciConfig}, all-ones where nothing was set (no function there). MMIO devices, interrupt lines
 * and starting the machine are refused with {@link UnsupportedOperationException}.
 */
public final class RecordingMachine implements VirtualMachine {

    /** A port I/O device as {@link #addPortIoDevice} was given it. */
    public record PortDevice(String name, int base, int length, PortIoDevice device) {
    }

    /** A read-only image as {@link #mapReadOnly} was given it. */
    public record Mapping(String name, long address, ByteBuffer image) {
    }

    private final MachineSpec spec;
    private final GuestMemory memory;
    private final GuestLogLimiter guestLog;
    private final List<PortDevice> ports = new ArrayList<>();
    private final List<Mapping> mappings = new ArrayList<>();
    /** PCI configuration dwords by {@code device << 16 | function << 8 | offset}. */
    private final Map<Integer, Integer> pciConfig = new HashMap<>();
    private CpuState cpuState;
    private PlatformData platformData;

    public RecordingMachine(MachineSpec spec, GuestMemory memory) {
        this.spec = spec;
        this.memory = memory;
        this.guestLog = GuestLogLimiter.perMinute("VM " + spec.name());
    }

    /** The port I/O devices added so far, in order. */
    public List<PortDevice> ports() {
        return List.copyOf(ports);
    }

    /** The read-only images mapped so far, in order. */
    public List<Mapping> mappings() {
        return List.copyOf(mappings);
    }

    /** The boot vCPU state last set, or null if none was. */
    public CpuState cpuState() {
        return cpuState;
    }

    /** The platform data last set, or null if none was. */
    public PlatformData platformData() {
        return platformData;
    }

    /** Sets the configuration dword at {@code offset} (a multiple of 4) of PCI function {@code device.function}. */
    public void setPciConfig(int device, int function, int offset, int dword) {
        if ((offset & 3) != 0) {
            throw new IllegalArgumentException("configuration offset " + offset + " is not dword-aligned");
        }
        pciConfig.put(device << 16 | function << 8 | offset, dword);
    }

    @Override
    public MachineSpec spec() {
        return spec;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public void addPortIoDevice(String name, int base, int length, PortIoDevice device) {
        ports.add(new PortDevice(name, base, length, device));
    }

    @Override
    public void addMmioDevice(String name, long base, long length, MmioDevice device) {
        throw new UnsupportedOperationException("a RecordingMachine takes no MMIO devices");
    }

    @Override
    public GuestLogLimiter guestLog() {
        return guestLog;
    }

    @Override
    public InterruptLine interruptLine(int gsi) {
        throw new UnsupportedOperationException("a RecordingMachine has no interrupt lines");
    }

    @Override
    public void mapReadOnly(String name, long guestAddress, ByteBuffer image) {
        mappings.add(new Mapping(name, guestAddress, image));
    }

    @Override
    public void setBootCpuState(CpuState state) {
        cpuState = state;
    }

    @Override
    public int readPciConfig(int device, int function, int offset, int size) {
        int dword = pciConfig.getOrDefault(device << 16 | function << 8 | (offset & ~3), -1);
        int value = dword >>> (8 * (offset & 3));
        return size == 4 ? value : value & ((1 << (8 * size)) - 1);
    }

    @Override
    public void setPlatformData(PlatformData data) {
        platformData = data;
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("a RecordingMachine never runs a guest");
    }

    /** Never running: there is nothing to press. */
    @Override
    public boolean pressPowerButton() {
        return false;
    }

    @Override
    public void stop() {
    }

    @Override
    public VmState state() {
        return VmState.CREATED;
    }

    @Override
    public Optional<VmExit> awaitExit(Duration timeout) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
