package dev.vmboot.platform;

import java.util.Objects;

import dev.vmboot.api.device.PortIoDevice;

/**
 * PCI configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2): the address register at 0xCF8 takes
 * 32-bit accesses only, and 0xCFC–0xCFF is a window on the addressed dword, so a byte at 0xCFD reads register + 1 and
 * a word at 0xCFE reads register + 2. Narrower accesses to 0xCF8–0xCFB are not configuration cycles: the byte at
 * 0xCF9 goes to the reset control register (PIIX/ICH "RC"), which therefore lives inside this 8-port range.
 */
public final class PciConfigPorts implements PortIoDevice {

    /** PCI 3.0, 3.2.2.3.2: CONFIG_ADDRESS at 0xCF8, CONFIG_DATA at 0xCFC. */
    public static final int BASE = 0xCF8;
    public static final int LENGTH = 8;
    private static final int DATA = 4;
    private static final int RESET_CONTROL_OFFSET = 1; // 0xCF9

    private final PciRootBus bus;
    private final PortIoDevice resetControl;
    private int address;

    /**
     * @param bus          the root bus
     * @param resetControl the device answering byte accesses to 0xCF9, or null for none
     */
    public PciConfigPorts(PciRootBus bus, PortIoDevice resetControl) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.resetControl = resetControl;
    }

    @Override
    public int read(int offset, int size) {
        if (offset >= DATA && offset < LENGTH) {
            PciConfigAddress a = address();
            if (!a.enabled() || offset + size > LENGTH) {
                return PortAccess.allOnes(size);
            }
            return bus.readConfig(a.bus(), a.device(), a.function(), a.register() + offset - DATA, size);
        }
        if (offset == 0 && size == 4) {
            return address().encode();
        }
        if (offset == RESET_CONTROL_OFFSET && size == 1 && resetControl != null) {
            return resetControl.read(0, 1);
        }
        return PortAccess.allOnes(size);
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset >= DATA && offset < LENGTH) {
            PciConfigAddress a = address();
            if (a.enabled() && offset + size <= LENGTH) {
                bus.writeConfig(a.bus(), a.device(), a.function(), a.register() + offset - DATA, size, value);
            }
        } else if (offset == 0 && size == 4) {
            synchronized (this) {
                address = PciConfigAddress.decode(value).encode();
            }
        } else if (offset == RESET_CONTROL_OFFSET && size == 1 && resetControl != null) {
            resetControl.write(0, 1, value);
        }
    }

    private synchronized PciConfigAddress address() {
        return PciConfigAddress.decode(address);
    }
}
