package dev.vmboot.platform;

import java.util.Objects;
import java.util.Optional;

/**
 * PCI bus 0 behind the host bridge: functions by device (0–31) and function (0–7) number. Absent functions, and every
 * other bus, read as all-ones (PCI 3.0, 6.1: a vendor ID of 0xFFFF means no function) and ignore writes.
 */
public final class PciRootBus {

    private static final int DEVICES = 32;
    private static final int FUNCTIONS = 8;

    private final PciFunction[] functions = new PciFunction[DEVICES * FUNCTIONS];

    /** Places {@code pciFunction} at {@code device.function}; function 0 must exist before other functions show. */
    public synchronized void add(int device, int function, PciFunction pciFunction) {
        Objects.requireNonNull(pciFunction, "pciFunction");
        int slot = slot(device, function);
        if (functions[slot] != null) {
            throw new IllegalStateException("PCI 00:" + device + "." + function + " is taken");
        }
        functions[slot] = pciFunction;
        markMultiFunction(device);
    }

    /** Places a single-function device at the lowest free device number and returns that number. */
    public synchronized int addAtFreeDevice(PciFunction pciFunction) {
        for (int device = 0; device < DEVICES; device++) {
            if (isDeviceFree(device)) {
                add(device, 0, pciFunction);
                return device;
            }
        }
        throw new IllegalStateException("PCI bus 0 is full");
    }

    public synchronized Optional<PciFunction> function(int device, int function) {
        return Optional.ofNullable(functions[slot(device, function)]);
    }

    /** A configuration read of {@code size} bytes at {@code offset} of {@code bus:device.function}. */
    public int readConfig(int bus, int device, int function, int offset, int size) {
        PciFunction target = lookup(bus, device, function);
        return target == null ? PortAccess.allOnes(size) : target.readConfig(offset, size);
    }

    public void writeConfig(int bus, int device, int function, int offset, int size, int value) {
        PciFunction target = lookup(bus, device, function);
        if (target != null) {
            target.writeConfig(offset, size, value);
        }
    }

    private synchronized PciFunction lookup(int bus, int device, int function) {
        if (bus != 0 || device < 0 || device >= DEVICES || function < 0 || function >= FUNCTIONS) {
            return null;
        }
        return functions[device * FUNCTIONS + function];
    }

    private boolean isDeviceFree(int device) {
        for (int f = 0; f < FUNCTIONS; f++) {
            if (functions[device * FUNCTIONS + f] != null) {
                return false;
            }
        }
        return true;
    }

    private void markMultiFunction(int device) {
        int present = 0;
        for (int f = 0; f < FUNCTIONS; f++) {
            present += functions[device * FUNCTIONS + f] != null ? 1 : 0;
        }
        PciFunction first = functions[device * FUNCTIONS];
        if (present > 1 && first != null) {
            first.markMultiFunction(); // PCI 3.0, 6.2.1: software scans functions 1–7 only if this bit is set
        }
    }

    private static int slot(int device, int function) {
        if (device < 0 || device >= DEVICES || function < 0 || function >= FUNCTIONS) {
            throw new IllegalArgumentException("bad PCI device.function " + device + "." + function);
        }
        return device * FUNCTIONS + function;
    }
}
