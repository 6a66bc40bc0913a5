package dev.vmboot.boot.pvh.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
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

/** A machine that is never started: guest memory plus what a boot protocol sets. */
final class FakeMachine implements VirtualMachine {
    private final MachineSpec spec;
    private final GuestMemory memory;
    CpuState cpuState;
    PlatformData platformData;

    FakeMachine(MachineSpec spec, GuestMemory memory) {
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
        throw new UnsupportedOperationException("a boot protocol adds no devices");
    }

    @Override
    public void addMmioDevice(String name, long base, long length, MmioDevice device) {
        throw new UnsupportedOperationException("a boot protocol adds no devices");
    }

    @Override
    public InterruptLine interruptLine(int gsi) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void mapReadOnly(String name, long guestAddress, ByteBuffer image) {
        throw new UnsupportedOperationException("PVH loads into RAM");
    }

    @Override
    public void setBootCpuState(CpuState state) {
        cpuState = state;
    }

    @Override
    public int readPciConfig(int device, int function, int offset, int size) {
        return -1; // no PCI functions
    }

    @Override
    public void setPlatformData(PlatformData data) {
        platformData = data;
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException();
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
