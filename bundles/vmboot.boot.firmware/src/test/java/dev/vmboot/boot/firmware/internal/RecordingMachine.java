package dev.vmboot.boot.firmware.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

/** A machine that only records how a boot protocol set it up. */
final class RecordingMachine implements VirtualMachine {
    record PortDevice(String name, int base, int length, PortIoDevice device) {
    }

    record Mapping(String name, long address, ByteBuffer image) {
    }

    final MachineSpec spec;
    final GuestMemory memory;
    final List<PortDevice> ports = new ArrayList<>();
    final List<Mapping> mappings = new ArrayList<>();
    /** PCI configuration dwords by {@code device << 16 | function << 8 | offset}; absent ones read all-ones. */
    final Map<Integer, Integer> pciConfig = new HashMap<>();
    CpuState cpuState;

    RecordingMachine(MachineSpec spec, GuestMemory memory) {
        this.spec = spec;
        this.memory = memory;
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
        throw new UnsupportedOperationException();
    }

    @Override
    public InterruptLine interruptLine(int gsi) {
        throw new UnsupportedOperationException();
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
        throw new UnsupportedOperationException();
    }

    @Override
    public void start() {
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
