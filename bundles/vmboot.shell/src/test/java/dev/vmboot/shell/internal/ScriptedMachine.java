package dev.vmboot.shell.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * A machine that, once started, ends the way it was told (or when stopped, if told nothing). Its power button is absent,
 * obeyed (the guest powers off) or ignored, as told.
 */
final class ScriptedMachine implements VirtualMachine {
    /**
     * What pressing the power button does: REFUSED answers false, as a machine that ended just before the press does;
     * OBEYED powers off; IGNORED keeps running.
     */
    enum PowerButton { REFUSED, OBEYED, IGNORED }

    final VmExit ending;
    volatile PowerButton powerButton = PowerButton.REFUSED;
    volatile int presses;
    final CountDownLatch ended = new CountDownLatch(1);
    volatile VmExit exit;
    volatile boolean started;
    volatile boolean closed;
    /** What {@link #deviceCounters()} says. */
    volatile Map<String, Map<String, Long>> counters = Map.of();
    /** Run as close() begins (what the machine's console pump would meet then). */
    volatile Runnable atClose = () -> { };

    private final MachineSpec spec;

    ScriptedMachine(VmExit ending) {
        this(ending, new MachineSpec("scripted", 16L << 20, 1, null));
    }

    ScriptedMachine(VmExit ending, MachineSpec spec) {
        this.ending = ending;
        this.spec = spec;
    }

    @Override
    public MachineSpec spec() {
        return spec;
    }

    @Override
    public void start() {
        started = true;
        if (ending != null) {
            end(ending);
        }
    }

    private synchronized void end(VmExit e) {
        if (exit == null) {
            exit = e;
            ended.countDown();
        }
    }

    @Override
    public Map<String, Map<String, Long>> deviceCounters() {
        return counters;
    }

    @Override
    public boolean pressPowerButton() {
        if (powerButton == PowerButton.REFUSED || exit != null) {
            return false;
        }
        presses++;
        if (powerButton == PowerButton.OBEYED) {
            end(new VmExit(VmState.POWERED_OFF, "the guest powered off"));
        }
        return true;
    }

    @Override
    public void stop() {
        end(new VmExit(VmState.STOPPED, "stopped from outside"));
    }

    @Override
    public VmState state() {
        return exit == null ? (started ? VmState.RUNNING : VmState.CREATED) : exit.state();
    }

    @Override
    public Optional<VmExit> awaitExit(Duration timeout) throws InterruptedException {
        return ended.await(Math.min(timeout.toMillis(), 60_000), TimeUnit.MILLISECONDS) ? Optional.of(exit)
                : Optional.empty();
    }

    @Override
    public void close() {
        atClose.run();
        stop();
        closed = true;
    }

    @Override
    public GuestMemory memory() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addPortIoDevice(String name, int base, int length, PortIoDevice device) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addMmioDevice(String name, long base, long length, MmioDevice device) {
        throw new UnsupportedOperationException();
    }

    @Override
    public GuestLogLimiter guestLog() {
        throw new UnsupportedOperationException();
    }

    @Override
    public InterruptLine interruptLine(int gsi) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void mapReadOnly(String name, long guestAddress, ByteBuffer image) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int readPciConfig(int device, int function, int offset, int size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setBootCpuState(CpuState state) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setPlatformData(PlatformData data) {
        throw new UnsupportedOperationException();
    }
}
